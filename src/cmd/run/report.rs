//! What a run tells its operator: progress while it runs, and the summary at its end.

use super::*;

pub(super) enum Progress {
    Bar(indicatif::ProgressBar),
    Json { last: std::cell::Cell<Instant> },
    Quiet,
}

impl Progress {
    pub(super) fn new(format: LogFormat, inputs: u64) -> Self {
        match format {
            LogFormat::Json => Progress::Json {
                last: std::cell::Cell::new(Instant::now()),
            },
            LogFormat::Text if std::io::stderr().is_terminal() => {
                let bar = indicatif::ProgressBar::new(inputs);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} inputs  {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                Progress::Bar(bar)
            }
            LogFormat::Text => Progress::Quiet,
        }
    }

    pub(super) fn update(&self, totals: &Totals, started: Instant) {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let mb = totals.bytes as f64 / 1e6;
        match self {
            // Documents from one JSON Lines file count as one input; the bar tracks documents.
            Progress::Bar(bar) => {
                bar.set_position(totals.documents.min(bar.length().unwrap_or(u64::MAX)));
                bar.set_message(format!(
                    "{} docs, {mb:.1} MB, {:.1} MB/s",
                    totals.documents,
                    mb / secs
                ));
            }
            Progress::Json { last } => {
                if last.get().elapsed() >= Duration::from_secs(5) {
                    last.set(Instant::now());
                    tracing::info!(
                        documents = totals.documents,
                        mb,
                        mb_per_s = mb / secs,
                        "progress"
                    );
                }
            }
            Progress::Quiet => {}
        }
    }

    pub(super) fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Processor seconds between two phase ends, when both were read.
fn cpu_between(from: PhaseEnd, to: PhaseEnd) -> Option<f64> {
    Some(to.cpu? - from.cpu?)
}

pub(super) fn print_summary(
    report: &aggregate::Report,
    totals: &Totals,
    elapsed: Duration,
    format: LogFormat,
) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mb = totals.bytes as f64 / 1e6;
    let copies = report.corpus.as_ref().map(|c| c.near_duplicate_articles);
    let text = if format == LogFormat::Json {
        serde_json::json!({
            "event": "finished",
            "out": report.out.display().to_string(),
            "run": report.run,
            "new_documents": totals.documents,
            "unchanged_documents": totals.unchanged,
            "unread_files": totals.unread_files,
            "failed_documents": totals.errors,
            "documents": report.run_documents,
            "rows": report.run_rows,
            "dataset_rows": report.rows,
            "dataset_documents": report.documents,
            "articles": totals.articles,
            "near_duplicate_articles": copies,
            "mb": mb,
            "seconds": secs,
            "mb_per_s": mb / secs,
            "peak_rss_bytes": peak_rss_bytes(),
            // Where the wall time went: what runs alone (the furniture pass, the last
            // commit and the corpus step) against the documents' processing.
            "phases": {
                "furniture_pass": totals.phases[0].secs,
                "process": totals.phases[1].secs - totals.phases[0].secs,
                "commit_and_corpus_step": totals.phases[2].secs - totals.phases[1].secs,
            },
            // The processor time of each phase, every thread's: against its wall time, the
            // cores it kept busy (the read-ahead, writer and counting threads run beside
            // the workers, so one worker thread keeps more than one core busy).
            "phase_cpu_seconds": {
                "furniture_pass": totals.phases[0].cpu,
                "process": cpu_between(totals.phases[0], totals.phases[1]),
                "commit_and_corpus_step": cpu_between(totals.phases[1], totals.phases[2]),
            },
            // And by the job of each thread: what the workers did, and what ran beside them.
            "thread_cpu_seconds": totals.threads.as_ref().map(|jobs| {
                jobs.iter()
                    .map(|&(job, secs)| (job.to_string(), serde_json::json!(secs)))
                    .collect::<serde_json::Map<_, _>>()
            }),
        })
        .to_string()
    } else {
        let statuses: Vec<String> = report
            .run_documents
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let mut lines = vec![
            format!("newsprint: run {} into {}", report.run, report.out.display()),
            format!(
                "  inputs     {} new documents ({}), {} already in the dataset ({} files known unchanged, not read)",
                totals.documents,
                if statuses.is_empty() { "none".to_string() } else { statuses.join(", ") },
                totals.unchanged,
                totals.unread_files
            ),
            format!(
                "  read       {mb:.2} MB in {secs:.2} s ({:.1} MB/s, {:.0} docs/s), peak memory {} MB",
                mb / secs,
                totals.documents as f64 / secs,
                peak_rss_bytes().map_or("?".to_string(), |b| (b >> 20).to_string())
            ),
        ];
        match copies {
            Some(n) => lines.push(format!(
                "  articles   {} new; {n} in the dataset repeat an earlier article (articles.duplicate_of)",
                totals.articles
            )),
            None => lines.push(format!(
                "  articles   {} new; near-duplicates and summaries wait for `newsprint merge`",
                totals.articles
            )),
        }
        lines.push(format!("  {:<18} {:>9} {:>9}", "rows", "added", "dataset"));
        for (table, rows) in &report.rows {
            // The summaries are computed again over the whole dataset, not added to.
            let added = if aggregate::is_summary(table) {
                "-".to_string()
            } else {
                report.run_rows.get(table).copied().unwrap_or(0).to_string()
            };
            lines.push(format!("    {table:<16} {added:>9} {rows:>9}"));
        }
        lines.join("\n")
    };
    // A reader that closed the pipe early has had what it wanted: not an error.
    let _ = writeln!(std::io::stdout(), "{text}");
}

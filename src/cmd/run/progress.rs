//! What a run tells its operator: progress while it runs, and the summary at its end.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::{read_account, LogFormat, PhaseEnd, Totals};
use crate::cmd::peak_rss_bytes;

/// Progress while a run reads: a bar on a terminal; else (a log file, a scheduler) a log
/// line every few seconds. It counts input bytes as stored, so a run of one large JSON
/// Lines file moves as its records are read, and the two passes (learning furniture, then
/// processing) each show their own.
pub(super) struct Progress {
    kind: Kind,
    phase: std::cell::Cell<&'static str>,
    started: std::cell::Cell<Instant>,
}

enum Kind {
    Bar(indicatif::ProgressBar),
    Log {
        every: Duration,
        last: std::cell::Cell<Instant>,
    },
}

/// A pass's count of what it has read.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Done {
    pub(super) documents: u64,
    /// Bytes of the documents read (decompressed).
    pub(super) document_bytes: u64,
    pub(super) read: read_account::Read,
}

impl Progress {
    pub(super) fn new(format: LogFormat) -> Self {
        let kind = match format {
            LogFormat::Text if std::io::stderr().is_terminal() => {
                // Drawn from the first pass's start, not before.
                let bar = indicatif::ProgressBar::with_draw_target(
                    Some(0),
                    indicatif::ProgressDrawTarget::hidden(),
                );
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {prefix} [{elapsed_precise}] {bar:30} {percent:>3}% of {total_bytes}, eta {eta}  {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                Kind::Bar(bar)
            }
            // A log for a scheduler, or text written to a file: a line every few seconds.
            LogFormat::Json | LogFormat::Text => Kind::Log {
                every: Duration::from_secs(5),
                last: std::cell::Cell::new(Instant::now()),
            },
        };
        Progress {
            kind,
            phase: std::cell::Cell::new(""),
            started: std::cell::Cell::new(Instant::now()),
        }
    }

    /// Starts a pass over inputs of `bytes_total` bytes (as stored).
    pub(super) fn start(&self, phase: &'static str, bytes_total: u64) {
        self.phase.set(phase);
        self.started.set(Instant::now());
        match &self.kind {
            Kind::Bar(bar) => {
                bar.reset();
                bar.set_length(bytes_total);
                bar.set_prefix(phase);
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            // Said at once, so a log shows what the run is doing from its first second;
            // (the lines after keep their pace across passes).
            Kind::Log { .. } => tracing::info!(
                phase,
                stored_mb = (bytes_total as f64 / 1e5).round() / 10.0,
                "pass started"
            ),
        }
    }

    pub(super) fn update(&self, done: &Done) {
        let secs = self.started.get().elapsed().as_secs_f64().max(1e-9);
        let mb = done.document_bytes as f64 / 1e6;
        let read = &done.read;
        match &self.kind {
            Kind::Bar(bar) => {
                bar.set_position(read.bytes.min(read.bytes_total));
                bar.set_message(format!(
                    "{}/{} inputs, {} docs, {:.1} MB/s",
                    read.files,
                    read.files_total,
                    done.documents,
                    mb / secs
                ));
            }
            Kind::Log { every, last } => {
                if last.get().elapsed() >= *every {
                    last.set(Instant::now());
                    let percent = if read.bytes_total > 0 {
                        (100.0 * read.bytes as f64 / read.bytes_total as f64).min(100.0)
                    } else {
                        0.0
                    };
                    tracing::info!(
                        phase = self.phase.get(),
                        percent = (percent * 10.0).round() / 10.0,
                        inputs = read.files,
                        of = read.files_total,
                        documents = done.documents,
                        mb = (mb * 10.0).round() / 10.0,
                        mb_per_s = (mb / secs * 10.0).round() / 10.0,
                        "progress"
                    );
                }
            }
        }
    }

    pub(super) fn finish(&self) {
        if let Kind::Bar(bar) = &self.kind {
            bar.finish_and_clear();
        }
    }
}

/// Processor seconds between two phase ends, when both were read.
fn cpu_between(from: PhaseEnd, to: PhaseEnd) -> Option<f64> {
    Some(to.cpu? - from.cpu?)
}

pub(super) fn print_summary(
    report: &aggregate::Outcome,
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
            // (`null` when the run added nothing and so left no record.)
            "run": report.recorded.then_some(report.run),
            "recorded": report.recorded,
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
            if report.recorded {
                format!("newsprint: run {} into {}", report.run, report.out.display())
            } else {
                format!(
                    "newsprint: nothing new for {}: the dataset is as it was, and no run is recorded",
                    report.out.display()
                )
            },
            format!(
                "  inputs     {} new documents ({}), {} already in the dataset ({} files known unchanged, not read{})",
                totals.documents,
                if statuses.is_empty() { "none".to_string() } else { statuses.join(", ") },
                totals.unchanged,
                totals.unread_files,
                match totals.unchanged.saturating_sub(totals.unread_documents) {
                    0 => String::new(),
                    // Read to be recognised: files changed since, or written within two
                    // seconds of the run that read them, which cannot be vouched for.
                    again => format!("; {again} read again to check them: their files changed, or were written just before the run that read them"),
                }
            ),
            format!(
                "  read       {mb:.2} MB in {secs:.2} s ({:.1} MB/s, {:.0} docs/s), peak memory {} MiB",
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
            let added = if dataset::schema::is_summary(table) {
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

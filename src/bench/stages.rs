//! The stage bench: each stage timed on one thread in process, then end-to-end runs at
//! each thread count, with their phases and processor time by thread.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use super::args::{BenchArgs, CorpusKind};
use super::common::{bench_stages, fastest_of_3, rate, timed_run, E2E_RUNS};
use super::corpus::{generate, write_corpus};

/// Runs the stage bench over a corpus written into `scratch`.
pub fn stage_bench(pages: &[String], args: &BenchArgs, scratch: &Path) -> Result<ExitCode> {
    let corpus = scratch.join("corpus");
    if corpus.exists() {
        std::fs::remove_dir_all(&corpus)?;
    }
    let t = Instant::now();
    let real = match args.corpus {
        CorpusKind::Sample => None,
        CorpusKind::Real => {
            let cache = super::realistic::cache_dir();
            match super::realistic::training_text(&cache) {
                Ok(text) => Some(text),
                Err(e) => {
                    eprintln!("warning: {e:#}; the bench falls back to the sample pages");
                    None
                }
            }
        }
    };
    let (bytes, made_of) = match &real {
        Some(bmes) => {
            let bytes = write_corpus(super::realistic::pages(bmes), args.mb << 20, &corpus)?;
            (
                bytes,
                "pages of real news sentences (MSRA training text), with reprints",
            )
        }
        None => (
            generate(pages, args.mb, &corpus)?,
            "the sample pages, varied",
        ),
    };
    println!(
        "corpus: {:.1} MB of {made_of} in {} ({:.1} s to generate)",
        bytes as f64 / 1e6,
        corpus.display(),
        t.elapsed().as_secs_f64()
    );

    // Stages, one thread, in this process.
    let t = Instant::now();
    // The default extractor: the tagger with the rules.
    let extractor = extract::Extractor::with_tagger();
    extractor.entities(&clean::Page::default());
    println!(
        "lexicon and entity model loaded in {:.0} ms (once a process)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let stages = bench_stages(extractor);
    let t = Instant::now();
    let sources = ingest::discover(std::slice::from_ref(&corpus))?;
    let raws: Vec<ingest::RawDoc> = ingest::read(sources, ingest::ReadOptions::default()).collect();
    let read_secs = t.elapsed().as_secs_f64();
    let raw_bytes: u64 = raws.iter().map(|r| r.bytes.len() as u64).sum();
    let n_docs = raws.len();

    let t = Instant::now();
    let docs: Vec<ingest::Document> = raws
        .into_iter()
        .map(|r| ingest::decode(r, &stages.decode))
        .collect();
    let decode_secs = t.elapsed().as_secs_f64();
    let text_bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();

    // The pure stages run three times and the fastest counts, so that a moment of a busy
    // machine does not pass for the stage's speed.
    let (clean_secs, pages) = fastest_of_3(|| -> Vec<clean::Page> {
        docs.iter()
            .map(|d| clean::clean(d, &stages.clean))
            .collect()
    });
    let (entity_secs, entities) = fastest_of_3(|| -> Vec<Vec<extract::Entity>> {
        pages.iter().map(|p| stages.extractor.entities(p)).collect()
    });
    let rules = extract::Extractor::new();
    let (rules_secs, _) = fastest_of_3(|| -> Vec<Vec<extract::Entity>> {
        pages.iter().map(|p| rules.entities(p)).collect()
    });
    let (quantity_secs, quantities) = fastest_of_3(|| -> Vec<Vec<extract::Quantity>> {
        pages
            .iter()
            .map(|p| stages.extractor.quantities(p))
            .collect()
    });
    let extractions: Vec<extract::Extraction> = entities
        .into_iter()
        .zip(quantities)
        .map(|(entities, quantities)| extract::Extraction {
            entities,
            quantities,
        })
        .collect();

    let t = Instant::now();
    let records: Vec<aggregate::DocRecord> = docs
        .into_iter()
        .zip(pages)
        .zip(extractions)
        .map(|((mut document, page), extraction)| {
            document.text = String::new();
            aggregate::DocRecord::new(document, page, extraction)
        })
        .collect();
    let sketch_secs = t.elapsed().as_secs_f64();

    let out = scratch.join("out-stages");
    let _ = std::fs::remove_dir_all(&out);
    let t = Instant::now();
    let mut writer = aggregate::Writer::open(&out, aggregate::WriterOptions::default())?;
    for record in &records {
        writer.append(record)?;
    }
    writer.finish(aggregate::RunInfo {
        corpus_step: true,
        ..Default::default()
    })?;
    let write_secs = t.elapsed().as_secs_f64();

    println!("\nstage (1 thread)      MB/s    (over; clean and extract: the fastest of 3)");
    println!(
        "read                {:>8.1}   {:.1} MB raw",
        rate(raw_bytes, read_secs),
        raw_bytes as f64 / 1e6
    );
    println!(
        "decode              {:>8.1}   raw bytes",
        rate(raw_bytes, decode_secs)
    );
    println!(
        "clean               {:>8.1}   {:.1} MB UTF-8 text (goal: 100)",
        rate(text_bytes, clean_secs),
        text_bytes as f64 / 1e6
    );
    println!(
        "extract             {:>8.1}   UTF-8 text (goal: 25 entities + 250 quantities = 23)",
        rate(text_bytes, entity_secs + quantity_secs)
    );
    println!(
        "  entities, tagger  {:>8.1}   UTF-8 text (the default; goal: 25)",
        rate(text_bytes, entity_secs)
    );
    println!(
        "  entities, rules   {:>8.1}   UTF-8 text (run --entities rules; goal: 100)",
        rate(text_bytes, rules_secs)
    );
    println!(
        "  quantities        {:>8.1}   UTF-8 text (goal: 250)",
        rate(text_bytes, quantity_secs)
    );
    println!(
        "sketch              {:>8.1}   UTF-8 text",
        rate(text_bytes, sketch_secs)
    );
    println!(
        "write + corpus      {:>8.1}   UTF-8 text",
        rate(text_bytes, write_secs)
    );
    println!("documents           {n_docs:>8}");

    // End to end, in child processes so each reports its own peak memory: the fastest of
    // three runs (a shared machine's noise only ever slows a run), and the highest peak.
    println!(
        "\nend to end          MB/s   docs/s   peak RSS MiB   speed-up   (best of {E2E_RUNS})"
    );
    let mut base = None;
    let mut one_thread_secs = None;
    // The phases of each thread count's fastest run.
    let mut phases: Vec<(usize, serde_json::Value)> = Vec::new();
    for &threads in &args.threads {
        let out = scratch.join(format!("out-{threads}"));
        let threads_arg = threads.to_string();
        let (mut mbps, mut secs, mut rss) = (0f64, f64::MAX, 0f64);
        let mut fastest = serde_json::Value::Null;
        for _ in 0..E2E_RUNS {
            // A dataset left by the run before would make this run add nothing.
            let _ = std::fs::remove_dir_all(&out);
            let summary = timed_run(&corpus, &out, &["--threads", threads_arg.as_str()])?;
            mbps = mbps.max(summary["mb_per_s"].as_f64().unwrap_or(0.0));
            let run_secs = summary["seconds"].as_f64().unwrap_or(f64::MAX);
            if run_secs < secs {
                fastest = serde_json::json!({
                    "wall": summary["phases"].clone(),
                    "cpu": summary["phase_cpu_seconds"].clone(),
                    "jobs": summary["thread_cpu_seconds"].clone(),
                });
            }
            secs = secs.min(run_secs);
            rss =
                rss.max(summary["peak_rss_bytes"].as_u64().unwrap_or(0) as f64 / (1 << 20) as f64);
        }
        let speedup = base.map_or(1.0, |b: f64| mbps / b);
        base.get_or_insert(mbps);
        if threads == 1 {
            one_thread_secs = Some(secs);
        }
        println!(
            "{threads} thread(s)         {mbps:>7.1}  {:>7.0}   {rss:>11.0}   {speedup:>7.2}x",
            n_docs as f64 / secs.max(1e-9)
        );
        phases.push((threads, fastest));
    }
    // What limits the speed-up: the phases that run alone whatever the thread count, and
    // the cores each phase keeps busy (processor time over wall time: the read-ahead,
    // writer and counting threads run beside the workers, so one worker keeps more than
    // one core busy, and a second has only what is left).
    println!(
        "\nwall time by phase (s; cores busy)   furniture pass    processing   commit + corpus step"
    );
    for (threads, phase) in &phases {
        let cell = |name: &str| {
            let wall = phase["wall"][name].as_f64().unwrap_or(0.0);
            let cpu = phase["cpu"][name].as_f64().unwrap_or(0.0);
            format!("{wall:.2} ({:.2})", cpu / wall.max(1e-9))
        };
        println!(
            "{threads} thread(s)                          {:>14}   {:>11}   {:>20}",
            cell("furniture_pass"),
            cell("process"),
            cell("commit_and_corpus_step")
        );
    }
    // Which threads the processor time went to: the workers', and what ran beside them.
    println!("\nprocessor seconds by thread (the whole run)");
    for (threads, phase) in &phases {
        let mut jobs: Vec<(&String, f64)> = phase["jobs"]
            .as_object()
            .map(|jobs| {
                jobs.iter()
                    .map(|(job, secs)| (job, secs.as_f64().unwrap_or(0.0)))
                    .collect()
            })
            .unwrap_or_default();
        jobs.sort_by(|a, b| b.1.total_cmp(&a.1));
        let jobs: Vec<String> = jobs
            .iter()
            .map(|(job, secs)| format!("{job} {secs:.2}"))
            .collect();
        println!("{threads} thread(s): {}", jobs.join(", "));
    }
    if let Some(total) = one_thread_secs {
        // Where one thread's time goes: each stage timed alone, and the rest of the run
        // (the furniture pass, which reads and decodes every input a second time, moving
        // records between stages, allocation).
        let stages = [
            ("read", read_secs),
            ("decode", decode_secs),
            ("clean", clean_secs),
            ("entities", entity_secs),
            ("quantities", quantity_secs),
            ("sketch", sketch_secs),
            ("write + corpus", write_secs),
        ];
        let timed: f64 = stages.iter().map(|(_, t)| t).sum();
        println!("\nwhere one thread's time goes   s     share");
        for (stage, secs) in stages {
            println!(
                "{stage:<26} {secs:>7.2}   {:>5.1} %",
                100.0 * secs / total.max(1e-9)
            );
        }
        let rest = (total - timed).max(0.0);
        println!(
            "{:<26} {rest:>7.2}   {:>5.1} %",
            "rest: furniture pass, glue",
            100.0 * rest / total.max(1e-9)
        );
    }
    Ok(ExitCode::SUCCESS)
}

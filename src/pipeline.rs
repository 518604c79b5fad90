//! The per-document pipeline and the one place where parallelism lives.
//!
//! A document goes ingest → clean → extract as a pure function. [`Workers`], the run's
//! thread pool, maps batches of raw documents in parallel and collects them in input order,
//! so the tables come out the same whatever the thread count; it also runs the furniture
//! pass and the corpus step's tasks, so `--threads` bounds them all. A panic inside one
//! document's processing is caught and becomes that document's error row: one bad page
//! never takes the run down.

use std::sync::Arc;

use anyhow::Context;

use extract::Extractor;
use ingest::{DecodeOptions, RawDoc, Status};
use rayon::prelude::*;
use records::{DocRecord, Stages};

/// How entities are found.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum Entities {
    /// The character tagger, with the rules beside it (the default).
    Tagger,
    /// The rules alone: lexicon, titles, verbs of saying.
    Rules,
}

impl Entities {
    /// The name `--entities` takes, as the manifest records it.
    pub fn as_str(self) -> &'static str {
        match self {
            Entities::Tagger => "tagger",
            Entities::Rules => "rules",
        }
    }
}

/// The extractor `--entities` asks for: the character tagger with the rules, or the rules.
pub fn extractor(entities: Entities) -> Extractor {
    match entities {
        Entities::Tagger => Extractor::with_tagger(),
        Entities::Rules => Extractor::new(),
    }
}

/// A document's doc_id, as a number, and the encoding detected for it (a
/// `documents.encoding` name).
pub type DetectedEncoding = (u128, &'static str);

/// The run's worker threads: every parallel step of newsprint runs on them.
#[derive(Clone)]
pub struct Workers(Arc<rayon::ThreadPool>);

impl Workers {
    /// A pool of `threads` threads.
    pub fn new(threads: usize) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("{}-{i}", crate::cputime::WORKER_NAME))
            .build()?;
        Ok(Workers(Arc::new(pool)))
    }

    /// Processes a batch in parallel; the output is in input order.
    pub fn process(&self, stages: &Stages, batch: Vec<RawDoc>) -> Vec<DocRecord> {
        self.0.install(|| {
            batch
                .into_par_iter()
                .map(|raw| stages.process(raw))
                .collect()
        })
    }

    /// Each document's candidate furniture lines (`clean::furniture::line_keys`), in input
    /// order (a document that does not decode has none), and, for a document whose encoding
    /// was detected (neither UTF-8 nor a forced one), its doc_id and that encoding, so that
    /// the pipeline need not detect it again.
    pub fn line_keys(
        &self,
        batch: Vec<RawDoc>,
        decode: &DecodeOptions,
    ) -> Vec<(Vec<u64>, Option<DetectedEncoding>)> {
        self.0.install(|| {
            batch
                .into_par_iter()
                .map(|raw| {
                    let doc = ingest::decode(raw, decode);
                    let detected = doc
                        .encoding
                        .filter(|&e| e != "UTF-8" && !decode.is_forced())
                        .and_then(|e| Some((ingest::content_number(&doc.doc_id)?, e)));
                    let keys = if doc.status == Status::Ok {
                        clean::furniture::line_keys(&doc.text)
                    } else {
                        Vec::new()
                    };
                    (keys, detected)
                })
                .collect()
        })
    }

    /// How the corpus step runs its independent tasks: on these threads.
    pub fn corpus_runner(&self) -> aggregate::Parallel {
        let pool = Arc::clone(&self.0);
        aggregate::Parallel::new(move |n, task| {
            pool.install(|| (0..n).into_par_iter().for_each(task));
        })
    }
}

/// Starts the writer's thread, which runs `first` on the writer before anything else:
/// Parquet encoding runs there, overlapping the next batch's processing. The channel holds
/// at most two batches, so memory stays bounded when writing is slower; the thread hands
/// the writer back once the channel closes.
pub fn spawn_writer(
    mut writer: aggregate::Writer,
    first: Option<impl FnOnce(&mut aggregate::Writer) -> anyhow::Result<()> + Send + 'static>,
) -> (
    std::sync::mpsc::SyncSender<Vec<DocRecord>>,
    std::thread::JoinHandle<anyhow::Result<aggregate::Writer>>,
) {
    let (to_writer, from_pipeline) = std::sync::mpsc::sync_channel::<Vec<DocRecord>>(2);
    let thread = std::thread::spawn(move || -> anyhow::Result<aggregate::Writer> {
        let _job = crate::cputime::Job("writer");
        // What must be saved before any part can be committed (the furniture counts) goes
        // first, overlapping the first batch's processing.
        if let Some(first) = first {
            first(&mut writer)?;
        }
        for records in from_pipeline {
            for record in &records {
                writer.append(record).context("cannot write the dataset")?;
            }
        }
        Ok(writer)
    });
    (to_writer, thread)
}

//! The furniture pass: counting every new input's candidate furniture lines before the run
//! cleans, on top of the dataset's counts, and saving them before anything is committed.

use anyhow::{Context, Result};
use ingest::RawDoc;

use super::next_batch;

/// The furniture pass: counts the candidate furniture lines of every input `reader` gives
/// that `wanted` keeps and the dataset has not counted yet, on top of the dataset's counts;
/// returns the furniture set to clean with, and the counts with the inputs they hold, to be
/// saved before anything is committed (a run stopped half way is completed with them).
pub(super) fn furniture_pass(
    writer: &aggregate::Writer,
    reader: ingest::Reader,
    wanted: &dyn Fn(&RawDoc) -> bool,
    (decode, workers, batch_size): (
        &ingest::DecodeOptions,
        &crate::pipeline::Workers,
        (usize, u64),
    ),
    min_docs: u32,
    (progress, account): (&super::progress::Progress, super::read_account::ReadAccount),
) -> Result<(
    std::sync::Arc<dyn clean::furniture::Furniture>,
    Detected,
    FurnitureSave,
)> {
    let counter = match writer.furniture_state() {
        Some(bytes) if corpus::furniture::LineCounter::is_older_format(bytes) => {
            anyhow::bail!(
                "the dataset's furniture counts were written by an older newsprint, which \
                 keyed lines otherwise; rebuild it with --full (or run with --no-furniture)"
            )
        }
        Some(bytes) => corpus::furniture::LineCounter::from_bytes(bytes)
            .context("the dataset's furniture counts are damaged; rebuild it with --full")?,
        None => corpus::furniture::LineCounter::new(FURNITURE_WINDOW),
    };
    // Inputs already counted (by an earlier run, or a stopped one) are not counted again.
    let uncounted =
        |raw: &RawDoc| wanted(raw) && !writer.furniture_counted(&raw.source, &raw.doc_id);
    let (counter, counted, detected) = learn_furniture(
        counter,
        reader,
        &uncounted,
        decode,
        workers,
        batch_size,
        (progress, account),
    )?;
    let furniture = counter.finish(min_docs);
    tracing::info!(lines = furniture.len(), "furniture lines learned");
    // The counts are encoded (a sort of every key counted) on a thread of their own while
    // the run starts cleaning; the writer saves them before its first commit.
    let encoding = std::thread::spawn(move || {
        let _job = crate::cputime::Job("furniture counts' encoding");
        counter.into_bytes()
    });
    let save = FurnitureSave { encoding, counted };
    Ok((std::sync::Arc::new(furniture), detected, save))
}

/// The furniture counts the run must save before it commits anything (see
/// `aggregate::Writer::set_furniture_state`), being encoded.
pub(super) struct FurnitureSave {
    encoding: std::thread::JoinHandle<Vec<u8>>,
    counted: Vec<u128>,
}

impl FurnitureSave {
    /// Saves the counts with the run, once they are encoded.
    pub(super) fn save(self, writer: &mut aggregate::Writer) -> Result<()> {
        let state = self
            .encoding
            .join()
            .map_err(|_| anyhow::anyhow!("the furniture counts' encoding panicked"))?;
        writer
            .set_furniture_state(state, self.counted)
            .context("cannot save the furniture counts")
    }
}

/// The encodings the pass detected, by doc_id as a number (see `Stages::detected`).
pub(super) type Detected = std::collections::HashMap<u128, &'static str>;

/// Documents after which the furniture counter forgets lines seen only once in them.
pub(super) const FURNITURE_WINDOW: u64 = 5_000;

/// The first pass: reads and decodes every new input and counts its candidate furniture
/// lines, batch by batch in parallel, documents counted in input order, on top of the counts
/// the dataset's earlier runs saved. Returns the counts, the keys of the inputs it counted
/// (`aggregate::input_key`, 16 bytes an input rather than its two strings), and the
/// encodings it detected.
pub(super) fn learn_furniture(
    mut counter: corpus::furniture::LineCounter,
    reader: ingest::Reader,
    is_new: &dyn Fn(&RawDoc) -> bool,
    decode: &ingest::DecodeOptions,
    workers: &crate::pipeline::Workers,
    (batch_docs, batch_bytes): (usize, u64),
    (progress, mut account): (&super::progress::Progress, super::read_account::ReadAccount),
) -> Result<(corpus::furniture::LineCounter, Vec<u128>, Detected)> {
    progress.start("learning furniture", account.progress().bytes_total);
    let mut done = super::progress::Done::default();
    let mut counted = Vec::new();
    let mut detected = Detected::new();
    let mut reader = crate::prefetch::Prefetch::new(reader, (batch_docs, batch_bytes));
    // Pages are counted in input order on a thread of their own, while the workers key the
    // next batch's lines.
    let (to_counter, pages) = std::sync::mpsc::sync_channel::<Vec<Vec<u64>>>(1);
    let counting = std::thread::spawn(move || {
        let _job = crate::cputime::Job("furniture counter");
        for batch in pages {
            for page in &batch {
                counter.add_document(page);
            }
        }
        counter
    });
    loop {
        if crate::interrupt::asked() {
            // (The counter's thread ends when the channel closes; its counts are dropped.)
            drop(to_counter);
            let _ = counting.join();
            return Err(crate::interrupt::Stopped.into());
        }
        let batch = next_batch(&mut reader, batch_docs, batch_bytes, |raw| {
            account.count(&raw.source, raw.read_bytes);
            done.documents += 1;
            done.document_bytes += raw.bytes.len() as u64;
            is_new(raw)
        });
        let Some(batch) = batch else {
            break;
        };
        done.read = account.progress();
        progress.update(&done);
        if batch.is_empty() {
            continue;
        }
        counted.extend(
            batch
                .iter()
                .map(|raw| aggregate::input_key(&raw.source, &raw.doc_id)),
        );
        let mut pages = Vec::with_capacity(batch.len());
        for (page, encoding) in workers.line_keys(batch, decode) {
            pages.push(page);
            detected.extend(encoding);
        }
        if to_counter.send(pages).is_err() {
            break; // the counting thread panicked: reported by join below
        }
    }
    drop(to_counter);
    let counter = counting
        .join()
        .map_err(|_| anyhow::anyhow!("the furniture counter panicked"))?;
    Ok((counter, counted, detected))
}

//! Reading ahead: a thread reads and decompresses the inputs while the workers process
//! what it read before, so that reading, which runs one file at a time, never leaves the
//! workers waiting. It holds at most a batch's worth of documents ahead.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

use ingest::RawDoc;

/// Documents read ahead, and whether the reader is done.
#[derive(Default)]
struct Queue {
    docs: VecDeque<RawDoc>,
    bytes: u64,
    done: bool,
    /// The consumer went away: the reader stops.
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// The inputs `reader` gives, in its order, read by a thread of their own.
pub struct Prefetch {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Prefetch {
    /// Starts reading: the thread stays at most `max_docs` documents or `max_bytes` bytes
    /// ahead (a single larger document is let through alone).
    pub fn new(
        reader: impl Iterator<Item = RawDoc> + Send + 'static,
        (max_docs, max_bytes): (usize, u64),
    ) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            changed: Condvar::new(),
        });
        let producer = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            // Says the reading is over however it ends, a panic included, so the consumer
            // never waits on a reader that is gone.
            let _done = Done(&producer);
            let _job = crate::cputime::Job("read-ahead");
            for raw in reader {
                let size = raw.bytes.len() as u64;
                let mut queue = lock(&producer.queue);
                while !queue.closed
                    && !queue.docs.is_empty()
                    && (queue.docs.len() >= max_docs || queue.bytes + size > max_bytes)
                {
                    queue = producer
                        .changed
                        .wait(queue)
                        .unwrap_or_else(|e| e.into_inner());
                }
                if queue.closed {
                    return;
                }
                queue.bytes += size;
                queue.docs.push_back(raw);
                producer.changed.notify_all();
            }
        });
        Prefetch {
            shared,
            thread: Some(thread),
        }
    }
}

/// Marks the queue done when the reader thread ends.
struct Done<'a>(&'a Shared);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        lock(&self.0.queue).done = true;
        self.0.changed.notify_all();
    }
}

fn lock(queue: &Mutex<Queue>) -> std::sync::MutexGuard<'_, Queue> {
    // The queue holds plain data: a panic elsewhere leaves it usable.
    queue.lock().unwrap_or_else(|e| e.into_inner())
}

impl Iterator for Prefetch {
    type Item = RawDoc;

    fn next(&mut self) -> Option<RawDoc> {
        let mut queue = lock(&self.shared.queue);
        loop {
            if let Some(raw) = queue.docs.pop_front() {
                queue.bytes -= raw.bytes.len() as u64;
                self.shared.changed.notify_all();
                return Some(raw);
            }
            if queue.done {
                drop(queue);
                // A reader that panicked has not read every input: its panic goes on here,
                // rather than the run ending as if the inputs had.
                if let Some(Err(panic)) = self.thread.take().map(|t| t.join()) {
                    std::panic::resume_unwind(panic);
                }
                return None;
            }
            queue = self
                .shared
                .changed
                .wait(queue)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        lock(&self.shared.queue).closed = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(n: usize) -> (tempfile::TempDir, Vec<ingest::Source>) {
        let dir = tempfile::tempdir().expect("temp dir");
        for k in 0..n {
            let text = format!("第{k}页。{}", "新闻".repeat(k));
            std::fs::write(dir.path().join(format!("{k:03}.txt")), text).expect("write");
        }
        let sources = ingest::discover(&[dir.path().to_path_buf()]).expect("discover");
        (dir, sources)
    }

    #[test]
    fn reads_ahead_in_the_readers_order_within_its_bounds() {
        let (_dir, sources) = inputs(40);
        let direct: Vec<String> = ingest::read(sources.clone(), Default::default())
            .map(|raw| raw.doc_id)
            .collect();
        for bounds in [(1, 1), (3, 1 << 20), (1000, 10)] {
            let read: Vec<String> =
                Prefetch::new(ingest::read(sources.clone(), Default::default()), bounds)
                    .map(|raw| raw.doc_id)
                    .collect();
            assert_eq!(read, direct, "{bounds:?}");
        }
    }

    #[test]
    fn a_reader_that_panics_is_never_taken_for_the_end_of_the_inputs() {
        let (_dir, sources) = inputs(5);
        let docs: Vec<RawDoc> = ingest::read(sources, Default::default()).collect();
        let failing =
            docs.into_iter()
                .enumerate()
                .map(|(k, raw)| if k < 2 { raw } else { panic!("a reader bug") });
        let mut read = Prefetch::new(failing, (1, 1 << 20));
        assert!(read.next().is_some() && read.next().is_some());
        let rest = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read.next()));
        assert!(rest.is_err(), "the reader's panic reaches the consumer");
    }

    #[test]
    fn a_consumer_that_stops_early_stops_the_reader() {
        let (_dir, sources) = inputs(40);
        let mut read = Prefetch::new(ingest::read(sources, Default::default()), (2, 1 << 20));
        assert!(read.next().is_some());
        drop(read); // joins the reader thread: a hang here would fail the test by timeout
    }
}

//! Publishing a writer's commits on a thread of their own, behind the writer: the writer goes
//! on with its next segment while the last one's parts and manifest go up, so a store's
//! latency is paid while the pipeline works.
//!
//! Commits coalesce: the thread publishes the work folder's manifest as it is when it gets to
//! it (always a whole commit, since the manifest is replaced by rename), so a slow store sees
//! fewer, larger commits and never a backlog. A failure (the dataset taken by another writer,
//! a store error) is returned by the writer's next call, which stops the run there. The
//! writer deletes nothing in the work folder while a commit may still be going up: it
//! [`Publish::settle`]s first. Dropped (a run that fails), it publishes the last commit
//! before it goes, so the store keeps the segments the run committed, as a folder does.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::store::publish::Publish;
use crate::Error;

/// A [`Publish`] that runs `inner`'s commits on a thread of its own; see the module docs.
#[derive(Debug)]
pub struct PublishBehind {
    inner: Arc<dyn Publish>,
    shared: Arc<Shared>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct Queue {
    /// The work folder to publish from, when a commit is waiting.
    pending: Option<PathBuf>,
    /// A commit is going up.
    busy: bool,
    /// What the last publish failed with, for the writer's next call.
    failed: Option<Error>,
    /// A publish failed: nothing more goes up, and every later call says so.
    broken: bool,
    stop: bool,
}

impl Queue {
    /// The failure to report, once; then that the publishing has stopped.
    fn failure(&mut self) -> Result<(), Error> {
        match self.failed.take() {
            Some(e) => Err(e),
            None if self.broken => Err(Error::PublishStopped),
            None => Ok(()),
        }
    }
}

impl PublishBehind {
    /// Publishes `inner`'s commits behind the writer.
    pub fn new(inner: Arc<dyn Publish>) -> Self {
        PublishBehind {
            inner,
            shared: Arc::new(Shared::default()),
            thread: Mutex::new(None),
        }
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.shared.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn start(&self) {
        let mut thread = self.thread.lock().unwrap_or_else(|e| e.into_inner());
        if thread.is_some() {
            return;
        }
        let (inner, shared) = (Arc::clone(&self.inner), Arc::clone(&self.shared));
        *thread = Some(std::thread::spawn(move || work(&*inner, &shared)));
    }

    /// Waits until no commit is waiting or going up, and returns what failed, if anything.
    fn wait_idle(&self) -> Result<(), Error> {
        let mut queue = self.queue();
        while (queue.pending.is_some() && !queue.broken) || queue.busy {
            queue = self
                .shared
                .changed
                .wait(queue)
                .unwrap_or_else(|e| e.into_inner());
        }
        queue.failure()
    }
}

fn work(inner: &dyn Publish, shared: &Shared) {
    let lock = || shared.queue.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let out = {
            let mut queue = lock();
            loop {
                if let Some(out) = queue.pending.take() {
                    queue.busy = true;
                    break out;
                }
                // Stopped, the commits made so far still go up: a run that fails keeps the
                // segments it committed, as in a folder.
                if queue.stop || queue.broken {
                    return;
                }
                queue = shared
                    .changed
                    .wait(queue)
                    .unwrap_or_else(|e| e.into_inner());
            }
        };
        let result = inner.committed(&out);
        let mut queue = lock();
        queue.busy = false;
        if let Err(e) = result {
            // The first failure is the one to report; later commits are not published.
            queue.failed = Some(e);
            queue.broken = true;
            queue.pending = None;
        }
        shared.changed.notify_all();
    }
}

impl Publish for PublishBehind {
    fn committed(&self, out: &Path) -> Result<(), Error> {
        self.start();
        let mut queue = self.queue();
        queue.failure()?;
        queue.pending = Some(out.to_path_buf());
        self.shared.changed.notify_all();
        Ok(())
    }

    fn settle(&self) -> Result<(), Error> {
        self.wait_idle()
    }

    fn finished(&self, out: &Path) -> Result<(), Error> {
        self.wait_idle()?;
        self.inner.finished(out)
    }
}

impl Drop for PublishBehind {
    fn drop(&mut self) {
        self.queue().stop = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.lock().ok().and_then(|mut t| t.take()) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts commits, slowly, and fails the one numbered `fail_at`.
    #[derive(Debug)]
    struct Slow {
        commits: AtomicUsize,
        fail_at: usize,
    }

    impl Publish for Slow {
        fn committed(&self, _: &Path) -> Result<(), Error> {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let n = self.commits.fetch_add(1, Ordering::SeqCst) + 1;
            if n == self.fail_at {
                return Err(Error::Layout(format!("commit {n} refused")));
            }
            Ok(())
        }

        fn finished(&self, _: &Path) -> Result<(), Error> {
            Ok(())
        }
    }

    #[test]
    fn commits_go_up_behind_the_writer_coalesced_and_settled_before_finishing() {
        let slow = Arc::new(Slow {
            commits: AtomicUsize::new(0),
            fail_at: usize::MAX,
        });
        let behind = PublishBehind::new(Arc::clone(&slow) as Arc<dyn Publish>);
        let started = std::time::Instant::now();
        for _ in 0..10 {
            behind.committed(Path::new("work")).expect("queued");
        }
        assert!(
            started.elapsed() < std::time::Duration::from_millis(100),
            "the writer did not wait for the store"
        );
        behind.finished(Path::new("work")).expect("finished");
        let published = slow.commits.load(Ordering::SeqCst);
        assert!(
            (1..10).contains(&published),
            "commits waiting together go up as one: {published}"
        );
    }

    #[test]
    fn a_failed_commit_stops_the_writer_at_its_next_call() {
        let slow = Arc::new(Slow {
            commits: AtomicUsize::new(0),
            fail_at: 1,
        });
        let behind = PublishBehind::new(slow as Arc<dyn Publish>);
        behind.committed(Path::new("work")).expect("queued");
        let failed = behind.settle();
        assert!(matches!(failed, Err(Error::Layout(_))), "{failed:?}");
        let stopped = behind.committed(Path::new("work"));
        assert!(matches!(stopped, Err(Error::PublishStopped)), "{stopped:?}");
        assert!(behind.finished(Path::new("work")).is_err());
    }
}

//! How the corpus step runs independent tasks. `aggregate` starts no threads of its own:
//! the caller says how tasks run (newsprint passes its run's thread pool, so `--threads`
//! holds for the corpus step too); by default they run one after another.

use std::sync::Arc;

/// Runs `task(i)` for every `i` in `0..n`, in any order, on any threads.
type Run = dyn Fn(usize, &(dyn Fn(usize) + Sync)) + Send + Sync;

/// The caller's way of running independent tasks (see the module docs).
#[derive(Clone, Default)]
pub struct Parallel(Option<Arc<Run>>);

impl Parallel {
    /// Tasks run by `run(n, task)`, which must call `task(i)` once for every `i < n`.
    pub fn new(run: impl Fn(usize, &(dyn Fn(usize) + Sync)) + Send + Sync + 'static) -> Self {
        Parallel(Some(Arc::new(run)))
    }

    /// Calls `task(i)` for every `i` in `0..n`.
    pub(crate) fn run(&self, n: usize, task: &(dyn Fn(usize) + Sync)) {
        match &self.0 {
            Some(run) => run(n, task),
            None => (0..n).for_each(task),
        }
    }
}

impl std::fmt::Debug for Parallel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Parallel(the caller's)"
        } else {
            "Parallel(one after another)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_task_runs_once_by_default_and_by_the_callers_runner() {
        for parallel in [
            Parallel::default(),
            Parallel::new(|n, task| (0..n).rev().for_each(task)),
        ] {
            let sum = AtomicUsize::new(0);
            parallel.run(5, &|i| {
                sum.fetch_add(i + 1, Ordering::Relaxed);
            });
            assert_eq!(sum.into_inner(), 15, "{parallel:?}");
        }
    }
}

//! How the corpus step runs independent tasks. `aggregate` starts no threads of its own:
//! the caller says how tasks run (newsprint passes its run's thread pool, so `--threads`
//! holds for the corpus step too); by default they run one after another.

use std::sync::{Arc, OnceLock};

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

    /// `task(i)` for every `i` in `0..n`, run as [`Parallel::run`] runs tasks; the results in
    /// the order of `i`. A runner that leaves a task unrun is an error, never a missing value.
    pub(crate) fn map<T: Send + Sync>(
        &self,
        n: usize,
        task: &(dyn Fn(usize) -> T + Sync),
    ) -> Result<Vec<T>, crate::Error> {
        let results: Vec<OnceLock<T>> = (0..n).map(|_| OnceLock::new()).collect();
        self.run(n, &|i| {
            let _ = results[i].set(task(i));
        });
        results
            .into_iter()
            .enumerate()
            .map(|(i, result)| result.into_inner().ok_or(crate::Error::TaskNotRun(i, n)))
            .collect()
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
            let squares = parallel.map(4, &|i| i * i).expect("every task ran");
            assert_eq!(squares, [0, 1, 4, 9], "{parallel:?}");
        }
        // A runner that skips a task is found out.
        let lazy = Parallel::new(|n, task| (0..n).skip(1).for_each(task));
        assert!(matches!(
            lazy.map(3, &|i| i),
            Err(crate::Error::TaskNotRun(0, 3))
        ));
    }
}

//! Processor time, of the whole process and by the job of each thread, as Linux's `/proc`
//! gives it (`None` elsewhere): against the wall clock, it says which threads hold a run's
//! speed-up back (the read-ahead, the writer and the furniture counter run beside the
//! workers whatever `--threads` says).
//!
//! Threads that end before the run does (the read-ahead of each pass, the writer, the
//! furniture counter, the counts' encoding) record their time as they end, however they
//! end, by holding a [`Job`]; the workers, alive to the end, are found by their name
//! ([`WORKER_NAME`]).

use std::sync::Mutex;

/// The prefix of the worker threads' names (`np-worker-0`, ...; at most 15 bytes).
pub const WORKER_NAME: &str = "np-worker";

/// Processor time of the threads that ended, by job.
static ENDED: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());

/// Seconds of processor time (user and system) in a `/proc/…/stat` file.
fn stat_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The fields after the command name (which may hold spaces) in its parentheses:
    // utime and stime are the 12th and 13th, in clock ticks of 1/100 s (USER_HZ, fixed
    // by the kernel's interface).
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// Processor time this process has used so far, every thread's, in seconds.
pub fn process_seconds() -> Option<f64> {
    stat_seconds("/proc/self/stat")
}

/// A thread's job: held for the thread's life, it records the thread's processor time
/// under the job's name when dropped, as the thread ends.
pub struct Job(pub &'static str);

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(secs) = stat_seconds("/proc/thread-self/stat") {
            ENDED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((self.0, secs));
        }
    }
}

/// Forgets the threads recorded so far: a run starts counting afresh.
pub fn reset() {
    ENDED.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// Processor seconds by job since [`reset`]: the threads that ended, by the job they
/// recorded; `workers`, the live threads named [`WORKER_NAME`]; `main`, the calling
/// thread; and `other`, the rest of the process (the Parquet library's own threads, the
/// object store's). `since` is the process's time at the reset, which `other` leaves out.
pub fn by_job(since: f64) -> Option<Vec<(&'static str, f64)>> {
    let total = process_seconds()? - since;
    let mut jobs: Vec<(&'static str, f64)> = Vec::new();
    for &(job, secs) in ENDED.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        add(&mut jobs, job, secs);
    }
    let mut workers = 0.0;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if name.starts_with(WORKER_NAME) {
            workers += stat_seconds(&path.join("stat").to_string_lossy()).unwrap_or(0.0);
        }
    }
    add(&mut jobs, "workers", workers);
    // (The main thread's time before the reset, parsing the options, is counted here too:
    // it is a few milliseconds.)
    add(&mut jobs, "main", stat_seconds("/proc/thread-self/stat")?);
    let counted: f64 = jobs.iter().map(|(_, s)| s).sum();
    add(&mut jobs, "other", (total - counted).max(0.0));
    Some(jobs)
}

fn add(jobs: &mut Vec<(&'static str, f64)>, job: &'static str, secs: f64) {
    match jobs.iter_mut().find(|(j, _)| *j == job) {
        Some((_, sum)) => *sum += secs,
        None => jobs.push((job, secs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Busy until this thread's processor time has moved by `secs` (ten seconds at most).
    fn spin(secs: f64) -> f64 {
        let read = || stat_seconds("/proc/thread-self/stat").expect("/proc/thread-self/stat");
        let (before, start) = (read(), std::time::Instant::now());
        let mut x = 0u64;
        let mut now = before;
        while now < before + secs && start.elapsed() < std::time::Duration::from_secs(10) {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            now = read();
        }
        now - before
    }

    #[test]
    fn a_thread_that_ends_is_counted_under_its_job_and_the_process_grows() {
        let before = process_seconds().expect("/proc/self/stat");
        reset();
        std::thread::spawn(|| {
            let _job = Job("a job");
            spin(0.05);
        })
        .join()
        .expect("thread");
        let jobs = by_job(before).expect("by job");
        let of = |job: &str| jobs.iter().find(|(j, _)| *j == job).map(|(_, s)| *s);
        assert!(of("a job") >= Some(0.05), "{jobs:?}");
        for job in ["workers", "main", "other"] {
            assert!(of(job).is_some(), "{job}: {jobs:?}");
        }
        // (The process's figure and a thread's are rounded to ticks apart.)
        let after = process_seconds().expect("/proc/self/stat");
        assert!(after >= before + 0.03, "{before} -> {after}");
    }
}

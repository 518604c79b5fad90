//! One writer at a time: the lock a run, a shard or a merge holds on its dataset.
//!
//! The lock is an operating-system lock (`flock`) on a file under `_newsprint/`, which also
//! names the holder (host, process id, start time) for the message a second writer gets. The
//! kernel releases it when the holder exits, however it exits (`SIGKILL` included), so a
//! crashed run never leaves a lock for anyone to clear by hand; the next writer finds the
//! dead holder's name in the file, says that it takes over, and writes its own.
//!
//! An unsharded run and `merge` lock `_newsprint/lock`; shard I of N locks
//! `_newsprint/lock-sIIIofNNN`, so that shards run side by side, and `merge` also takes every
//! shard's lock, so that it never reads a shard that is still writing.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::Error;

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct DatasetLock {
    files: Vec<File>,
    /// The holders named by lock files this writer took over from exited writers.
    pub taken_over: Vec<String>,
}

/// Who holds a lock, as its file says; `None` while it is empty.
fn holder(file: &mut File) -> Option<String> {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.read_to_string(&mut text));
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// This machine's name, for the lock file and an object-storage lease.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_string())
}

impl DatasetLock {
    /// Takes the locks named `names` under `out/_newsprint/`, in order, for `what` (a run, a
    /// shard, a merge). Fails at once with [`Error::Busy`] when another process holds one.
    pub fn acquire(out: &Path, names: &[String], what: &str) -> Result<Self, Error> {
        let dir = out.join(crate::layout::STATE_DIR);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        let mut lock = DatasetLock {
            files: Vec::with_capacity(names.len()),
            taken_over: Vec::new(),
        };
        for name in names {
            let path = dir.join(name);
            let (file, before) = take(&path, what)?;
            lock.files.push(file);
            lock.taken_over.extend(before);
        }
        Ok(lock)
    }

    /// The lock file names a merge takes: the dataset's, then every shard's found in
    /// `_newsprint/`.
    pub fn merge_names(out: &Path) -> Vec<String> {
        let mut names = vec![crate::layout::LOCK.to_string()];
        let mut shards: Vec<String> = std::fs::read_dir(out.join(crate::layout::STATE_DIR))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("lock-s"))
            .collect();
        shards.sort();
        names.extend(shards);
        names
    }
}

/// The locked file, and the holder it named when that holder had exited without emptying it.
fn take(path: &Path, what: &str) -> Result<(File, Option<String>), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(Error::Busy {
                path: path.to_path_buf(),
                holder: holder(&mut file).unwrap_or_else(|| {
                    "another process (it has not written its name yet)".to_string()
                }),
            })
        }
        Err(TryLockError::Error(source)) => return Err(io(source)),
    }
    // A name left in a lock we could take is a writer that exited without releasing it
    // (killed): its lock went with it.
    let before = holder(&mut file);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let me = format!(
        "{what} on host {} pid {} since unix time {now}",
        host_name(),
        std::process::id()
    );
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(me.as_bytes())
        .and_then(|()| file.flush())
        .map_err(io)?;
    Ok((file, before))
}

impl Drop for DatasetLock {
    fn drop(&mut self) {
        for file in &mut self.files {
            // Emptied first: a name left in an unlocked file is only a dead holder's.
            let _ = file.set_len(0);
            let _ = file.unlock();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holders_name_until_the_first_is_done() {
        let dir = tempfile::tempdir().expect("tempdir");
        let names = [crate::layout::LOCK.to_string()];
        let first = DatasetLock::acquire(dir.path(), &names, "run").expect("first");
        let err = DatasetLock::acquire(dir.path(), &names, "run").expect_err("busy");
        let text = err.to_string();
        assert!(matches!(err, Error::Busy { .. }), "{text}");
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        drop(first);
        DatasetLock::acquire(dir.path(), &names, "run").expect("free again");
    }

    #[test]
    fn shards_lock_apart_and_a_merge_needs_them_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = DatasetLock::acquire(dir.path(), &["lock-s000of002".to_string()], "shard")
            .expect("shard 0");
        let _b = DatasetLock::acquire(dir.path(), &["lock-s001of002".to_string()], "shard")
            .expect("shard 1 beside it");
        let names = DatasetLock::merge_names(dir.path());
        assert_eq!(names, ["lock", "lock-s000of002", "lock-s001of002"]);
        assert!(DatasetLock::acquire(dir.path(), &names, "merge").is_err());
        drop(a);
        assert!(DatasetLock::acquire(dir.path(), &names, "merge").is_err());
    }
}

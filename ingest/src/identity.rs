//! What names an input and tells it unchanged, wherever it is stored: its name as a
//! `source` ([`display_name`]) and its [`Fingerprint`]. Shared by files and objects.

use std::fs;

/// A file's size, modification and change times and inode, as found. Editing, replacing or
/// renaming a file over it changes at least one, and the change time cannot be set back by
/// hand, so a file whose fingerprint is the one recorded when its bytes were read holds
/// those bytes still (the test `git` and `rsync` rely on, with the same care for a file
/// written in the moment it was read: see [`Fingerprint::settled_before`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since 1970.
    pub modified_ns: i64,
    /// Status change time (Unix `ctime`), nanoseconds since 1970; the modification time
    /// elsewhere.
    pub changed_ns: i64,
    /// Inode number (0 where there is none); for an object in object storage, a hash of
    /// its ETag, which every rewrite of the object changes.
    pub inode: u64,
}

impl Fingerprint {
    /// The fingerprint of a regular file's metadata.
    pub fn of(meta: &fs::Metadata) -> Option<Self> {
        if !meta.is_file() {
            return None;
        }
        let modified_ns = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos() as i64;
        #[cfg(unix)]
        let (changed_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime() * 1_000_000_000 + meta.ctime_nsec(), meta.ino())
        };
        #[cfg(not(unix))]
        let (changed_ns, inode) = (modified_ns, 0);
        Some(Fingerprint {
            len: meta.len(),
            modified_ns,
            changed_ns,
            inode,
        })
    }

    /// Whether the file was last touched at least two seconds before `instant` (nanoseconds
    /// since 1970). A file written in the same clock tick as it was read could change again
    /// without its times moving; only a file settled before the run began is recorded.
    pub fn settled_before(&self, instant_ns: i64) -> bool {
        const MARGIN_NS: i64 = 2_000_000_000;
        self.modified_ns.max(self.changed_ns) < instant_ns - MARGIN_NS
    }
}

/// A path as a `source`: its text, with `%` written `%25`, `#` written `%23` (so that no
/// file name reads as a JSON Lines record's `file.jsonl#L3`) and each byte that is not
/// UTF-8 written `%XX`. Two paths never share a source, and the path can be read back.
pub(crate) fn display_name(path: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_bytes()
    };
    #[cfg(not(unix))]
    let lossy = path.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '%' => out.push_str("%25"),
                '#' => out.push_str("%23"),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

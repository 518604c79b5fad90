//! The input index: for each input file a run read and committed, its fingerprint (size,
//! times, inode) and how many documents it gave. A later run skips a file whose fingerprint
//! is unchanged without reading it; one that changed is read and hashed as before, so the
//! content hash still decides what is new. Keyed by a 128-bit hash of the path: 52 bytes a
//! file, whatever its path's length.

use std::path::Path;

use ingest::Fingerprint;

use crate::Error;
use dataset::layout::Fields;

const MAGIC: &[u8; 8] = b"NPINPUT1";
const ENTRY_BYTES: usize = 16 + 8 + 8 + 8 + 8 + 4;

/// What a dataset knows of the files its runs read; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InputIndex {
    /// (path key, fingerprint, documents), sorted by key, one entry a key.
    entries: Vec<(u128, Fingerprint, u32)>,
}

fn key(display: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(display.as_bytes())
}

impl InputIndex {
    /// The documents a file gave when it was read, if its fingerprint is the one recorded.
    pub fn unchanged(&self, display: &str, fingerprint: &Fingerprint) -> Option<u32> {
        let k = key(display);
        let at = self.entries.binary_search_by_key(&k, |e| e.0).ok()?;
        let (_, recorded, documents) = &self.entries[at];
        (recorded == fingerprint).then_some(*documents)
    }

    /// Files recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no file is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records files read (display, fingerprint, documents), replacing what was recorded
    /// of the same paths.
    pub fn record<S: AsRef<str>>(
        &mut self,
        files: impl IntoIterator<Item = (S, Fingerprint, u32)>,
    ) {
        let mut added: Vec<(u128, Fingerprint, u32)> = files
            .into_iter()
            .map(|(display, fingerprint, documents)| {
                (key(display.as_ref()), fingerprint, documents)
            })
            .collect();
        if added.is_empty() {
            return;
        }
        // A stable sort keeps the last record of a path last; the new ones follow the old.
        added.sort_by_key(|e| e.0);
        let mut merged = std::mem::take(&mut self.entries);
        merged.extend(added);
        merged.sort_by_key(|e| e.0);
        let mut entries: Vec<(u128, Fingerprint, u32)> = Vec::with_capacity(merged.len());
        for entry in merged {
            match entries.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => entries.push(entry),
            }
        }
        self.entries = entries;
    }

    /// The index of the dataset in `out` (the shard's, for a shard), read without changing
    /// anything: empty when there is no dataset yet or when `full` rebuilds it.
    pub fn read_for(out: &Path, shard: Option<ingest::Shard>, full: bool) -> Result<Self, Error> {
        let tag = dataset::names::WriterTag(shard);
        if full || !tag.manifest_path(out).is_file() {
            return Ok(Self::default());
        }
        Self::read(&tag.inputs_path(out))
    }

    /// Reads the index at `path`; a missing file is an empty index, and so is a damaged one
    /// (every input is then read, which gives the same answer, slower).
    pub(crate) fn read(path: &Path) -> Result<Self, Error> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let Some(fields) = Fields::after(&bytes, MAGIC) else {
            return Ok(Self::default());
        };
        let rest = fields.rest();
        if rest.len() % ENTRY_BYTES != 0 {
            return Ok(Self::default());
        }
        let entries: Option<Vec<(u128, Fingerprint, u32)>> = rest
            .chunks_exact(ENTRY_BYTES)
            .map(|b| {
                let mut f = Fields::of(b);
                Some((
                    f.u128()?,
                    Fingerprint {
                        len: f.u64()?,
                        modified_ns: f.u64()? as i64,
                        changed_ns: f.u64()? as i64,
                        inode: f.u64()?,
                    },
                    f.u32()?,
                ))
            })
            .collect();
        let Some(entries) = entries else {
            return Ok(Self::default());
        };
        if !entries.is_sorted_by(|a, b| a.0 < b.0) {
            return Ok(Self::default());
        }
        Ok(InputIndex { entries })
    }

    /// Writes the index beside `path` and renames it over.
    pub(crate) fn write(&self, path: &Path) -> Result<(), Error> {
        let mut bytes = Vec::with_capacity(MAGIC.len() + self.entries.len() * ENTRY_BYTES);
        bytes.extend_from_slice(MAGIC);
        for (k, f, documents) in &self.entries {
            bytes.extend_from_slice(&k.to_le_bytes());
            bytes.extend_from_slice(&f.len.to_le_bytes());
            bytes.extend_from_slice(&f.modified_ns.to_le_bytes());
            bytes.extend_from_slice(&f.changed_ns.to_le_bytes());
            bytes.extend_from_slice(&f.inode.to_le_bytes());
            bytes.extend_from_slice(&documents.to_le_bytes());
        }
        dataset::layout::write_whole(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(len: u64, modified_ns: i64) -> Fingerprint {
        Fingerprint {
            len,
            modified_ns,
            changed_ns: modified_ns,
            inode: 7,
        }
    }

    #[test]
    fn a_file_is_unchanged_only_with_its_recorded_fingerprint() {
        let mut index = InputIndex::default();
        index.record([
            ("b.txt".to_string(), print(10, 5), 1),
            ("a.jsonl".to_string(), print(99, 5), 3),
        ]);
        assert_eq!(index.unchanged("a.jsonl", &print(99, 5)), Some(3));
        assert_eq!(index.unchanged("a.jsonl", &print(99, 6)), None);
        assert_eq!(index.unchanged("a.jsonl", &print(98, 5)), None);
        assert_eq!(index.unchanged("c.txt", &print(10, 5)), None);
        // A later record of a path replaces the earlier one.
        index.record([("b.txt".to_string(), print(12, 9), 1)]);
        assert_eq!(index.len(), 2);
        assert_eq!(index.unchanged("b.txt", &print(10, 5)), None);
        assert_eq!(index.unchanged("b.txt", &print(12, 9)), Some(1));

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inputs.bin");
        assert!(InputIndex::read(&path).expect("missing").is_empty());
        index.write(&path).expect("write");
        assert_eq!(InputIndex::read(&path).expect("read"), index);
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, bytes).expect("damage");
        assert!(InputIndex::read(&path).expect("damaged").is_empty());
    }
}

//! What a run reads: the files unchanged since the run that read them (skipped), and an
//! account of every file read, for the input index.

/// Files the input index knows unchanged, and the documents they gave.
#[derive(Default)]
pub(super) struct Unchanged {
    pub(super) files: u64,
    pub(super) documents: u64,
}

/// Leaves out the sources the index knows unchanged (none with `rehash`).
pub(super) fn skip_unchanged(
    mut sources: Vec<ingest::Source>,
    index: &aggregate::InputIndex,
    rehash: bool,
) -> (Vec<ingest::Source>, Unchanged) {
    let mut unchanged = Unchanged::default();
    if rehash || index.is_empty() {
        return (sources, unchanged);
    }
    sources.retain(|source| {
        let known = source
            .fingerprint
            .and_then(|f| index.unchanged(&source.display, &f));
        if let Some(documents) = known {
            unchanged.files += 1;
            unchanged.documents += u64::from(documents);
        }
        known.is_none()
    });
    (sources, unchanged)
}

/// The files a run reads, in order, with the documents each gave and whether one failed:
/// what the input index records of them once the run is committed. Compact, as a run over
/// millions of files holds it throughout: the names in one string, and per file only its
/// fingerprint, count and flag (a tenth of a [`ingest::Source`] with its two paths).
pub(super) struct ReadAccount {
    /// The files' names ([`ingest::Source::display`]) one after another.
    names: String,
    /// Per file: where its name ends in `names`, its fingerprint, the documents it gave,
    /// and whether one of them failed.
    files: Vec<FileRead>,
    /// The file the last document came from (documents come in file order).
    at: usize,
    /// Input bytes (as the files are stored) of the files before `at`, and of all.
    bytes_before: u64,
    bytes_total: u64,
    /// Bytes of file `at` read so far, as stored, by its documents (at most its size counts).
    bytes_in_file: u64,
}

struct FileRead {
    name_end: usize,
    fingerprint: Option<ingest::Fingerprint>,
    documents: u32,
    failed: bool,
}

impl FileRead {
    fn size(&self) -> u64 {
        self.fingerprint.map_or(0, |f| f.len)
    }
}

/// How far a pass has read its inputs (see [`ReadAccount::progress`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Read {
    pub(super) files: usize,
    pub(super) files_total: usize,
    pub(super) bytes: u64,
    pub(super) bytes_total: u64,
}

impl ReadAccount {
    pub(super) fn new(sources: &[ingest::Source]) -> Self {
        let mut names = String::with_capacity(sources.iter().map(|s| s.display.len()).sum());
        let files: Vec<FileRead> = sources
            .iter()
            .map(|s| {
                names.push_str(&s.display);
                FileRead {
                    name_end: names.len(),
                    fingerprint: s.fingerprint,
                    documents: 0,
                    failed: false,
                }
            })
            .collect();
        let bytes_total = files.iter().map(FileRead::size).sum();
        ReadAccount {
            names,
            files,
            at: 0,
            bytes_before: 0,
            bytes_total,
            bytes_in_file: 0,
        }
    }

    /// How far the reading is: files and bytes (as stored) read, of all. A file counts as
    /// read once a document of a later one comes; within a file, its documents' bytes count,
    /// up to its size.
    pub(super) fn progress(&self) -> Read {
        let current = self.files.get(self.at).map_or(0, FileRead::size);
        Read {
            files: self.at,
            files_total: self.files.len(),
            bytes: self.bytes_before + self.bytes_in_file.min(current),
            bytes_total: self.bytes_total,
        }
    }

    fn name(&self, file: usize) -> &str {
        let start = file.checked_sub(1).map_or(0, |f| self.files[f].name_end);
        &self.names[start..self.files[file].name_end]
    }

    /// Counts a document of `bytes` read from `source`; returns its file's number.
    pub(super) fn count(&mut self, source: &str, bytes: u64) -> usize {
        let start = self.at;
        let bytes_before = self.bytes_before;
        while self.at < self.files.len() && !ingest::Source::gave(self.name(self.at), source) {
            self.bytes_before += self.files[self.at].size();
            self.bytes_in_file = 0;
            self.at += 1;
        }
        self.bytes_in_file += bytes;
        match self.files.get_mut(self.at) {
            Some(file) => {
                file.documents += 1;
                self.at
            }
            None => {
                // Not found ahead: never expected, but then no file can be vouched for.
                self.at = start;
                self.bytes_before = bytes_before;
                self.files.iter_mut().for_each(|f| f.failed = true);
                start
            }
        }
    }

    pub(super) fn failed(&mut self, file: usize) {
        if let Some(f) = self.files.get_mut(file) {
            f.failed = true;
        }
    }

    /// The files to record: read whole, no document failed, and settled on disk before the
    /// run began (see [`ingest::Fingerprint::settled_before`]).
    pub(super) fn settled(
        &self,
        started_ns: i64,
    ) -> impl Iterator<Item = (&str, ingest::Fingerprint, u32)> + '_ {
        self.files
            .iter()
            .enumerate()
            .filter(|(_, file)| !file.failed)
            .filter_map(move |(i, file)| {
                let fingerprint = file.fingerprint?;
                fingerprint
                    .settled_before(started_ns)
                    .then(|| (self.name(i), fingerprint, file.documents))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(display: &str, fingerprint: bool) -> ingest::Source {
        ingest::Source {
            path: display.into(),
            display: display.to_string(),
            fingerprint: fingerprint.then_some(ingest::Fingerprint {
                len: 10,
                modified_ns: 1,
                changed_ns: 1,
                inode: 7,
            }),
            not_read: None,
            object: None,
        }
    }

    #[test]
    fn counts_documents_by_file_and_records_the_settled_ones() {
        let sources = [
            source("a/1.txt", true),
            source("a/pages.jsonl", true),
            source("a/10.txt", true),
            source("b/no-fingerprint.txt", false),
        ];
        let mut account = ReadAccount::new(&sources);
        assert_eq!(account.count("a/1.txt", 4), 0);
        // Lines of a JSON Lines file count for it; a name that merely starts alike does not.
        assert_eq!(account.count("a/pages.jsonl#L1", 4), 1);
        assert_eq!(account.count("a/pages.jsonl#L2", 4), 1);
        assert_eq!(account.progress().bytes, 18);
        assert_eq!(account.count("a/pages.jsonl#L3", 4), 1);
        assert_eq!(
            account.progress().bytes,
            20,
            "a file's documents count up to its size"
        );
        assert_eq!(account.count("a/10.txt", 4), 2);
        account.failed(2);
        assert_eq!(
            account.progress(),
            Read {
                files: 2,
                files_total: 4,
                bytes: 24,
                bytes_total: 30
            }
        );
        assert_eq!(account.count("b/no-fingerprint.txt", 4), 3);
        // Within a file, its documents count up to its size.
        assert_eq!(account.progress().bytes, 30);
        let settled: Vec<(&str, u32)> = account
            .settled(i64::MAX)
            .map(|(name, _, documents)| (name, documents))
            .collect();
        // The failed file and the one without a fingerprint are not vouched for.
        assert_eq!(settled, [("a/1.txt", 1), ("a/pages.jsonl", 3)]);
        // Nothing settles that changed within the margin before the run began.
        assert_eq!(account.settled(1).count(), 0);
    }

    #[test]
    fn a_document_from_no_file_ahead_vouches_for_none() {
        let sources = [source("a.txt", true), source("b.txt", true)];
        let mut account = ReadAccount::new(&sources);
        assert_eq!(account.count("a.txt", 4), 0);
        assert_eq!(account.count("elsewhere.txt", 4), 0);
        assert_eq!(account.settled(i64::MAX).count(), 0);
    }
}

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
/// what the input index records of them once the run is committed.
pub(super) struct ReadAccount {
    pub(super) files: Vec<(ingest::Source, u32, bool)>,
    /// The file the last document came from (documents come in file order).
    pub(super) at: usize,
}

impl ReadAccount {
    pub(super) fn new(sources: &[ingest::Source]) -> Self {
        ReadAccount {
            files: sources.iter().map(|s| (s.clone(), 0, false)).collect(),
            at: 0,
        }
    }

    /// Counts a document read from `source`; returns its file's number.
    pub(super) fn count(&mut self, source: &str) -> usize {
        let start = self.at;
        while self.at < self.files.len() && !self.files[self.at].0.yielded(source) {
            self.at += 1;
        }
        match self.files.get_mut(self.at) {
            Some(file) => {
                file.1 += 1;
                self.at
            }
            None => {
                // Not found ahead: never expected, but then no file can be vouched for.
                self.at = start;
                self.files.iter_mut().for_each(|f| f.2 = true);
                start
            }
        }
    }

    pub(super) fn failed(&mut self, file: usize) {
        if let Some(f) = self.files.get_mut(file) {
            f.2 = true;
        }
    }

    /// The files to record: read whole, no document failed, and settled on disk before the
    /// run began (see [`ingest::Fingerprint::settled_before`]).
    pub(super) fn settled(
        self,
        started_ns: i64,
    ) -> impl Iterator<Item = (String, ingest::Fingerprint, u32)> {
        self.files
            .into_iter()
            .filter(|(_, _, failed)| !failed)
            .filter_map(move |(source, documents, _)| {
                let fingerprint = source.fingerprint?;
                fingerprint.settled_before(started_ns).then_some((
                    source.display,
                    fingerprint,
                    documents,
                ))
            })
    }
}

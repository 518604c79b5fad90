//! What a dataset's files are called: a writer's tag and the names of its parts, a part's
//! segment and rewrites, the summary parts, and the state files' paths.

use std::path::{Path, PathBuf};

use ingest::Shard;

use crate::layout::{LOCK, MANIFEST, SHARDS_DIR, STATE_DIR};

/// Who writes a set of parts: an unsharded run, one shard, or the corpus step. The name
/// prefixes its part files, so that writers sharing a folder never touch each other's.
#[derive(Clone, Copy, Debug)]
pub struct WriterTag(pub Option<Shard>);

impl WriterTag {
    /// `part-` + this + `r00001-00000.parquet`.
    fn prefix(&self) -> String {
        match self.0 {
            None => String::new(),
            Some(s) => format!("s{:03}of{:03}-", s.index, s.count),
        }
    }

    /// The name of this writer's part of `run`'s `segment`.
    pub fn part_name(&self, run: u32, segment: u32) -> String {
        self.named_part(run, &format!("{segment:05}"))
    }

    /// `part-` + this + `r00001-` + `segment` + `.parquet`.
    pub fn named_part(&self, run: u32, segment: &str) -> String {
        format!("part-{}r{run:05}-{segment}.parquet", self.prefix())
    }

    /// The name of the writer's lock file under `_newsprint/` (see [`crate::DatasetLock`]).
    pub fn lock_name(&self) -> String {
        match self.0 {
            None => LOCK.to_string(),
            Some(_) => format!("lock-{}", self.prefix().trim_end_matches('-')),
        }
    }

    /// What the writer is, for the lock file.
    pub fn describe(&self) -> &'static str {
        match self.0 {
            None => "newsprint run",
            Some(_) => "newsprint run --shard",
        }
    }

    /// Whether `file` is a part this writer (or, unsharded, its corpus step) wrote. The
    /// corpus step's rewrites of a shard's parts belong to `merge`, the unsharded writer.
    pub fn owns(&self, file: &str) -> bool {
        match self.0 {
            // `part-00000.parquet`: the names of datasets of schema 3 and before.
            None => {
                file.starts_with("part-r")
                    || file.starts_with("part-c")
                    || file.as_bytes().get(5).is_some_and(u8::is_ascii_digit)
                    || is_corpus_rewrite(file)
            }
            Some(_) => {
                file.starts_with(&format!("part-{}", self.prefix())) && !is_corpus_rewrite(file)
            }
        }
    }

    /// `sIIIofNNN`, the suffix of a shard's state files.
    pub fn suffix(&self) -> String {
        self.prefix().trim_end_matches('-').to_string()
    }

    /// The writer's manifest as a key under the dataset (`manifest.json`,
    /// `shards/shard-003-of-016.json`).
    pub fn manifest_key(&self) -> String {
        match self.0 {
            None => MANIFEST.to_string(),
            Some(s) => format!("{SHARDS_DIR}/shard-{:03}-of-{:03}.json", s.index, s.count),
        }
    }

    /// This writer's manifest: the dataset's, or its shard's.
    pub fn manifest_path(&self, out: &Path) -> PathBuf {
        match self.0 {
            None => out.join(MANIFEST),
            Some(s) => out
                .join(SHARDS_DIR)
                .join(format!("shard-{:03}-of-{:03}.json", s.index, s.count)),
        }
    }

    /// This writer's staging folder, where parts wait for the commit that names them.
    pub fn staging(&self, out: &Path) -> PathBuf {
        let name = match self.0 {
            None => "staging".to_string(),
            Some(_) => format!("staging-{}", self.prefix().trim_end_matches('-')),
        };
        out.join(STATE_DIR).join(name)
    }

    /// This writer's input index.
    pub fn inputs_path(&self, out: &Path) -> PathBuf {
        let name = match self.0 {
            None => "inputs.bin".to_string(),
            Some(_) => format!("inputs-{}.bin", self.prefix().trim_end_matches('-')),
        };
        out.join(STATE_DIR).join(name)
    }

    /// The furniture counts of a run in progress (see `furniture.rs`).
    pub fn furniture_pending_path(&self, out: &Path) -> PathBuf {
        let name = match self.0 {
            None => "furniture-pending.bin".to_string(),
            Some(_) => format!(
                "furniture-pending-{}.bin",
                self.prefix().trim_end_matches('-')
            ),
        };
        out.join(STATE_DIR).join(name)
    }

    /// This writer's furniture counts, of its completed runs.
    pub fn furniture_path(&self, out: &Path) -> PathBuf {
        let name = match self.0 {
            None => "furniture.bin".to_string(),
            Some(_) => format!("furniture-{}.bin", self.prefix().trim_end_matches('-')),
        };
        out.join(STATE_DIR).join(name)
    }
}

/// A rewrite of a part: by a corpus step (`-gNNNNN`, its generation) or by a run dropping
/// superseded error rows (`-uNNNNN`, its number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rewrite {
    /// By the corpus step of this generation.
    CorpusStep(u32),
    /// By this run.
    Run(u32),
}

/// The segment a part belongs to: its file name less `.parquet` and any rewrite mark.
pub fn segment_of(file: &str) -> &str {
    let stem = file.strip_suffix(".parquet").unwrap_or(file);
    match stem.len().checked_sub(7).map(|at| stem.split_at(at)) {
        Some((segment, mark))
            if (mark.starts_with("-g") || mark.starts_with("-u"))
                && mark[2..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            segment
        }
        _ => stem,
    }
}

/// Whether `file` is a part a corpus step wrote in place of another (the corpus step's
/// writer owns it, whoever wrote the part it replaces).
fn is_corpus_rewrite(file: &str) -> bool {
    let stem = file.strip_suffix(".parquet").unwrap_or(file);
    segment_of(file).len() != stem.len() && stem[segment_of(file).len()..].starts_with("-g")
}

/// The name of `file` as `rewrite` writes it anew.
pub fn rewritten_name(file: &str, rewrite: Rewrite) -> String {
    let segment = segment_of(file);
    match rewrite {
        Rewrite::CorpusStep(generation) => format!("{segment}-g{generation:05}.parquet"),
        Rewrite::Run(run) => format!("{segment}-u{run:05}.parquet"),
    }
}

/// The name of a summary part written by corpus step `generation`.
pub fn summary_part_name(generation: u32) -> String {
    format!("part-c{generation:05}-00000.parquet")
}

/// Where the corpus step writes the articles parts it rewrites before renaming them over.
pub fn corpus_staging(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("staging-corpus")
}

/// Where the last corpus step saved its near-duplicate matches, for the next step.
pub fn neardup_path(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("neardup.bin")
}

/// Where the summaries' partial of the segment of `part` lives.
pub fn partial_path(out: &Path, part: &str) -> PathBuf {
    out.join(STATE_DIR)
        .join("partials")
        .join(format!("{}.bin", segment_of(part)))
}

/// Where the sketches of an articles part (of its segment: a rewrite keeps them) live.
pub fn sketches_path(out: &Path, articles_part: &str) -> PathBuf {
    out.join(STATE_DIR)
        .join("sketches")
        .join(format!("{}.bin", segment_of(articles_part)))
}

//! Joining the shards of a sharded run into one dataset.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use corpus::neardup::NearDupOptions;

use crate::corpus_step::corpus_step;
use crate::{Error, Outcome, Parallel};
use dataset::layout::Manifest;
use dataset::names::WriterTag;
use dataset::schema::SEGMENT_TABLES;
use dataset::schema::*;
use dataset::DatasetLock;

/// Joins the shards of a sharded run in `out`: checks that every shard has completed, writes
/// `out/manifest.json` naming all their parts, and runs the corpus-wide steps (near-duplicate
/// articles across shards, summary tables) over them. Run it after the last shard finished;
/// running it again after more shard runs brings the dataset up to date.
/// `parallel` runs the step's independent tasks; `publish`, when `out` is the work folder of
/// a dataset in object storage, publishes the merge there once it is committed.
pub fn merge(
    out: &Path,
    near_duplicates: Option<&NearDupOptions>,
    parallel: &Parallel,
    publish: Option<&dyn dataset::store::publish::Publish>,
) -> Result<Outcome, Error> {
    let shards_dir = out.join(dataset::layout::SHARDS_DIR);
    // The messages name folders within the dataset, not `out`: for a dataset in object
    // storage, `out` is a work folder the user never named (the caller names the dataset).
    let no_shards = || {
        Error::Layout(format!(
            "the dataset holds no shards (no {}/ folder): write them with `newsprint run --shard I/N`",
            dataset::layout::SHARDS_DIR
        ))
    };
    // Checked before the lock, whose file would make a folder of anything a dataset.
    if !shards_dir.is_dir() {
        return Err(no_shards());
    }
    // The dataset's lock and every shard's: no shard writes, and no other merge runs, while
    // this one reads their parts.
    let _lock = DatasetLock::acquire(out, &DatasetLock::merge_names(out), "newsprint merge")?;
    let entries = std::fs::read_dir(&shards_dir).map_err(|_| no_shards())?;
    let mut shards: Vec<Manifest> = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let manifest = Manifest::read(&path)?;
            if manifest.schema_version != SCHEMA_VERSION {
                return Err(Error::SchemaVersion {
                    path,
                    found: manifest.schema_version,
                    expected: SCHEMA_VERSION,
                });
            }
            shards.push(manifest);
        }
    }
    shards.sort_by_key(|m| m.shard.map(|s| s.index));
    let count = match shards.first().and_then(|m| m.shard) {
        Some(s) => s.count,
        None => {
            return Err(Error::Layout(format!(
                "{}/ holds no shard manifest",
                dataset::layout::SHARDS_DIR
            )))
        }
    };
    for index in 0..count {
        let manifest = shards.iter().find(|m| {
            m.shard
                .is_some_and(|s| s.index == index && s.count == count)
        });
        match manifest {
            None => {
                return Err(Error::Layout(format!(
                    "shard {index}/{count} has not written its manifest in {}/: run it, then merge",
                    dataset::layout::SHARDS_DIR
                )))
            }
            // In object storage, a shard's lease reserves the number of a run under way.
            Some(m)
                if m.runs.last().is_some_and(|r| !r.completed)
                    || m.writer.as_ref().map_or(0, |l| l.run)
                        > m.runs.last().map_or(0, |r| r.run) =>
            {
                return Err(Error::Layout(format!(
                    "shard {index}/{count} did not complete its last run (or has one under way): let it finish or run it again, then merge"
                )))
            }
            Some(_) => {}
        }
    }
    if shards.len() != count as usize {
        return Err(Error::Layout(format!(
            "{}/ holds manifests of shards split different ways; keep only one split",
            dataset::layout::SHARDS_DIR
        )));
    }
    let top_path = out.join(dataset::layout::MANIFEST);
    let previous = if top_path.is_file() {
        Some(Manifest::read(&top_path)?)
    } else {
        None
    };
    let tag = WriterTag(None);
    // A scheduler waiting on the marker must not take an earlier merge's for this one.
    dataset::layout::remove_if_present(&out.join(dataset::layout::SUCCESS))?;
    if let Some(previous) = &previous {
        // A merge killed after its commit is finished first: the shards' manifests brought
        // to the parts it rewrote, its renames done. The step below then starts from the
        // articles as the last merge left them.
        bring_shards_to(out, previous, &mut shards)?;
        settle(out, tag, previous, &shards)?;
    }
    let mut top = Manifest::empty(None);
    top.shards_merged = Some(count);
    top.corpus = previous.as_ref().and_then(|m| m.corpus.clone());
    // In object storage, the merge's lease (with the generation it reserved) stays named.
    top.writer = previous.as_ref().and_then(|m| m.writer.clone());
    for shard in &shards {
        for table in SEGMENT_TABLES {
            top.parts
                .entry(table.name.to_string())
                .or_default()
                .extend(shard.parts.get(table.name).into_iter().flatten().cloned());
        }
        for (status, n) in &shard.documents {
            *top.documents.entry(status.clone()).or_insert(0) += n;
        }
    }
    corpus_step(out, tag, &mut top, near_duplicates, parallel)?;
    // Committed before anything moves: the parts it rewrote wait in staging until the
    // shards' manifests name them too, so that no folder holds a part and its rewrite.
    top.commit(&top_path)?;
    dataset::fault::point("merge-committed");
    bring_shards_to(out, &top, &mut shards)?;
    dataset::fault::point("merge-shards-updated");
    settle(out, tag, &top, &shards)?;
    dataset::layout::write_whole(
        &out.join(dataset::layout::SUCCESS),
        success_marker(&top).as_bytes(),
    )?;
    if let Some(publish) = publish {
        publish.finished(out)?;
    }
    Ok(Outcome {
        out: out.to_path_buf(),
        run: 0,
        recorded: false,
        rows: top.rows.clone(),
        documents: top.documents.clone(),
        run_rows: BTreeMap::new(),
        run_documents: BTreeMap::new(),
        corpus: top.corpus.clone(),
        warnings: Vec::new(),
    })
}

/// What `_SUCCESS` holds: when the merge committed, and what the dataset holds then.
fn success_marker(top: &Manifest) -> String {
    let marker = serde_json::json!({
        "committed_unix": dataset::unix_now(),
        "shards_merged": top.shards_merged,
        "rows": top.rows,
    });
    format!("{marker}\n")
}

/// Brings each shard's manifest to the articles parts `top` names in place of its own (the
/// corpus step's rewrites, which hold the marks of repeats) and commits those that changed:
/// the shard's next run and the next merge start from them. Merge holds every shard's lock.
fn bring_shards_to(out: &Path, top: &Manifest, shards: &mut [Manifest]) -> Result<(), Error> {
    let current: HashMap<&str, &str> = top
        .files(ARTICLES.name)
        .map(|file| (dataset::names::segment_of(file), file))
        .collect();
    let present = |file: &str| {
        out.join(ARTICLES.name).join(file).is_file()
            || dataset::names::corpus_staging(out)
                .join(ARTICLES.name)
                .join(file)
                .is_file()
    };
    for shard in shards {
        let mut changed = false;
        for part in shard.parts.get_mut(ARTICLES.name).into_iter().flatten() {
            match current.get(dataset::names::segment_of(&part.file)) {
                Some(&file) if file != part.file && present(file) => {
                    part.file = file.to_string();
                    changed = true;
                }
                _ => {}
            }
        }
        if changed {
            shard.commit(&WriterTag(shard.shard).manifest_path(out))?;
        }
    }
    Ok(())
}

/// Brings the folders to `top` and the shards' manifests: the parts they replaced go
/// (shards' first, then merge's own), then the rewrites waiting in staging move in.
fn settle(out: &Path, tag: WriterTag, top: &Manifest, shards: &[Manifest]) -> Result<(), Error> {
    for shard in shards {
        dataset::layout::settle(out, WriterTag(shard.shard), shard)?;
    }
    dataset::layout::settle(out, tag, top)?;
    Ok(())
}

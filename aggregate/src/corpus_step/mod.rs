//! The corpus step's storage side, beside the `corpus` crate it drives: the corpus-wide
//! steps over a dataset's committed parts (near-duplicate articles over the parts'
//! sketches, [`near_duplicates`]; then the summary tables from per-segment partials,
//! [`summary_partials`]), committed as one, and merging a sharded run's datasets
//! ([`merge`]).

pub(crate) mod merge;
pub(crate) mod near_duplicates;
pub(crate) mod summary_partials;

use std::path::{Path, PathBuf};

use corpus::neardup::NearDupOptions;

use crate::{Error, Parallel};
use dataset::io_error;
use dataset::layout::{Manifest, Part};
use dataset::names::WriterTag;
use dataset::schema::*;

/// The corpus-wide steps over every part `manifest` names: near-duplicate articles, then the
/// summary tables (a new generation of parts, replacing the old ones in the manifest).
pub(crate) fn corpus_step(
    out: &Path,
    tag: WriterTag,
    manifest: &mut Manifest,
    near_duplicates: Option<&NearDupOptions>,
    parallel: &Parallel,
) -> Result<(), Error> {
    let (report, copies) =
        near_duplicates::mark_near_duplicates(out, manifest, near_duplicates, parallel)?;
    let name = dataset::names::summary_part_name(report.generation);
    let staging = tag.staging(out);
    let staged = |table: &Table| -> Result<PathBuf, Error> {
        let dir = staging.join(table.name);
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        Ok(dir.join(&name))
    };
    let (entity_path, quantity_path) = (staged(&ENTITY_COUNTS)?, staged(&QUANTITY_COUNTS)?);
    let (entity_rows, quantity_rows) = summary_partials::summaries(
        out,
        manifest,
        &copies,
        &entity_path,
        &quantity_path,
        parallel,
    )?;
    for (table, path, rows) in [
        (&ENTITY_COUNTS, entity_path, entity_rows),
        (&QUANTITY_COUNTS, quantity_path, quantity_rows),
    ] {
        // (It waits in staging for the commit that names it.)
        debug_assert!(path.is_file());
        manifest.parts.insert(
            table.name.to_string(),
            vec![Part {
                file: name.clone(),
                rows,
            }],
        );
    }
    manifest.corpus = Some(report);
    manifest.corpus_current = true;
    manifest.recount();
    dataset::fault::point("corpus-staged");
    Ok(())
}

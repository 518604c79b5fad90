//! Named points in the commit protocol where a test can have the process die, as a SIGKILL
//! would: `NEWSPRINT_FAULT=<point>` (the first time the point is reached) or
//! `<point>@<n>` (the n-th time). The kill tests set it to stop a writer at an exact step
//! instead of by chance; unset, a point costs one relaxed atomic load.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The points, in the order a run reaches them. Tests iterate over them.
pub const POINTS: &[&str] = &[
    // A new dataset's manifest (every table empty) committed; its parts wait in staging.
    "created",
    // A segment's manifest committed; its parts wait in staging.
    "committed",
    // The run's data committed at its end, before the corpus step; its last parts (and a
    // rebuild's, a retry's) wait in staging, the parts they replace not yet deleted.
    "run-data-committed",
    // The corpus step wrote its rewrites and summaries to staging, before its commit.
    "corpus-staged",
    // The run's last commit (the corpus step's), its parts still in staging.
    "run-committed",
    // `merge`: the top manifest committed, the shards' manifests not yet brought to it.
    "merge-committed",
    // `merge`: the shards' manifests brought to it, the folders not yet settled.
    "merge-shards-updated",
    // In object storage: a commit's manifest put, its parts still waiting under
    // `_newsprint/pending/` (for a segment, and for the writer's last commit).
    "store-committed",
    "store-finished",
];

static WANTED: OnceLock<Option<(String, usize)>> = OnceLock::new();
static REACHED: AtomicUsize = AtomicUsize::new(0);

/// Dies here, without unwinding or running destructors (its lock stays behind, as a
/// killed writer's does), when `NEWSPRINT_FAULT` names this point.
pub fn point(name: &str) {
    let wanted = WANTED.get_or_init(|| {
        let spec = std::env::var("NEWSPRINT_FAULT").ok()?;
        Some(match spec.split_once('@') {
            Some((point, n)) => (point.to_string(), n.parse().unwrap_or(1)),
            None => (spec, 1),
        })
    });
    if let Some((point, n)) = wanted {
        if point == name && REACHED.fetch_add(1, Ordering::Relaxed) + 1 == *n {
            eprintln!("newsprint: NEWSPRINT_FAULT={name}: stopping here");
            std::process::abort();
        }
    }
}

//! The checkout's data files (gold, sample pages) found from any working folder.

use std::path::{Path, PathBuf};

use anyhow::Result;

/// Where a data file named by a relative path is looked for, in order: the working folder,
/// the checkout newsprint was built from, and the checkout around the binary
/// (`…/target/release/newsprint`), so that `newsprint eval` and `bench` work from any folder.
pub(crate) fn candidates(path: &Path) -> Vec<PathBuf> {
    let mut places = vec![path.to_path_buf()];
    if path.is_relative() {
        places.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(path));
        if let Ok(exe) = std::env::current_exe() {
            places.extend(exe.ancestors().skip(1).take(4).map(|dir| dir.join(path)));
        }
    }
    places.dedup();
    places
}

/// The first place of [`candidates`] that exists, or an error naming every place looked.
pub(crate) fn locate(path: &Path, what: &str) -> Result<PathBuf> {
    let places = candidates(path);
    places.iter().find(|p| p.exists()).cloned().ok_or_else(|| {
        let looked: Vec<String> = places.iter().map(|p| p.display().to_string()).collect();
        anyhow::anyhow!(
            "{what} {} not found; looked in: {}",
            path.display(),
            looked.join(", ")
        )
    })
}

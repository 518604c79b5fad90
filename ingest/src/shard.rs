//! Splitting the inputs of one run across the machines of a cluster.

use std::fmt;

/// One shard of a run split `count` ways: shard `index` (0-based) reads the sources whose
/// path hashes to it. The split depends only on the path as reported (`Source::display`),
/// so every shard given the same inputs agrees on who reads what, without talking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u32,
    /// How many shards the run is split into.
    pub count: u32,
}

impl Shard {
    /// A shard, checked: `count` at least 1 and `index` below it.
    pub fn new(index: u32, count: u32) -> Result<Self, String> {
        if count == 0 {
            return Err("the shard count must be at least 1".to_string());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is not below the shard count {count} (shards count from 0)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parses `I/N` (0-based `I`).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (i, n) = spec
            .split_once('/')
            .ok_or_else(|| format!("{spec:?} is not I/N (for example 0/16)"))?;
        let number = |s: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|_| format!("{spec:?} is not I/N (for example 0/16)"))
        };
        Shard::new(number(i)?, number(n)?)
    }

    /// Whether this shard reads the source reported as `display`.
    pub fn owns(&self, display: &str) -> bool {
        self.count == 1
            || xxhash_rust::xxh3::xxh3_64(display.as_bytes()) % u64::from(self.count)
                == u64::from(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_belongs_to_exactly_one_shard() {
        let shards: Vec<Shard> = (0..5).map(|i| Shard::new(i, 5).expect("shard")).collect();
        let mut sizes = [0usize; 5];
        for k in 0..1000 {
            let path = format!("archive/2026/page-{k:04}.txt");
            let owners: Vec<usize> = (0..5).filter(|&i| shards[i].owns(&path)).collect();
            assert_eq!(owners.len(), 1, "{path}");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 150), "{sizes:?}");
    }

    #[test]
    fn specs_are_checked() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        assert!(Shard::parse("8/8").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("three").is_err());
        assert!(Shard::new(0, 1).expect("one shard").owns("anything"));
    }
}

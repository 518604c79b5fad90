//! The furniture-line counts a dataset keeps, with the inputs they hold (by the key of
//! source and doc_id), so that no input is ever counted twice.
//!
//! A run saves them right after it has counted its inputs, before it commits anything, as
//! the counts of a run in progress (`furniture-pending.bin`). A run killed half way leaves
//! them; the next run counts on from them and skips the inputs they hold, so that it cleans
//! with the furniture one uninterrupted run would have learned. A run that completes saves
//! them as the dataset's own (`furniture.bin`) and deletes the pending ones. A shard counts
//! every shard's inputs, so each learns what one unsharded run would.

use std::collections::HashSet;

const MAGIC: &[u8; 8] = b"NPFPEND1";

/// Counts (as `corpus::furniture::LineCounter::into_bytes` wrote them) and the inputs they
/// hold, by the key of (source, doc_id).
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub counter: Vec<u8>,
    pub counted: HashSet<u128>,
}

impl Counts {
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut keys: Vec<u128> = self.counted.iter().copied().collect();
        keys.sort_unstable();
        let mut out = Vec::with_capacity(16 + keys.len() * 16 + self.counter.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(keys.len() as u64).to_le_bytes());
        for k in keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        out.extend_from_slice(&self.counter);
        out
    }

    /// The counts in a state file: this format, or the bare counts of an older newsprint
    /// (which held no inputs, and which the caller may refuse by their own header). `None`
    /// when the bytes are neither.
    pub(crate) fn read(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(MAGIC) {
            Self::from_bytes(bytes)
        } else if bytes.starts_with(b"NPLINES") {
            Some(Counts {
                counter: bytes.to_vec(),
                counted: HashSet::new(),
            })
        } else {
            None
        }
    }

    /// `None` when the bytes are not counts in this format.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut fields = dataset::layout::Fields::after(bytes, MAGIC)?;
        let len = usize::try_from(fields.u64()?).ok()?;
        // A damaged length must not reserve memory it does not hold keys for.
        let mut counted = HashSet::with_capacity(len.min(fields.rest().len() / 16));
        for _ in 0..len {
            counted.insert(fields.u128()?);
        }
        Some(Counts {
            counter: fields.rest().to_vec(),
            counted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_counts_read_back_and_anything_else_is_refused() {
        let pending = Counts {
            counter: b"NPLINES2 and counts".to_vec(),
            counted: [3u128, 1 << 100, 7].into_iter().collect(),
        };
        let back = Counts::from_bytes(&pending.to_bytes()).expect("reads back");
        assert_eq!(back.counter, pending.counter);
        assert_eq!(back.counted, pending.counted);
        let bytes = pending.to_bytes();
        assert!(Counts::from_bytes(&bytes[..20]).is_none());
        assert!(Counts::from_bytes(b"NPLINES2").is_none());
    }
}

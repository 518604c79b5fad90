//! Hash maps keyed by values that are hashes, or packed characters, already: they need a
//! multiply to spread their bits, not SipHash. Shared by the duplicate search and the
//! reading model.

use std::collections::HashMap;

/// Keys that are already hashes need only a multiply to spread their bits, not SipHash.
#[derive(Default)]
pub(crate) struct MixHasher(u64);

impl std::hash::Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        // A 32-bit key is the top of an already mixed hash: spread it to 64 bits.
        self.write_u64(u64::from(n) << 32 | u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(crate) type BuildMix = std::hash::BuildHasherDefault<MixHasher>;

/// Counts by keys that are hashes or packed characters already (`reading::pair_key`).
pub(crate) type PairCounts = HashMap<u64, u32, BuildMix>;

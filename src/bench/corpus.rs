//! Corpora the benches write: the sample pages varied, in the encodings and compression
//! newsprint reads.

use std::path::Path;

use anyhow::{Context, Result};

use super::rng::Rng;

/// Varies a page: digits replaced at random, and the blocks after the first rotated.
fn vary(page: &str, rng: &mut Rng) -> String {
    let digits: String = page
        .chars()
        .map(|c| {
            if c.is_ascii_digit() && rng.next().is_multiple_of(3) {
                char::from(b'0' + (rng.next() % 10) as u8)
            } else {
                c
            }
        })
        .collect();
    let blocks: Vec<&str> = digits.split("\n\n\n\n").collect();
    if blocks.len() > 2 {
        let k = 1 + (rng.next() as usize % (blocks.len() - 1));
        let mut rotated = vec![blocks[0]];
        rotated.extend(&blocks[k..]);
        rotated.extend(&blocks[1..k]);
        rotated.join("\n\n\n\n")
    } else {
        digits
    }
}

/// Writes about `mb` megabytes of varied pages into `dir`; returns the bytes written.
pub fn generate(pages: &[String], mb: u64, dir: &Path) -> Result<u64> {
    let mut rng = Rng(0x6E65_7773);
    let varied = (0..).map(|i| vary(&pages[i % pages.len()], &mut rng));
    write_corpus(varied, mb << 20, dir)
}

/// Writes `texts` into `dir` until about `target` bytes, in mixed encodings and
/// compression; returns the bytes written.
pub fn write_corpus(texts: impl Iterator<Item = String>, target: u64, dir: &Path) -> Result<u64> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = 0u64;
    for (i, text) in texts.enumerate() {
        if written >= target {
            break;
        }
        let (name, bytes) = match i % 5 {
            0 | 1 => (format!("{i:07}.txt"), text.into_bytes()),
            2 => (
                format!("{i:07}.gb.txt"),
                ingest::fixtures::encode(&text, "gb18030").unwrap_or_default(),
            ),
            3 => (
                format!("{i:07}.u16.txt"),
                ingest::fixtures::encode(&text, "utf-16le-bom").unwrap_or_default(),
            ),
            _ => (
                format!("{i:07}.txt.gz"),
                ingest::fixtures::gzip(text.as_bytes()),
            ),
        };
        let shard = dir.join(format!("{:03}", i / 1000));
        std::fs::create_dir_all(&shard)?;
        std::fs::write(shard.join(name), &bytes)?;
        written += bytes.len() as u64;
    }
    Ok(written)
}

/// Writes pages `range` of a corpus in which page `i` is a function of `i` alone, so that
/// pages can be added later without changing the earlier ones. Returns the bytes written.
pub fn generate_pages(pages: &[String], range: std::ops::Range<u32>, dir: &Path) -> Result<u64> {
    let mut written = 0u64;
    for i in range {
        let mut rng = Rng(0x696E_6372 ^ u64::from(i).wrapping_mul(0x9E37_79B9));
        let text = vary(&pages[i as usize % pages.len()], &mut rng);
        let (name, bytes) = if i % 4 == 3 {
            (
                format!("{i:07}.gb.txt"),
                ingest::fixtures::encode(&text, "gb18030").unwrap_or_default(),
            )
        } else {
            (format!("{i:07}.txt"), text.into_bytes())
        };
        let folder = dir.join(format!("{:04}", i / 1000));
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        std::fs::write(folder.join(name), &bytes)?;
        written += bytes.len() as u64;
    }
    Ok(written)
}

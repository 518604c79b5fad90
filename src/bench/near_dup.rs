//! `bench --articles N`: the corpus-wide near-duplicate search over N generated articles with
//! known copies: its time, precision, recall and peak memory.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use super::common::rate;
use super::rng::Rng;

/// Articles made of sentences of words cut from the sample pages, some of them copies of an
/// earlier one. Every text is a function of its number, so the search can load texts again
/// without the corpus being held.
struct ArticleCorpus {
    words: Vec<String>,
    /// Articles of one or two sentences (JSON Lines records of short news), whose band
    /// buckets are crowded: the hard case for the search's memory.
    short: bool,
}

/// How article `i` was made.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Made {
    Original,
    /// A copy of an earlier article: re-wrapped with ASCII commas, with this many characters
    /// in a thousand changed, or abridged to its first 90 %.
    Copy {
        of: u32,
        changed: u32,
        abridged: bool,
    },
    /// Shares half its sentences with an earlier article: related, not a copy.
    Related {
        to: u32,
    },
}

impl ArticleCorpus {
    fn new(pages: &[String], short: bool) -> Self {
        let mut rng = Rng(7);
        let mut words = std::collections::BTreeSet::new();
        for page in pages {
            let han: Vec<char> = page
                .chars()
                .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
                .collect();
            let mut i = 0;
            while i + 4 <= han.len() {
                let len = 2 + (rng.next() % 3) as usize;
                words.insert(han[i..i + len].iter().collect::<String>());
                i += len;
            }
        }
        ArticleCorpus {
            words: words.into_iter().collect(),
            short,
        }
    }

    fn made(i: u32) -> Made {
        let mut rng = Rng(u64::from(i) ^ 0xA5A5);
        let roll = rng.next() % 100;
        if i < 10 || roll >= 30 {
            return Made::Original;
        }
        // Copies and relatives point at an original a little earlier.
        let mut of = i - 1 - (rng.next() % u64::from(i.min(500))) as u32;
        while Self::made(of) != Made::Original {
            of -= 1;
        }
        match roll {
            0..=19 => Made::Copy {
                of,
                changed: [0, 10, 20, 30][(roll % 4) as usize],
                abridged: false,
            },
            20..=24 => Made::Copy {
                of,
                changed: 0,
                abridged: true,
            },
            _ => Made::Related { to: of },
        }
    }

    fn sentences(&self, i: u32) -> Vec<String> {
        let mut rng = Rng(u64::from(i).wrapping_mul(0x9E37) ^ 0x5EED);
        let n = if self.short {
            1 + rng.next() % 2
        } else {
            12 + rng.next() % 18
        };
        (0..n)
            .map(|_| {
                let mut s = String::new();
                let words = 6 + rng.next() % 9;
                for w in 0..words {
                    s.push_str(&self.words[(rng.next() % self.words.len() as u64) as usize]);
                    if w + 1 < words && rng.next().is_multiple_of(5) {
                        s.push('，');
                    }
                }
                s.push('。');
                s
            })
            .collect()
    }

    fn text(&self, i: u32) -> String {
        match Self::made(i) {
            Made::Original => self.sentences(i).concat(),
            Made::Related { to } => {
                let mut own = self.sentences(i);
                let theirs = self.sentences(to);
                for (k, s) in theirs.into_iter().enumerate().step_by(2) {
                    if k < own.len() {
                        own[k] = s;
                    }
                }
                own.concat()
            }
            Made::Copy {
                of,
                changed,
                abridged,
            } => {
                let mut sentences = self.sentences(of);
                if abridged {
                    sentences.truncate(sentences.len() * 9 / 10);
                }
                let mut rng = Rng(u64::from(i) ^ 0xC0FF);
                let mut out = String::new();
                for (k, c) in sentences.concat().chars().enumerate() {
                    if changed > 0 && rng.next() % 1000 < u64::from(changed) {
                        out.push_str(
                            &self.words[(rng.next() % self.words.len() as u64) as usize][..3],
                        );
                    } else if c == '，' {
                        out.push(',');
                    } else {
                        out.push(c);
                    }
                    if k % 16 == 15 {
                        out.push('\n');
                    }
                }
                out
            }
        }
    }
}

pub fn near_duplicate_bench(pages: &[String], n: u32, short: bool) -> Result<ExitCode> {
    use corpus::neardup::{near_duplicates, shingles, sketch, NearDupOptions};
    let corpus = ArticleCorpus::new(pages, short);
    let options = NearDupOptions::default();
    let t = Instant::now();
    let mut text_bytes = 0u64;
    let sketches: Vec<_> = (0..n)
        .map(|i| {
            let text = corpus.text(i);
            text_bytes += text.len() as u64;
            sketch(&text)
        })
        .collect();
    let sketch_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let report = near_duplicates(&sketches, &options, &[], |ids| {
        Ok::<_, std::convert::Infallible>(ids.iter().map(|&i| shingles(&corpus.text(i))).collect())
    })?;
    let search_secs = t.elapsed().as_secs_f64();

    // A found copy is right when the article and the one it names are copies of one original.
    let original = |i: u32| match ArticleCorpus::made(i) {
        Made::Copy { of, .. } => of,
        _ => i,
    };
    let (mut found, mut right, mut copies) = (0u64, 0u64, 0u64);
    let mut missed: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..n {
        let made = ArticleCorpus::made(i);
        let is_copy = matches!(made, Made::Copy { .. });
        copies += u64::from(is_copy);
        match report.matches[i as usize] {
            Some(m) => {
                found += 1;
                right += u64::from(is_copy && original(m.kept) == original(i));
            }
            None if is_copy => {
                let Made::Copy {
                    changed, abridged, ..
                } = made
                else {
                    continue;
                };
                let what = if abridged {
                    "abridged".to_string()
                } else {
                    format!("{}% changed", changed as f64 / 10.0)
                };
                *missed.entry(what).or_default() += 1;
            }
            None => {}
        }
    }
    let precision = right as f64 / found.max(1) as f64;
    let recall = right as f64 / copies.max(1) as f64;
    let rss = crate::cmd::peak_rss_bytes().unwrap_or(0) as f64 / f64::from(1 << 20);
    let per_100k = 100_000.0 / f64::from(n.max(1));
    println!(
        "articles: {n} ({:.1} MB of text), {copies} copies (re-wrapped; 0, 1, 2, 3 % changed; abridged)",
        text_bytes as f64 / 1e6
    );
    println!(
        "sketch                {:>8.2} s   {:.1} MB/s",
        sketch_secs,
        rate(text_bytes, sketch_secs)
    );
    println!(
        "search + verify       {:>8.2} s   {} candidate pairs, {} verified, {} windows",
        search_secs, report.candidates, report.verified, report.windows
    );
    println!(
        "per 100k articles     {:>8.2} s   (sketch + search, one thread)",
        (sketch_secs + search_secs) * per_100k
    );
    println!("peak RSS              {rss:>8.0} MiB");
    println!("precision {precision:.4}  recall {recall:.4}  ({right} of {copies} copies found, {found} flagged)");
    for (what, count) in missed {
        println!("  missed: {count} {what}");
    }
    Ok(ExitCode::SUCCESS)
}

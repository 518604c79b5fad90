//! `newsprint bench --hostile`: page shapes that once cost time worse than linear in their
//! size, each timed through read, decode, clean and extract (rules and tagger) at two sizes.
//!
//! Linear work grows with the size; the bench prints the time ratio between the sizes beside
//! the size ratio, and flags a shape whose time grows more than twice as fast as its size.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};

/// The shapes, by name.
pub const SHAPES: [&str; 10] = [
    "prose-without-newlines",
    "headings-between-paragraphs",
    "one-name-repeated",
    "title-line-copies",
    "stock-listing-lines",
    "byline-lines",
    "sentence-repeated-in-paragraphs",
    "indented-heading-lines",
    "copies-with-short-tails",
    "blank-lines-jsonl-gz",
];

use super::rng::Rng;

/// A character of `from`, at random.
fn pick<'a>(rng: &mut Rng, from: &'a [char]) -> &'a char {
    &from[rng.next() as usize % from.len()]
}

const SURNAMES: [char; 12] = [
    '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙',
];
const GIVEN: [char; 16] = [
    '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超',
];

/// Lines from `line` (given a generator and the line number) until `text` holds `bytes`.
fn fill(text: &mut String, bytes: usize, mut line: impl FnMut(&mut Rng, usize) -> String) {
    let mut rng = Rng(7);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&line(&mut rng, i));
        i += 1;
    }
}

/// About `bytes` bytes of the shape `name`, as the file newsprint would read (the name it
/// is given, and its bytes). `sample` is a real page, for the prose.
pub fn shape(name: &str, bytes: usize, sample: &str) -> Option<(String, Vec<u8>)> {
    let mut rng = Rng(0x686f_7374);
    let mut text = String::with_capacity(bytes + 256);
    match name {
        // A scraped page or a JSON Lines field: prose with no line break at all, its figures
        // varied so that no two stretches are the same.
        "prose-without-newlines" => {
            let flat: String = sample.chars().filter(|c| !c.is_whitespace()).collect();
            while text.len() < bytes {
                text.extend(flat.chars().map(|c| {
                    if c.is_ascii_digit() {
                        char::from(b'0' + (rng.next() % 10) as u8)
                    } else {
                        c
                    }
                }));
            }
        }
        // One long article broken by a heading every paragraph, each asked whether it opens
        // a new article: the article above is read to a bounded length, not whole.
        "headings-between-paragraphs" => fill(&mut text, bytes, |rng, i| {
            format!(
                "{}{}园区第{i}项改革\n\n园区管委会剥离社会事务职能，由属地政府承担，干部把精力集中到招商引资和项目建设上来，{}{}说。\n\n",
                pick(rng, &GIVEN),
                pick(rng, &GIVEN),
                pick(rng, &SURNAMES),
                pick(rng, &GIVEN)
            )
        }),
        "one-name-repeated" => fill(&mut text, bytes, |_, _| "副局长唐伏莲说".to_string()),
        "title-line-copies" => fill(&mut text, bytes, |_, _| {
            "湘潭高新区：园区去行政化改革激发新活力\n".to_string()
        }),
        "stock-listing-lines" => fill(&mut text, bytes, |rng, i| {
            format!(
                "{:06} {}{}股份 收盘{}.{:02}元 涨跌{}.{:02}% 成交{}万股\n",
                600_000 + i,
                pick(rng, &GIVEN),
                pick(rng, &GIVEN),
                rng.next() % 90 + 1,
                rng.next() % 100,
                rng.next() % 10,
                rng.next() % 100,
                rng.next() % 9000 + 100
            )
        }),
        "byline-lines" => fill(&mut text, bytes, |rng, _| {
            format!(
                "本报记者 {}{}{} 通讯员 {}{}\n",
                pick(rng, &SURNAMES),
                pick(rng, &GIVEN),
                pick(rng, &GIVEN),
                pick(rng, &SURNAMES),
                pick(rng, &GIVEN)
            )
        }),
        // Paragraphs that each say one sentence five times over: one copy must stay.
        "sentence-repeated-in-paragraphs" => fill(&mut text, bytes, |_, i| {
            let sentence = format!("第{i}号园区去年完成固定资产投资一百二十亿元。");
            format!("{}\n\n", sentence.repeat(5))
        }),
        // An indented page of short lines that could each be a heading, a dateline cut in
        // two or a paragraph's first line: each line asks about the next one only.
        "indented-heading-lines" => fill(&mut text, bytes, |rng, i| {
            format!(
                "\u{3000}\u{3000}新华社{}{}园区第{i}项改革\n",
                pick(rng, &GIVEN),
                pick(rng, &GIVEN)
            )
        }),
        // One long paragraph, then thousands of near copies of its start (a character
        // changed), each followed by a short line it holds: the rest of a copy is searched
        // for in a kept copy of bounded length only.
        "copies-with-short-tails" => {
            let sentence =
                "园区管委会剥离社会事务职能，由属地政府承担，干部把精力集中到招商引资上来。";
            let long = sentence.repeat(bytes / sentence.len() / 2 + 1);
            text.push_str(&long);
            text.push_str("\n\n");
            fill(&mut text, bytes, |rng, _| {
                format!(
                    "园区管委会剥离社会{}务职能，由属地政府承担，干部把精力集中\n\n到招商引资上来。\n\n",
                    pick(rng, &GIVEN)
                )
            })
        }
        "blank-lines-jsonl-gz" => {
            let mut lines = vec![b'\n'; bytes];
            lines.extend_from_slice("{\"text\": \"园区去行政化\"}\n".as_bytes());
            return Some((
                "blank-lines.jsonl.gz".to_string(),
                ingest::fixtures::gzip(&lines),
            ));
        }
        _ => return None,
    }
    Some((format!("{name}.txt"), text.into_bytes()))
}

/// Times every shape at `sizes` (megabytes) through read, decode, clean and extract, on one
/// thread, and prints MB/s and how time grew against size.
pub fn hostile_bench(sample: &str, sizes: &[f64], scratch: &Path) -> Result<ExitCode> {
    // With the tagger: the rules and the tagger both, each linear in its text.
    let stages = super::common::bench_stages(extract::Extractor::with_tagger());
    std::fs::create_dir_all(scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let mut stdout = std::io::stdout().lock();
    let header: Vec<String> = sizes.iter().map(|s| format!("{s:>6} MB s")).collect();
    writeln!(
        stdout,
        "hostile shape (1 thread)          {}   MB/s at largest   time ratio / size ratio",
        header.join("  ")
    )?;
    let mut worst: f64 = 0.0;
    for name in SHAPES {
        let mut times = Vec::new();
        let mut last_rate = 0.0;
        for &mb in sizes {
            let bytes = (mb * 1e6) as usize;
            let Some((file, content)) = shape(name, bytes, sample) else {
                continue;
            };
            let path = scratch.join(&file);
            std::fs::write(&path, &content)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let t = Instant::now();
            let sources = ingest::discover(std::slice::from_ref(&path))?;
            let mut docs = 0;
            for raw in ingest::read(sources, ingest::ReadOptions::default()) {
                let record = stages.process(raw);
                docs += 1;
                std::hint::black_box(&record);
            }
            let secs = t.elapsed().as_secs_f64();
            anyhow::ensure!(docs > 0, "{name}: the input gave no documents row");
            times.push(secs);
            last_rate = bytes as f64 / 1e6 / secs.max(1e-9);
            let _ = std::fs::remove_file(&path);
        }
        let (first, last) = (times[0], times[times.len() - 1]);
        let size_ratio = sizes[sizes.len() - 1] / sizes[0];
        let growth = (last / first.max(1e-4)) / size_ratio;
        worst = worst.max(growth);
        let cells: Vec<String> = times.iter().map(|t| format!("{t:>11.3}")).collect();
        writeln!(
            stdout,
            "{name:<33} {}   {last_rate:>15.1}   {growth:>10.2}{}",
            cells.join("  "),
            if growth > 2.0 {
                "  (more than linear)"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        stdout,
        "worst growth of time over size: {worst:.2} (1 is linear; small inputs carry fixed costs, so below 1 is common)"
    )?;
    Ok(ExitCode::SUCCESS)
}

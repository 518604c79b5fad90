//! Corpus-wide steps over the committed tables: near-duplicate articles across documents.
//!
//! Each articles part has a sketch file beside the dataset (`_newsprint/sketches/`): per
//! article its document, source, `article_idx`, publication date and [`Sketch`] (about 160
//! bytes, plus each source once). [`mark_near_duplicates`] loads the sketches of every part,
//! orders the articles by (publication date, source path, doc_id, article_idx), so that the
//! copy kept is the earliest published (then the first by path) whatever the order, shard or
//! run in which pages arrived, finds candidate pairs, reads
//! back from the parts only the texts that candidates need to be verified, and rewrites the
//! parts whose `duplicate_of` changes. Texts are never held beyond one verification window
//! (`NearDupOptions::window` 3-gram sets, four bytes a 3-gram).

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use clean::neardup::{near_duplicates, shingles, NearDupOptions, Sketch};
use polars::prelude::*;
use rayon::prelude::*;

use crate::dataset::{sketches_path, Manifest};
use crate::schema::ARTICLES;
use crate::summary::Copies;
use crate::table::{read_frame, typed, write_frame};
use crate::{CorpusReport, Error};

/// What the corpus step knows of one article without reading its text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SketchRow {
    /// The doc_id, as the number its 32 hex digits spell.
    pub(crate) doc: u128,
    /// The document's source, an index into the sources given with the rows.
    pub(crate) source: u32,
    pub(crate) article: u32,
    /// Days since 1970 of the article's publication date.
    pub(crate) date: Option<i32>,
    pub(crate) sketch: Option<Sketch>,
}

const MAGIC: &[u8; 8] = b"NPSKETC2";
const ROW_BYTES: usize = 16 + 4 + 4 + 4 + 1 + 8 * 16;

/// Writes the sketches of one articles part, in its row order, with the sources their
/// `source` fields index.
pub(crate) fn write_sketches(
    path: &Path,
    sources: &[String],
    rows: &[SketchRow],
) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = BufWriter::new(std::fs::File::create(path).map_err(io)?);
    file.write_all(MAGIC).map_err(io)?;
    file.write_all(&(sources.len() as u32).to_le_bytes())
        .map_err(io)?;
    for source in sources {
        file.write_all(&(source.len() as u32).to_le_bytes())
            .map_err(io)?;
        file.write_all(source.as_bytes()).map_err(io)?;
    }
    for row in rows {
        let mut bytes = [0u8; ROW_BYTES];
        bytes[..16].copy_from_slice(&row.doc.to_le_bytes());
        bytes[16..20].copy_from_slice(&row.source.to_le_bytes());
        bytes[20..24].copy_from_slice(&row.article.to_le_bytes());
        bytes[24..28].copy_from_slice(&row.date.unwrap_or(i32::MAX).to_le_bytes());
        if let Some(sketch) = &row.sketch {
            bytes[28] = 1;
            for (k, word) in sketch.0.iter().enumerate() {
                bytes[29 + 8 * k..37 + 8 * k].copy_from_slice(&word.to_le_bytes());
            }
        }
        file.write_all(&bytes).map_err(io)?;
    }
    file.flush().map_err(io)
}

/// Reads the sketches of one articles part; their `source` fields index `sources`, to
/// which the part's sources are added.
pub(crate) fn read_sketches(
    path: &Path,
    sources: &mut Vec<String>,
) -> Result<Vec<SketchRow>, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let damaged = |detail: &str| Error::Manifest {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    let mut file = BufReader::new(std::fs::File::open(path).map_err(read_error)?);
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(read_error)?;
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| damaged("not a newsprint sketch file"))?;
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        b.get(at..at + 4)?.try_into().ok().map(u32::from_le_bytes)
    };
    let count = u32_at(rest, 0).ok_or_else(|| damaged("truncated sketch file"))?;
    let mut at = 4;
    let first = sources.len() as u32;
    for _ in 0..count {
        let len = u32_at(rest, at).ok_or_else(|| damaged("truncated sketch file"))? as usize;
        let text = rest
            .get(at + 4..at + 4 + len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| damaged("truncated sketch file"))?;
        sources.push(text.to_string());
        at += 4 + len;
    }
    let rows = &rest[at..];
    if rows.len() % ROW_BYTES != 0 {
        return Err(damaged("truncated sketch file"));
    }
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
    let int = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
    Ok(rows
        .chunks_exact(ROW_BYTES)
        .map(|b| {
            let date = i32::from_le_bytes(b[24..28].try_into().unwrap_or_default());
            SketchRow {
                doc: u128::from_le_bytes(b[..16].try_into().unwrap_or_default()),
                source: first + int(&b[16..20]),
                article: int(&b[20..24]),
                date: (date != i32::MAX).then_some(date),
                sketch: (b[28] == 1).then(|| {
                    let mut words = [0u64; 16];
                    for (k, w) in words.iter_mut().enumerate() {
                        *w = word(&b[29 + 8 * k..37 + 8 * k]);
                    }
                    Sketch(words)
                }),
            }
        })
        .collect())
}

/// The doc_id of a document number.
pub(crate) fn doc_id(doc: u128) -> String {
    format!("{doc:032x}")
}

/// Finds near-duplicate articles over every articles part of `manifest` (none when
/// `options` is `None`) and brings each part's `duplicate_of` and `duplicate_similarity` up
/// to date, rewriting only the parts that change. Returns the counts and the copies found.
pub(crate) fn mark_near_duplicates(
    out: &Path,
    manifest: &Manifest,
    options: Option<&NearDupOptions>,
) -> Result<(CorpusReport, Copies), Error> {
    let parts: Vec<String> = manifest
        .parts
        .get(ARTICLES.name)
        .into_iter()
        .flatten()
        .filter(|p| p.rows > 0)
        .map(|p| p.file.clone())
        .collect();
    let part_path = |part: usize| out.join(ARTICLES.name).join(&parts[part]);
    let mut rows: Vec<SketchRow> = Vec::new();
    // (part, row) of each article, in the order of `rows`.
    let mut place: Vec<(u32, u32)> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for (p, file) in parts.iter().enumerate() {
        let sketches = read_sketches(&sketches_path(out, file), &mut sources)?;
        place.extend((0..sketches.len() as u32).map(|r| (p as u32, r)));
        rows.extend(sketches);
    }
    // The order that decides which copy is kept: earliest published, then by source path,
    // so that the answer does not depend on how the inputs were split into runs or shards.
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&rows[i as usize], &rows[j as usize]);
        a.date
            .unwrap_or(i32::MAX)
            .cmp(&b.date.unwrap_or(i32::MAX))
            .then_with(|| sources[a.source as usize].cmp(&sources[b.source as usize]))
            .then((a.doc, a.article, place[i as usize]).cmp(&(b.doc, b.article, place[j as usize])))
    });
    let mut report = CorpusReport::default();
    let mut matches: Vec<Option<(u32, f32)>> = vec![None; rows.len()];
    if let Some(options) = options {
        let sketches: Vec<Option<Sketch>> =
            order.iter().map(|&i| rows[i as usize].sketch).collect();
        let load = |needed: &[u32]| -> Result<Vec<Vec<u32>>, Error> {
            // Grouped by part, so each part's texts are read once per window.
            let mut wanted: Vec<(u32, u32, usize)> = needed
                .iter()
                .enumerate()
                .map(|(k, &s)| {
                    let (p, r) = place[order[s as usize] as usize];
                    (p, r, k)
                })
                .collect();
            wanted.sort_unstable();
            let mut sets = vec![Vec::new(); needed.len()];
            for group in wanted.chunk_by(|a, b| a.0 == b.0) {
                let frame =
                    read_frame(&ARTICLES, &part_path(group[0].0 as usize), Some(&["text"]))?;
                let texts = typed(&frame, &ARTICLES, "text", Column::str)?;
                let computed: Vec<(usize, Vec<u32>)> = group
                    .par_iter()
                    .map(|&(_, r, k)| (k, texts.get(r as usize).map(shingles).unwrap_or_default()))
                    .collect();
                for (k, set) in computed {
                    sets[k] = set;
                }
            }
            Ok(sets)
        };
        let found = near_duplicates(&sketches, options, load)?;
        for (s, m) in found.matches.iter().enumerate() {
            if let Some(m) = m {
                matches[order[s] as usize] = Some((order[m.kept as usize], m.similarity));
            }
        }
        report.candidate_pairs = found.candidates;
        report.verified_pairs = found.verified;
        report.near_duplicate_articles = found.matches.iter().flatten().count() as u64;
    }

    let mut copies = Copies::new();
    let key = |i: u32| {
        let r = &rows[i as usize];
        format!("{}/{}", doc_id(r.doc), r.article)
    };
    let mut first = 0usize;
    for (p, file) in parts.iter().enumerate() {
        let n = place[first..].partition_point(|&(q, _)| q as usize == p);
        let range = first..first + n;
        first += n;
        for i in range.clone() {
            if matches[i].is_some() {
                copies
                    .entry(doc_id(rows[i].doc))
                    .or_default()
                    .push(rows[i].article);
            }
        }
        let kept: StringChunked = matches[range.clone()]
            .iter()
            .map(|m| m.map(|(k, _)| key(k)))
            .collect();
        let similarity: Float32Chunked = matches[range].iter().map(|m| m.map(|(_, s)| s)).collect();
        let path = out.join(ARTICLES.name).join(file);
        let written = read_frame(
            &ARTICLES,
            &path,
            Some(&["duplicate_of", "duplicate_similarity"]),
        )?;
        let same = typed(&written, &ARTICLES, "duplicate_of", Column::str)?
            .iter()
            .eq(kept.iter())
            && typed(&written, &ARTICLES, "duplicate_similarity", Column::f32)?
                .iter()
                .eq(similarity.iter());
        if same {
            continue;
        }
        let mut frame = read_frame(&ARTICLES, &path, None)?;
        let polars_error = |source| Error::Polars {
            table: ARTICLES.name,
            source,
        };
        frame
            .with_column(kept.with_name("duplicate_of".into()).into_column())
            .map_err(polars_error)?;
        frame
            .with_column(
                similarity
                    .with_name("duplicate_similarity".into())
                    .into_column(),
            )
            .map_err(polars_error)?;
        // Written beside the part and renamed over it: a part is never half-written.
        let fresh = path.with_extension("parquet.new");
        write_frame(&ARTICLES, &fresh, &mut frame)?;
        std::fs::rename(&fresh, &path).map_err(|source| Error::Io { path, source })?;
    }
    Ok((report, copies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sketch_files_read_back_what_was_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s").join("part.bin");
        let rows = vec![
            SketchRow {
                doc: u128::MAX - 7,
                source: 1,
                article: 3,
                date: Some(20_000),
                sketch: clean::neardup::sketch(
                    &"湘潭经开区新发展集团有限公司完成中层管理岗位竞聘".repeat(3),
                ),
            },
            SketchRow {
                doc: 42,
                source: 0,
                article: 0,
                date: None,
                sketch: None,
            },
        ];
        assert!(rows[0].sketch.is_some());
        let sources = ["a.txt".to_string(), "页/b.txt".to_string()];
        write_sketches(&path, &sources, &rows).expect("write");
        let mut read = vec!["earlier.txt".to_string()];
        let back = read_sketches(&path, &mut read).expect("read");
        assert_eq!(read[1..], sources);
        for (b, r) in back.iter().zip(&rows) {
            assert_eq!(read[b.source as usize], sources[r.source as usize]);
            assert_eq!(
                (b.doc, b.article, b.date, b.sketch),
                (r.doc, r.article, r.date, r.sketch)
            );
        }
        std::fs::write(&path, b"NPSKETC2abc").expect("truncate");
        assert!(read_sketches(&path, &mut read).is_err());
    }
}

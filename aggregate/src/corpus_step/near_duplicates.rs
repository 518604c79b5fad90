//! The near-duplicate search over a dataset's committed articles parts (the search itself is
//! `corpus::neardup`): sketches saved per part, matches carried from one corpus step to the next.
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
//!
//! Each step saves its matches in that order (`_newsprint/neardup.bin`, 37 bytes an article).
//! The next step keeps the matches of the longest prefix of its order that the saved one
//! shares (same part, row, document and article) and searches only the articles after it:
//! when a night adds pages published after the ones held, that is only the new articles.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use corpus::neardup::{near_duplicates, shingles, NearDupOptions, Sketch};
use polars::prelude::*;

use corpus::neardup::NearDup;

use crate::corpus_step::summary_partials::Copies;
use crate::Error;
use dataset::layout::{put_str, write_whole, Fields, Manifest};
use dataset::names::{neardup_path, rewritten_name, segment_of, sketches_path, Rewrite};
use dataset::schema::ARTICLES;
use dataset::table::{read_frame, typed, write_frame};
use dataset::CorpusReport;

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
    let mut fields =
        Fields::after(&bytes, MAGIC).ok_or_else(|| damaged("not a newsprint sketch file"))?;
    let count = fields
        .u32()
        .ok_or_else(|| damaged("truncated sketch file"))?;
    let first = sources.len() as u32;
    for _ in 0..count {
        let text = fields
            .str()
            .ok_or_else(|| damaged("truncated sketch file"))?;
        sources.push(text.to_string());
    }
    let rows = fields.rest();
    if rows.len() % ROW_BYTES != 0 {
        return Err(damaged("truncated sketch file"));
    }
    rows.chunks_exact(ROW_BYTES)
        .map(|b| {
            let mut row = Fields::of(b);
            let (doc, source, article) = (row.u128()?, row.u32()?, row.u32()?);
            let date = row.u32()? as i32;
            let has_sketch = row.u8()? == 1;
            let mut words = [0u64; 16];
            for w in &mut words {
                *w = row.u64()?;
            }
            Some(SketchRow {
                doc,
                source: first + source,
                article,
                date: (date != i32::MAX).then_some(date),
                sketch: has_sketch.then_some(Sketch(words)),
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| damaged("truncated sketch file"))
}

/// The sketches of the articles part `file`, computed again from the part and its segment's
/// documents part: what a sketch file that is missing, damaged or out of step with its part
/// is replaced by: the part's sources, and its rows, whose `source` fields index them.
pub(crate) fn rebuild_sketches(
    out: &Path,
    file: &str,
    documents_file: &str,
) -> Result<(Vec<String>, Vec<SketchRow>), Error> {
    use dataset::schema::DOCUMENTS;
    let articles = read_frame(
        &ARTICLES,
        &out.join(ARTICLES.name).join(file),
        Some(&["doc_id", "article_idx", "published_date", "text"]),
    )?;
    let documents = read_frame(
        &DOCUMENTS,
        &out.join(DOCUMENTS.name).join(documents_file),
        Some(&["doc_id", "source", "status"]),
    )?;
    let polars_error = |table: &'static str| move |source| Error::Polars { table, source };
    let mut sources: Vec<String> = Vec::new();
    let mut source_of: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let ids = typed(&documents, &DOCUMENTS, "doc_id", Column::str)?;
    let names = typed(&documents, &DOCUMENTS, "source", Column::str)?;
    let statuses = typed(&documents, &DOCUMENTS, "status", Column::str)?;
    for ((id, name), status) in ids.iter().zip(names.iter()).zip(statuses.iter()) {
        if let (Some(id), Some(name), Some("ok")) = (id, name, status) {
            source_of.entry(id).or_insert_with(|| {
                sources.push(name.to_string());
                sources.len() as u32 - 1
            });
        }
    }
    let dates = articles
        .column("published_date")
        .and_then(|c| c.cast(&DataType::Int32))
        .map_err(polars_error(ARTICLES.name))?;
    let dates = dates.i32().map_err(polars_error(ARTICLES.name))?;
    let ids = typed(&articles, &ARTICLES, "doc_id", Column::str)?;
    let numbers = typed(&articles, &ARTICLES, "article_idx", Column::u32)?;
    let texts = typed(&articles, &ARTICLES, "text", Column::str)?;
    // An article whose document row is missing gets one shared empty source.
    let mut unknown: Option<u32> = None;
    let mut rows = Vec::with_capacity(articles.height());
    for i in 0..articles.height() {
        let id = ids.get(i).unwrap_or_default();
        let source = match source_of.get(id) {
            Some(&s) => s,
            None => *unknown.get_or_insert_with(|| {
                sources.push(String::new());
                sources.len() as u32 - 1
            }),
        };
        rows.push(SketchRow {
            doc: ingest::content_number(id).unwrap_or_default(),
            source,
            article: numbers.get(i).unwrap_or_default(),
            date: dates.get(i),
            sketch: texts.get(i).and_then(corpus::neardup::sketch),
        });
    }
    Ok((sources, rows))
}

const SETTLED_MAGIC: &[u8; 8] = b"NPNEARD1";
const SETTLED_ROW_BYTES: usize = 4 + 4 + 16 + 4 + 4 + 4 + 1;

/// One article of a saved search, in the search's order.
#[derive(Clone, Copy, Debug, PartialEq)]
struct SettledRow {
    /// Index into [`Settled::parts`].
    part: u32,
    row: u32,
    doc: u128,
    article: u32,
    found: Option<NearDup>,
}

/// The matches a corpus step found, saved for the next step.
#[derive(Debug, Default, PartialEq)]
struct Settled {
    /// The corpus step (`CorpusReport::generation`) that found them: a saved search is used
    /// only by the step after the one the manifest records, so a step killed before its
    /// commit leaves a file that is ignored.
    generation: u32,
    threshold: f32,
    /// The articles parts the search covered, named as it left them (after its rewrites).
    parts: Vec<String>,
    rows: Vec<SettledRow>,
}

const METHODS: [&str; 2] = ["minhash-jaccard-3gram", "minhash-containment-3gram"];

impl Settled {
    fn write(&self, path: &Path) -> Result<(), Error> {
        let mut bytes = Vec::with_capacity(64 + self.rows.len() * SETTLED_ROW_BYTES);
        bytes.extend_from_slice(SETTLED_MAGIC);
        bytes.extend_from_slice(&self.generation.to_le_bytes());
        bytes.extend_from_slice(&self.threshold.to_le_bytes());
        bytes.extend_from_slice(&(self.parts.len() as u32).to_le_bytes());
        for part in &self.parts {
            put_str(&mut bytes, part);
        }
        for row in &self.rows {
            bytes.extend_from_slice(&row.part.to_le_bytes());
            bytes.extend_from_slice(&row.row.to_le_bytes());
            bytes.extend_from_slice(&row.doc.to_le_bytes());
            bytes.extend_from_slice(&row.article.to_le_bytes());
            let (kept, similarity, method) = match row.found {
                Some(m) => (
                    m.kept,
                    m.similarity,
                    METHODS.iter().position(|&x| x == m.method).unwrap_or(0) as u8,
                ),
                None => (u32::MAX, 0.0, 0),
            };
            bytes.extend_from_slice(&kept.to_le_bytes());
            bytes.extend_from_slice(&similarity.to_le_bytes());
            bytes.push(method);
        }
        write_whole(path, &bytes)
    }

    /// The saved search, or `None` when there is none or it cannot be read (the step then
    /// searches every article, which gives the same answer).
    fn read(path: &Path) -> Option<Settled> {
        let bytes = std::fs::read(path).ok()?;
        let mut fields = Fields::after(&bytes, SETTLED_MAGIC)?;
        let generation = fields.u32()?;
        let threshold = f32::from_bits(fields.u32()?);
        let n_parts = fields.u32()? as usize;
        let mut parts = Vec::with_capacity(n_parts.min(1 << 20));
        for _ in 0..n_parts {
            parts.push(fields.str()?.to_string());
        }
        let rest = fields.rest();
        if rest.len() % SETTLED_ROW_BYTES != 0 {
            return None;
        }
        let rows = rest
            .chunks_exact(SETTLED_ROW_BYTES)
            .map(|b| {
                let mut row = Fields::of(b);
                let (part, row_idx, doc, article) =
                    (row.u32()?, row.u32()?, row.u128()?, row.u32()?);
                let (kept, similarity, method) = (row.u32()?, row.u32()?, row.u8()?);
                Some(SettledRow {
                    part,
                    row: row_idx,
                    doc,
                    article,
                    found: (kept != u32::MAX).then(|| NearDup {
                        kept,
                        similarity: f32::from_bits(similarity),
                        method: METHODS[usize::from(method).min(METHODS.len() - 1)],
                    }),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Settled {
            generation,
            threshold,
            parts,
            rows,
        })
    }
}

/// The saved search's matches at the positions of `order` (see `near_duplicates`): the
/// saved articles are found in order among the current ones (an article added since sits
/// between them); from the first saved article that is not found, none is known.
fn known_matches(
    saved: &Settled,
    order: &[u32],
    rows: &[RowKey],
    place: &[(u32, u32)],
    parts: &[String],
) -> Vec<Option<Option<NearDup>>> {
    let mut known = vec![None; order.len()];
    // The current position of each saved position met.
    let mut position: Vec<u32> = Vec::with_capacity(saved.rows.len());
    for (s, &i) in order.iter().enumerate() {
        let Some(old) = saved.rows.get(position.len()) else {
            break;
        };
        let row = &rows[i as usize];
        let (p, r) = place[i as usize];
        let same = saved.parts.get(old.part as usize).map(|f| segment_of(f))
            == Some(segment_of(&parts[p as usize]))
            && (old.row, old.doc, old.article) == (r, row.doc, row.article);
        if same {
            position.push(s as u32);
        }
    }
    for (k, &s) in position.iter().enumerate() {
        let found = saved.rows[k].found;
        known[s as usize] = match found {
            // The copy it names is before it, so it was met.
            Some(m) => position
                .get(m.kept as usize)
                .map(|&kept| Some(NearDup { kept, ..m })),
            None => Some(None),
        };
    }
    known
}

/// What the corpus step keeps of an article while it searches (its sketch is kept apart).
#[derive(Clone, Copy, Debug)]
struct RowKey {
    doc: u128,
    source: u32,
    article: u32,
    date: Option<i32>,
}

/// Puts `items` in the order `order` gives (`items[s]` becomes the old `items[order[s]]`)
/// without a second copy: each cycle of the permutation is walked once.
fn permute_in_place<T: Copy>(items: &mut [T], order: &[u32]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        if done[start] {
            continue;
        }
        let first = items[start];
        let mut at = start;
        loop {
            done[at] = true;
            let next = order[at] as usize;
            if next == start {
                items[at] = first;
                break;
            }
            items[at] = items[next];
            at = next;
        }
    }
}

/// The doc_id of a document number.
pub(crate) fn doc_id(doc: u128) -> String {
    format!("{doc:032x}")
}

/// Finds near-duplicate articles over every articles part of `manifest` (none when
/// `options` is `None`) and brings each part's `duplicate_of` and `duplicate_similarity` up
/// to date, writing anew only the parts that change (as rewrites by this corpus step, which
/// `manifest` then names). Returns the counts and the copies found, by segment.
pub(crate) fn mark_near_duplicates(
    out: &Path,
    manifest: &mut Manifest,
    options: Option<&NearDupOptions>,
    parallel: &crate::Parallel,
) -> Result<(CorpusReport, Copies), Error> {
    let (parts, part_rows): (Vec<String>, Vec<u64>) = manifest
        .parts
        .get(ARTICLES.name)
        .into_iter()
        .flatten()
        .filter(|p| p.rows > 0)
        .map(|p| (p.file.clone(), p.rows))
        .unzip();
    let part_path = |part: usize| out.join(ARTICLES.name).join(&parts[part]);
    // The documents part of each segment, whose sources a rebuilt sketch file names.
    let documents_of: std::collections::HashMap<&str, &String> = manifest
        .parts
        .get(dataset::schema::DOCUMENTS.name)
        .into_iter()
        .flatten()
        .map(|p| (segment_of(&p.file), &p.file))
        .collect();
    // What is known of each article, and its sketch, kept apart: the sketches are put in
    // keep order in place below, so that they are held once (136 bytes an article).
    let mut rows: Vec<RowKey> = Vec::new();
    let mut sketches: Vec<Option<Sketch>> = Vec::new();
    // (part, row) of each article, in the order of `rows`.
    let mut place: Vec<(u32, u32)> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    let mut repaired = Vec::new();
    for (p, (file, expected)) in parts.iter().zip(&part_rows).enumerate() {
        let path = sketches_path(out, file);
        let checkpoint = sources.len();
        let read = read_sketches(&path, &mut sources)
            .ok()
            .filter(|rows| rows.len() as u64 == *expected);
        // The rows, and what to add to their `source` fields to index `sources`.
        let (read, base) = match read {
            Some(rows) => (rows, 0),
            None => {
                // Missing, damaged, or not the part's rows: computed again from the part.
                let documents_file = documents_of
                    .get(segment_of(file))
                    .map_or(file.as_str(), |f| f.as_str());
                let (part_sources, rows) = rebuild_sketches(out, file, documents_file)?;
                write_sketches(&path, &part_sources, &rows)?;
                repaired.push(path.display().to_string());
                sources.truncate(checkpoint);
                sources.extend(part_sources);
                (rows, checkpoint as u32)
            }
        };
        place.extend((0..read.len() as u32).map(|r| (p as u32, r)));
        for row in read {
            rows.push(RowKey {
                doc: row.doc,
                source: row.source + base,
                article: row.article,
                date: row.date,
            });
            sketches.push(row.sketch);
        }
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
    let previous = manifest.corpus.as_ref();
    let mut report = CorpusReport {
        threshold: options.map(|o| o.threshold),
        // (In object storage, the generation the writer's lease reserved: two writers'
        // steps never name their parts alike.)
        generation: (previous.map_or(0, |c| c.generation) + 1)
            .max(manifest.writer.as_ref().map_or(0, |l| l.generation)),
        repaired,
        ..CorpusReport::default()
    };
    let state_path = neardup_path(out);
    // For each position of `order`, the match the saved search found, when it saw it.
    let mut known: Vec<Option<Option<NearDup>>> = Vec::new();
    // The parts whose columns the saved search vouches for: those it left, by name.
    let mut vouched: std::collections::HashSet<String> = std::collections::HashSet::new();
    if let (Some(options), Some(previous)) = (options, previous) {
        let saved = Settled::read(&state_path).filter(|s| {
            s.generation == previous.generation
                && previous.threshold == Some(options.threshold)
                && s.threshold == options.threshold
        });
        if let Some(saved) = saved {
            known = known_matches(&saved, &order, &rows, &place, &parts);
            vouched = saved.parts.into_iter().collect();
        }
    }
    let mut matches: Vec<Option<(u32, f32)>> = vec![None; rows.len()];
    let mut found_in_order: Vec<Option<NearDup>> = Vec::new();
    let mut unsettled = vec![false; parts.len()];
    if let Some(options) = options {
        permute_in_place(&mut sketches, &order);
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
            // A part's texts are read once per window, and their sets computed by the
            // caller's runner; a window holds one part's texts beside its sets.
            for group in wanted.chunk_by(|a, b| a.0 == b.0) {
                let path = part_path(group[0].0 as usize);
                let frame = read_frame(&ARTICLES, &path, Some(&["text"]))?;
                let texts = typed(&frame, &ARTICLES, "text", Column::str)?;
                let computed = parallel.map(group.len(), &|i| {
                    texts
                        .get(group[i].1 as usize)
                        .map(shingles)
                        .unwrap_or_default()
                })?;
                for (&(_, _, k), set) in group.iter().zip(computed) {
                    sets[k] = set;
                }
            }
            Ok(sets)
        };
        let found = near_duplicates(&sketches, options, &known, load)?;
        for (s, m) in found.matches.iter().enumerate() {
            if let Some(m) = m {
                matches[order[s] as usize] = Some((order[m.kept as usize], m.similarity));
            }
        }
        report.candidate_pairs = found.candidates;
        report.verified_pairs = found.verified;
        report.near_duplicate_articles = found.matches.iter().flatten().count() as u64;
        report.settled_articles = rows.len() as u64 - found.searched;
        // Parts holding an article searched again or whose match changed; the others'
        // columns are as the saved search left them.
        for (s, m) in found.matches.iter().enumerate() {
            if known.get(s) != Some(&Some(*m)) {
                unsettled[place[order[s] as usize].0 as usize] = true;
            }
        }
        // A part the manifest names other than as the saved search left it (a shard's
        // manifest not yet brought to a merge's rewrite) holds other columns: checked.
        for (p, file) in parts.iter().enumerate() {
            if !vouched.contains(file) {
                unsettled[p] = true;
            }
        }
        found_in_order = found.matches;
    } else {
        unsettled.fill(true);
    }

    let mut copies = Copies::new();
    let key = |i: u32| {
        let r = &rows[i as usize];
        format!("{}/{}", doc_id(r.doc), r.article)
    };
    let mut first = 0usize;
    let mut to_rewrite = Vec::new();
    for (p, file) in parts.iter().enumerate() {
        let n = place[first..].partition_point(|&(q, _)| q as usize == p);
        let range = first..first + n;
        first += n;
        let mut part_copies: Vec<(u128, u32)> = range
            .clone()
            .filter(|&i| matches[i].is_some())
            .map(|i| (rows[i].doc, rows[i].article))
            .collect();
        if !part_copies.is_empty() {
            part_copies.sort_unstable();
            copies.insert(segment_of(file).to_string(), part_copies);
        }
        if unsettled[p] {
            to_rewrite.push((file, range));
        }
    }
    // Each part brought up to date as a task of its own: a part is read and written whole.
    let outcomes = parallel.map(to_rewrite.len(), &|t| {
        let (file, range) = &to_rewrite[t];
        let kept: StringChunked = matches[range.clone()]
            .iter()
            .map(|m| m.map(|(k, _)| key(k)))
            .collect();
        let similarity: Float32Chunked = matches[range.clone()]
            .iter()
            .map(|m| m.map(|(_, s)| s))
            .collect();
        update_part(out, file, kept, similarity, report.generation)
    })?;
    let mut renamed = std::collections::HashMap::new();
    for (outcome, (file, _)) in outcomes.into_iter().zip(&to_rewrite) {
        if let Some(name) = outcome? {
            renamed.insert((*file).clone(), name);
        }
    }
    // The saved search names the parts as the manifest will: those it vouches for.
    let saved_parts: Vec<String> = parts
        .iter()
        .map(|f| renamed.get(f).cloned().unwrap_or_else(|| f.clone()))
        .collect();
    match options {
        Some(options) => Settled {
            generation: report.generation,
            threshold: options.threshold,
            parts: saved_parts,
            rows: order
                .iter()
                .zip(&found_in_order)
                .map(|(&i, &found)| {
                    let (part, row) = place[i as usize];
                    let r = &rows[i as usize];
                    SettledRow {
                        part,
                        row,
                        doc: r.doc,
                        article: r.article,
                        found,
                    }
                })
                .collect(),
        }
        .write(&state_path)?,
        None => {
            let _ = std::fs::remove_file(&state_path);
        }
    }
    for part in manifest.parts.get_mut(ARTICLES.name).into_iter().flatten() {
        if let Some(name) = renamed.remove(&part.file) {
            part.file = name;
        }
    }
    Ok((report, copies))
}

/// Writes the articles part `file` anew with these `duplicate_of` and
/// `duplicate_similarity`, as a rewrite by corpus step `generation`, unless it holds those
/// values already. Returns the new part's name when it wrote one.
fn update_part(
    out: &Path,
    file: &str,
    kept: StringChunked,
    similarity: Float32Chunked,
    generation: u32,
) -> Result<Option<String>, Error> {
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
        return Ok(None);
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
    // Written in the corpus step's staging folder, where no folder reader looks: it moves
    // into the table's folder once a committed manifest names it (`dataset::layout::settle`).
    let staging = dataset::names::corpus_staging(out).join(ARTICLES.name);
    std::fs::create_dir_all(&staging).map_err(|source| Error::Io {
        path: staging.clone(),
        source,
    })?;
    let name = rewritten_name(file, Rewrite::CorpusStep(generation));
    write_frame(&ARTICLES, &staging.join(&name), &mut frame)?;
    Ok(Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permutation_in_place_gathers_as_a_copy_would() {
        let items: Vec<u32> = (0..50).map(|i| i * 7).collect();
        let mut state = 99u64;
        let mut order: Vec<u32> = (0..50).collect();
        for k in (1..order.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            order.swap(k, (state >> 33) as usize % (k + 1));
        }
        let gathered: Vec<u32> = order.iter().map(|&i| items[i as usize]).collect();
        let mut permuted = items.clone();
        permute_in_place(&mut permuted, &order);
        assert_eq!(permuted, gathered);
    }

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
                sketch: corpus::neardup::sketch(
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

    #[test]
    fn a_saved_search_reads_back_and_a_damaged_one_is_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("neardup.bin");
        let saved = Settled {
            generation: 3,
            threshold: 0.8,
            parts: vec![
                "part-r00001-00000.parquet".into(),
                "part-r00002-00000.parquet".into(),
            ],
            rows: vec![
                SettledRow {
                    part: 1,
                    row: 4,
                    doc: u128::MAX - 1,
                    article: 2,
                    found: None,
                },
                SettledRow {
                    part: 0,
                    row: 0,
                    doc: 7,
                    article: 0,
                    found: Some(NearDup {
                        kept: 0,
                        similarity: 0.93,
                        method: METHODS[1],
                    }),
                },
            ],
        };
        saved.write(&path).expect("write");
        assert_eq!(Settled::read(&path), Some(saved));
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.pop();
        std::fs::write(&path, &bytes).expect("damage");
        assert_eq!(Settled::read(&path), None);
    }
}

//! Finding inputs and reading their bytes.
//!
//! A *source* is one file found on disk. Most sources are one document; a JSON Lines source
//! is one document per non-blank line. Compressed sources (`.gz`, `.zst`, recognised by their
//! magic bytes) are decompressed as a stream, and a name such as `pages.jsonl.gz` is read as
//! JSON Lines inside gzip. Reading is sequential and lazy, so a folder of millions of files or
//! a JSON Lines file of many gigabytes is held one document at a time.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::identity::{display_name, Fingerprint};
use crate::json_record::parse_record;
use crate::{doc_number, Error, RawDoc, Status};

/// One input file, with the name it is reported under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Where to open it.
    pub path: PathBuf,
    /// The path as the user gave it, joined with the folders walked to reach it.
    pub display: String,
    /// What the file system said of it when it was found (`None` when that could not be
    /// told): what lets a later run know it unchanged without reading it.
    pub fingerprint: Option<Fingerprint>,
    /// Why the input is not read, when it is not: a symbolic link not followed
    /// ([`DiscoverOptions::follow_symlinks`] off), or a folder reached again through a link
    /// (a loop). The input is an error row saying so.
    pub not_read: Option<String>,
    /// The object to read instead of `path`, for an input in object storage.
    pub object: Option<crate::object::ObjectInput>,
}

/// How [`discover_with`] walks folders and lists object storage.
#[derive(Clone, Debug)]
pub struct DiscoverOptions {
    /// Follow symbolic links (to files and folders, wherever they point). Off, a link is
    /// an error row naming its target, and nothing outside the named trees is read.
    pub follow_symlinks: bool,
    /// Settings of the object store for `s3://` inputs (`endpoint`, `region`, …), after
    /// those of the standard AWS environment.
    pub storage_options: Vec<(String, String)>,
    /// A folder (or object prefix) holding an entry of this name is a dataset, output rather
    /// than input: it is not read, and [`Discovered::skipped`] names it. (`newsprint run`
    /// passes its state folder, so that an `--out` inside an input folder is never read back.)
    pub dataset_marker: Option<String>,
    /// Folders never read however they are reached (the run's own output), named in
    /// [`Discovered::skipped`] when met.
    pub skip: Vec<PathBuf>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            follow_symlinks: true,
            storage_options: Vec::new(),
            dataset_marker: None,
            skip: Vec::new(),
        }
    }
}

/// What [`discover_with`] found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The inputs to read, in order.
    pub sources: Vec<Source>,
    /// Folders (or object prefixes) left out as datasets or as folders to skip, as their
    /// inputs would have named them, in the order met.
    pub skipped: Vec<String>,
}

impl Source {
    /// A folder as an input of its own: one that cannot be walked (an error row when the
    /// reader tries it), or one not to read, saying why.
    fn folder(dir: &Path, display: &str, not_read: Option<String>) -> Source {
        Source {
            path: dir.to_path_buf(),
            display: display.to_string(),
            fingerprint: None,
            not_read,
            object: None,
        }
    }

    /// Whether a document with this `source` came from this input: the input itself, or
    /// one of its lines (`pages.jsonl#L3`).
    pub fn yielded(&self, doc_source: &str) -> bool {
        Self::gave(&self.display, doc_source)
    }

    /// Whether a document with this `source` came from the input named `display` (see
    /// [`Source::yielded`]), for callers that keep the name without the rest.
    pub fn gave(display: &str, doc_source: &str) -> bool {
        Self::file_of(doc_source) == display
    }

    /// The input a document's `source` names: the source itself, or the file whose record
    /// it is (`feed.jsonl` of `feed.jsonl#L3`, `items.json` of `items.json#R2`).
    pub fn file_of(doc_source: &str) -> &str {
        match doc_source.rsplit_once('#') {
            Some((file, record))
                if record.len() > 1
                    && matches!(record.as_bytes()[0], b'L' | b'R')
                    && record.bytes().skip(1).all(|b| b.is_ascii_digit()) =>
            {
                file
            }
            _ => doc_source,
        }
    }
}

/// Limits for reading.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// A document larger than this (after decompression) becomes an error row instead of
    /// being held in memory.
    pub max_document_bytes: u64,
    /// The fields of a record that may hold its text, the first present winning (empty:
    /// [`crate::TEXT_FIELD`]).
    pub text_fields: Vec<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_document_bytes: 64 << 20,
            text_fields: Vec::new(),
        }
    }
}

impl ReadOptions {
    /// The fields looked for, in words, for messages.
    fn text_fields_in_words(&self) -> String {
        match self.text_fields.as_slice() {
            [] => format!("a {:?} field", crate::TEXT_FIELD),
            [one] => format!("a {one:?} field"),
            many => format!("any of the fields {many:?}"),
        }
    }

    fn is_text_field(&self, name: &str) -> bool {
        if self.text_fields.is_empty() {
            name == crate::TEXT_FIELD
        } else {
            self.text_fields.iter().any(|f| f == name)
        }
    }
}

/// Expands the paths a user named into the files to read, in a stable order: each path in
/// the order given; inside a folder, entries sorted by name, recursively. Hidden entries
/// (names starting with `.`) are skipped, and a folder reached twice through symbolic links
/// is walked once (reached again, it is an error row saying so).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Source>, Error> {
    Ok(discover_with(paths, DiscoverOptions::default())?.sources)
}

/// [`discover`] with options.
pub fn discover_with(paths: &[PathBuf], options: DiscoverOptions) -> Result<Discovered, Error> {
    let mut found = Discovered::default();
    let mut seen_dirs = HashMap::new();
    // Canonical, as a folder is recognised however it is reached; one that does not exist
    // yet cannot be met.
    let skip: Vec<PathBuf> = options
        .skip
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    for path in paths {
        if let Some(url) = path.to_str().filter(|p| crate::object::is_url(p)) {
            let listed = crate::object::list(url, &options.storage_options)?;
            let datasets = object_datasets(
                listed.iter().map(|(_, display, _)| display.as_str()),
                options.dataset_marker.as_deref(),
            );
            for (object, display, fingerprint) in listed {
                if datasets.iter().any(|root| {
                    display
                        .strip_prefix(root.as_str())
                        .is_some_and(|r| r.starts_with('/'))
                }) {
                    continue;
                }
                found.sources.push(Source {
                    path: path.clone(),
                    display,
                    fingerprint,
                    not_read: None,
                    object: Some(object),
                });
            }
            found.skipped.extend(datasets);
            continue;
        }
        let meta = fs::metadata(path).map_err(|source| Error::Input {
            path: path.clone(),
            source,
        })?;
        let display = display_name(path.as_os_str());
        if meta.is_dir() {
            let walker = Walker {
                options: &options,
                skip: &skip,
            };
            walker.walk(path, &display, &mut seen_dirs, &mut found);
        } else {
            found.sources.push(Source {
                path: path.clone(),
                display,
                fingerprint: Fingerprint::of(&meta),
                not_read: None,
                object: None,
            });
        }
    }
    Ok(found)
}

/// The prefixes, among objects listed in key order, that hold a dataset: those with an
/// object under `prefix/marker/`.
fn object_datasets<'a>(
    displays: impl Iterator<Item = &'a str>,
    marker: Option<&str>,
) -> Vec<String> {
    let Some(marker) = marker else {
        return Vec::new();
    };
    let segment = format!("/{marker}/");
    let mut roots: Vec<String> = Vec::new();
    for display in displays {
        if let Some(at) = display.find(&segment) {
            let root = &display[..at];
            if !roots.iter().any(|r| r == root) {
                roots.push(root.to_string());
            }
        }
    }
    roots
}

/// Walks folders for [`discover_with`].
struct Walker<'a> {
    options: &'a DiscoverOptions,
    /// Canonical paths of the folders not to read.
    skip: &'a [PathBuf],
}

impl Walker<'_> {
    fn walk(
        &self,
        dir: &Path,
        display: &str,
        seen: &mut HashMap<PathBuf, String>,
        found: &mut Discovered,
    ) {
        let options = self.options;
        // Canonical paths identify a folder however it was reached, which is what stops a
        // symbolic link that points back up the tree from looping.
        let Ok(canonical) = fs::canonicalize(dir) else {
            found.sources.push(Source::folder(dir, display, None));
            return;
        };
        if let Some(first) = seen.get(&canonical) {
            // Walked once; reached again (a link back up the tree, or to a folder read
            // already), it is a row saying so rather than a silent skip.
            found.sources.push(Source::folder(
            dir,
            display,
            Some(format!(
                "folder already read as {first} (reached again through a symbolic link): not read twice"
            )),
        ));
            return;
        }
        let is_dataset = options
            .dataset_marker
            .as_ref()
            .is_some_and(|marker| dir.join(marker).is_dir());
        if is_dataset || self.skip.contains(&canonical) {
            found.skipped.push(display.to_string());
            return;
        }
        seen.insert(canonical, display.to_string());
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(_) => {
                // Reported as an error row when the reader fails to open it.
                found.sources.push(Source::folder(dir, display, None));
                return;
            }
        };
        let mut names: Vec<_> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .filter(|name| !name.to_string_lossy().starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let child_display =
                format!("{}/{}", display.trim_end_matches('/'), display_name(&name));
            if !options.follow_symlinks {
                if let Ok(target) = fs::read_link(&path) {
                    found.sources.push(Source {
                        path,
                        display: child_display,
                        fingerprint: None,
                        not_read: Some(format!(
                            "symbolic link to {}, not followed (--no-follow-symlinks)",
                            display_name(target.as_os_str())
                        )),
                        object: None,
                    });
                    continue;
                }
            }
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => self.walk(&path, &child_display, seen, found),
                meta => found.sources.push(Source {
                    path,
                    display: child_display,
                    fingerprint: meta.ok().as_ref().and_then(Fingerprint::of),
                    not_read: None,
                    object: None,
                }),
            }
        }
    }
}

/// Reads sources lazily, one [`RawDoc`] at a time, in source order.
///
/// The reader also remembers the content hash of every document it has produced, so that the
/// same bytes under a second path come out as [`Status::Duplicate`] naming the first
/// document; that costs 32 bytes a document, not the text.
pub struct Reader {
    /// The next sources, as many as fetching ahead looks at; the rest wait in `rest`, so a
    /// reader over a million inputs may take them one at a time from a list it shares.
    sources: std::collections::VecDeque<Source>,
    rest: Box<dyn Iterator<Item = Source> + Send>,
    /// Objects being fetched ahead, one entry for each of the first sources (`None` for a
    /// file, or an object too large to hold: those are read when their turn comes).
    ahead: std::collections::VecDeque<Option<crate::object::Fetch>>,
    options: ReadOptions,
    lines: Option<JsonLines>,
    /// Content hash → the first document with those bytes (its doc_id as a number).
    seen: HashMap<u128, u128>,
}

/// Reads `sources` in order; see [`Reader`].
pub fn read<I>(sources: I, options: ReadOptions) -> Reader
where
    I: IntoIterator<Item = Source>,
    I::IntoIter: Send + 'static,
{
    Reader {
        sources: Default::default(),
        rest: Box::new(sources.into_iter()),
        ahead: Default::default(),
        options,
        lines: None,
        seen: HashMap::new(),
    }
}

impl Iterator for Reader {
    type Item = RawDoc;

    fn next(&mut self) -> Option<RawDoc> {
        loop {
            if let Some(lines) = &mut self.lines {
                match lines.next_doc(self.options.max_document_bytes) {
                    Some(doc) => return Some(self.mark_duplicate(doc)),
                    None => self.lines = None,
                }
            }
            self.take_sources();
            self.fetch_ahead();
            let source = self.sources.pop_front()?;
            let fetched = self.ahead.pop_front().flatten();
            match open(&source, &self.options, fetched) {
                Opened::Doc(doc) => return Some(self.mark_duplicate(doc)),
                Opened::Lines(lines) => self.lines = Some(lines),
            }
        }
    }
}

impl Reader {
    /// Moves sources from `rest` until as many wait as fetching ahead may look at.
    fn take_sources(&mut self) {
        while self.sources.len() < crate::object::FETCH_AHEAD {
            match self.rest.next() {
                Some(source) => self.sources.push_back(source),
                None => break,
            }
        }
    }

    /// Starts fetching the objects among the next sources, within
    /// [`crate::object::FETCH_AHEAD`] requests and [`crate::object::FETCH_AHEAD_BYTES`].
    fn fetch_ahead(&mut self) {
        use crate::object::{FETCH_AHEAD, FETCH_AHEAD_BYTES};
        let mut bytes: u64 = self.ahead.iter().flatten().map(|f| f.size).sum();
        while self.ahead.len() < self.sources.len() && self.ahead.len() < FETCH_AHEAD {
            let source = &self.sources[self.ahead.len()];
            let fetch = match &source.object {
                Some(object)
                    if object.size() <= self.options.max_document_bytes.min(FETCH_AHEAD_BYTES) =>
                {
                    let size = object.size();
                    if bytes + size > FETCH_AHEAD_BYTES {
                        break;
                    }
                    bytes += size;
                    Some(object.fetch())
                }
                _ => None,
            };
            self.ahead.push_back(fetch);
        }
    }

    /// Treats these contents as already read, each by the document given (content hash and
    /// doc_id as numbers, see [`crate::content_number`]): an input with the same bytes comes
    /// out as [`Status::Duplicate`] of that document. An incremental run passes the contents
    /// of the dataset it adds to.
    pub fn with_known(mut self, contents: impl IntoIterator<Item = (u128, u128)>) -> Self {
        for (content, doc) in contents {
            self.seen.entry(content).or_insert(doc);
        }
        self
    }

    fn mark_duplicate(&mut self, mut doc: RawDoc) -> RawDoc {
        if doc.outcome.is_some() || doc.bytes.is_empty() {
            return doc;
        }
        let hash = xxhash_rust::xxh3::xxh3_128(&doc.bytes);
        match self.seen.entry(hash) {
            std::collections::hash_map::Entry::Occupied(first) => {
                doc.outcome = Some((
                    Status::Duplicate,
                    "same bytes as an earlier input".to_string(),
                ));
                doc.duplicate_of = Some(format!("{:032x}", first.get()));
                doc.bytes = Vec::new();
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(doc_number(&doc.source, doc.content_hash.as_deref()));
            }
        }
        doc
    }
}

/// Records looked at per JSON Lines file by [`check_records`].
const RECORDS_CHECKED: usize = 100;

/// `.json` files looked at by [`check_records`].
const JSON_FILES_CHECKED: usize = 8;

/// Checks, before a run reads them, that the JSON Lines files among `sources` hold records
/// newsprint can read: a file whose first records (up to 100) are JSON objects of which none
/// has a text field is in another layout, and is an error naming the field expected and
/// the fields found, not a dataset of error rows. Costs a few kilobytes of each such file.
/// A `.json` file of JSON without a text field is read as a text page: the first
/// [`JSON_FILES_CHECKED`] such files (read whole) give a warning each, returned.
pub fn check_records(sources: &[Source], options: &ReadOptions) -> Result<Vec<String>, Error> {
    let mut warnings = Vec::new();
    // Only a name can make an input JSON Lines: other inputs are not opened here (they are
    // read once, by the run).
    // A `.json` file is read whole to be checked: the first few stand for the rest (an
    // archive of one such file an article would otherwise be read twice).
    let mut json_files = 0;
    for source in sources.iter().filter(|s| may_hold_records(&s.display)) {
        if is_json_name(&source.display) {
            json_files += 1;
            if json_files > JSON_FILES_CHECKED {
                continue;
            }
        }
        let mut lines = match open(source, options, None) {
            Opened::Lines(lines) => lines,
            Opened::Doc(doc) => {
                // A `.json` file of records none of which has a text field is read as a
                // text page, as before `.json` files were read as records: said here.
                if let Some(names) = first_record_fields(&doc.bytes) {
                    warnings.push(format!(
                        "{}: none of its JSON records has {}: read as a text page (its fields: {}); name the field that holds the text with --text-field",
                        source.display,
                        options.text_fields_in_words(),
                        names.join(", ")
                    ));
                }
                continue;
            }
        };
        let (mut objects, mut fields) = (0, std::collections::BTreeSet::new());
        for _ in 0..RECORDS_CHECKED {
            let Some(Ok((_, line))) = lines.next_raw_line(options.max_document_bytes) else {
                break;
            };
            let Some(names) = crate::json_record::field_names(&line) else {
                continue;
            };
            if names.iter().any(|n| options.is_text_field(n)) {
                objects = 0;
                break;
            }
            objects += 1;
            fields.extend(names);
        }
        if objects > 0 {
            return Err(Error::NoTextField {
                file: source.display.clone(),
                records: objects,
                wanted: options.text_fields_in_words(),
                fields: fields.into_iter().collect::<Vec<_>>().join(", "),
            });
        }
    }
    Ok(warnings)
}

/// The field names of the first record of a `.json` file's bytes: of the object, or of the
/// array's first element; `None` when it holds no JSON object there.
fn first_record_fields(bytes: &[u8]) -> Option<Vec<String>> {
    let (body, first) = json_start(bytes)?;
    let record = match body[first] {
        b'[' => array_elements(&body[first..])?.into_iter().next()?,
        b'{' => body.split(|&b| b == b'\n').next()?,
        _ => return None,
    };
    crate::json_record::field_names(record).or_else(|| crate::json_record::field_names(body))
}

enum Opened {
    Doc(RawDoc),
    Lines(JsonLines),
}

impl Opened {
    /// The error row of an input that could not be read.
    fn failed(source: &Source, reason: String) -> Self {
        Opened::Doc(RawDoc::failed(
            source.display.clone(),
            Status::Error,
            reason,
        ))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

/// Opens `source` (an object with the bytes already `fetched`, when they were fetched
/// ahead).
fn open(source: &Source, options: &ReadOptions, fetched: Option<crate::object::Fetch>) -> Opened {
    let fail = |reason: String| Opened::failed(source, reason);
    if let Some(reason) = &source.not_read {
        return fail(reason.clone());
    }
    if let Some(object) = &source.object {
        let stream = match fetched {
            Some(fetch) => fetch.wait(),
            None => object.open(),
        };
        // The store retried what was transient; what is left is this input's error.
        return match stream {
            Ok(stream) => open_stream(source, stream, options),
            Err(e) => fail(format!("cannot read object: {e}")),
        };
    }
    // Looked at before opening: opening a FIFO waits for a writer that may never come.
    match fs::metadata(&source.path) {
        Ok(meta) if meta.is_dir() => return fail("cannot read folder".to_string()),
        Ok(meta) if !meta.is_file() => {
            return fail(format!(
                "not a regular file ({}): not read",
                special_kind(&meta)
            ))
        }
        Ok(_) => {}
        Err(e) => return fail(format!("cannot open: {e}")),
    }
    let file = match File::open(&source.path) {
        Ok(file) => file,
        Err(e) => return fail(format!("cannot open: {e}")),
    };
    open_stream(source, Box::new(file), options)
}

/// Reads an opened input: decompressed as its magic bytes say, then one document, or
/// JSON Lines read a record at a time.
fn open_stream(source: &Source, file: Box<dyn Read + Send>, options: &ReadOptions) -> Opened {
    let fail = |reason: String| Opened::failed(source, reason);
    // Bytes read as stored (before decompression): what a document's `read_bytes` counts,
    // so that progress over a compressed file moves with the file, not past it.
    let stored = Stored::default();
    let mut file: Box<dyn Read + Send> = Box::new(Counted {
        inner: file,
        count: stored.clone(),
    });
    let mut magic = [0u8; 4];
    let n = match read_prefix(&mut file, &mut magic) {
        Ok(n) => n,
        Err(e) => return fail(format!("cannot read: {e}")),
    };
    let compression = match &magic[..n] {
        [0x1f, 0x8b, ..] => Compression::Gzip,
        [0x28, 0xb5, 0x2f, 0xfd] => Compression::Zstd,
        _ => Compression::None,
    };
    let head = io::Cursor::new(magic[..n].to_vec());
    let stream: Box<dyn Read + Send> = match compression {
        Compression::None => Box::new(head.chain(file)),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(head.chain(file))),
        Compression::Zstd => match zstd::stream::read::Decoder::new(head.chain(file)) {
            Ok(decoder) => Box::new(decoder),
            Err(e) => return fail(format!("zstd: {e}")),
        },
    };
    let inner = inner_name(&source.display, compression);
    if is_json_lines_name(&inner) {
        return Opened::Lines(JsonLines::new(source, stream, 'L', options, stored));
    }
    let what = match compression {
        Compression::None => "",
        Compression::Gzip => "gzip: ",
        Compression::Zstd => "zstd: ",
    };
    match read_limited(stream, options.max_document_bytes) {
        Ok(bytes) if inner.ends_with(".json") => match json_records(&bytes, options) {
            Some((records, mark)) => Opened::Lines(JsonLines::new(
                source,
                Box::new(io::Cursor::new(records)),
                mark,
                options,
                stored,
            )),
            None => Opened::Doc(stored.mark(RawDoc::from_bytes(source.display.clone(), bytes))),
        },
        Ok(bytes) => Opened::Doc(stored.mark(RawDoc::from_bytes(source.display.clone(), bytes))),
        Err(ReadFailure::TooLarge) => fail(too_large(options.max_document_bytes)),
        Err(ReadFailure::Io(e)) => fail(format!("{what}{e}")),
    }
}

/// Why a document over the size limit is an error row (`--max-document-mb`).
pub fn too_large(max_document_bytes: u64) -> String {
    format!(
        "larger than the {} MiB document limit",
        max_document_bytes >> 20
    )
}

/// What kind of special file `meta` describes, in words.
fn special_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        } else if kind.is_socket() {
            return "a socket";
        } else if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

fn read_prefix(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Whether an input of this name may hold records once decompressed (see [`inner_name`]):
/// `.jsonl`, `.ndjson` or `.json`, perhaps with `.gz` or `.zst` after it.
fn may_hold_records(display: &str) -> bool {
    [Compression::None, Compression::Gzip, Compression::Zstd]
        .into_iter()
        .any(|c| is_json_lines_name(&inner_name(display, c)))
        || is_json_name(display)
}

/// Whether an input of this name is a `.json` file once decompressed, perhaps records.
fn is_json_name(display: &str) -> bool {
    [Compression::None, Compression::Gzip, Compression::Zstd]
        .into_iter()
        .any(|c| inner_name(display, c).ends_with(".json"))
}

/// The records of a `.json` file as JSON Lines, and the mark of their sources: a JSON array
/// (`#R` and the element's number), one object however laid out, or JSON Lines (`#L` and
/// the line's number). Each record keeps its text as written (numbers too: an `id` too long
/// for an integer keeps its digits); only the line breaks between its tokens become spaces.
/// `None` when the file is not JSON records with a text field (a sidecar of metadata, or
/// not JSON at all): it is then read as a text page, as any other file.
fn json_records(bytes: &[u8], options: &ReadOptions) -> Option<(Vec<u8>, char)> {
    let (body, first) = json_start(bytes)?;
    let (lines, mark) = match body[first] {
        b'[' => {
            let elements = array_elements(&body[first..])?;
            let mut lines = Vec::with_capacity(body.len());
            for element in elements {
                lines.extend(one_line(element));
                lines.push(b'\n');
            }
            (lines, 'R')
        }
        b'{' if serde_json::from_slice::<serde_json::Value>(body).is_ok() => {
            // One object, perhaps over many lines.
            let mut line: Vec<u8> = one_line(body).collect();
            line.push(b'\n');
            (line, 'L')
        }
        // JSON Lines under another name.
        b'{' => (body.to_vec(), 'L'),
        _ => return None,
    };
    let has_text = lines
        .split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .take(RECORDS_CHECKED)
        .filter_map(crate::json_record::field_names)
        .any(|names| names.iter().any(|n| options.is_text_field(n)));
    has_text.then_some((lines, mark))
}

/// A `.json` file's bytes without a byte-order mark, and where its first token is.
fn json_start(bytes: &[u8]) -> Option<(&[u8], usize)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().position(|b| !b.is_ascii_whitespace())?;
    Some((body, first))
}

/// A JSON value's bytes on one line: a line break can stand only between tokens (inside a
/// string it is escaped), where a space means the same.
fn one_line(value: &[u8]) -> impl Iterator<Item = u8> + '_ {
    value
        .iter()
        .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b })
}

/// The elements of the JSON array `bytes` (which starts with `[`), as written; `None` when
/// it is not an array of values (unbalanced, or text after it).
fn array_elements(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let (mut depth, mut i, mut start) = (0usize, 0usize, None);
    let mut elements = Vec::new();
    let mut end = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                start.get_or_insert(i);
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                if depth >= 1 {
                    start.get_or_insert(i);
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    if let Some(s) = start.take() {
                        elements.push(bytes[s..i].trim_ascii());
                    }
                    end = Some(i);
                    break;
                }
            }
            b',' if depth == 1 => {
                elements.push(bytes[start.take()?..i].trim_ascii());
            }
            b if b.is_ascii_whitespace() => {}
            _ => {
                start.get_or_insert(i);
            }
        }
        i += 1;
    }
    let end = end?;
    bytes[end + 1..]
        .iter()
        .all(u8::is_ascii_whitespace)
        .then_some(elements)
}

fn is_json_lines_name(inner_name: &str) -> bool {
    inner_name.ends_with(".jsonl") || inner_name.ends_with(".ndjson")
}

fn inner_name(display: &str, compression: Compression) -> String {
    let lower = display.to_ascii_lowercase();
    let stripped = match compression {
        Compression::Gzip => lower.strip_suffix(".gz"),
        Compression::Zstd => lower.strip_suffix(".zst"),
        Compression::None => None,
    };
    stripped.map(str::to_string).unwrap_or(lower)
}

enum ReadFailure {
    TooLarge,
    Io(io::Error),
}

fn read_limited(stream: impl Read, limit: u64) -> Result<Vec<u8>, ReadFailure> {
    let mut bytes = Vec::new();
    stream
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge);
    }
    Ok(bytes)
}

/// Bytes of one input read so far, as stored (shared with the reader that counts them).
#[derive(Clone, Default)]
struct Stored(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl Stored {
    fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `doc`, counted as every byte read of its input.
    fn mark(&self, mut doc: RawDoc) -> RawDoc {
        doc.read_bytes = self.get();
        doc
    }
}

/// A reader that counts what it reads into a [`Stored`].
struct Counted {
    inner: Box<dyn Read + Send>,
    count: Stored,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .0
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// A JSON Lines source being read, one record at a time.
struct JsonLines {
    display: String,
    reader: BufReader<Box<dyn Read + Send>>,
    /// Bytes of the input read as stored, and how many of them earlier records took.
    stored: Stored,
    stored_taken: u64,
    /// What a record's number counts in its source's name: `L`ines of the file, or `R`ecords
    /// of a JSON array.
    mark: char,
    text_fields: Vec<String>,
    line_no: u64,
    /// Documents yielded so far (records and failed lines).
    records: u64,
    done: bool,
}

impl JsonLines {
    /// Records of `stream`, each counting its share of the input as `stored` counts it.
    fn new(
        source: &Source,
        stream: Box<dyn Read + Send>,
        mark: char,
        options: &ReadOptions,
        stored: Stored,
    ) -> Self {
        JsonLines {
            display: source.display.clone(),
            reader: BufReader::with_capacity(1 << 16, stream),
            mark,
            stored,
            stored_taken: 0,
            text_fields: options.text_fields.clone(),
            line_no: 0,
            records: 0,
            done: false,
        }
    }

    fn next_doc(&mut self, limit: u64) -> Option<RawDoc> {
        let doc = self.next_line(limit);
        if doc.is_some() {
            self.records += 1;
            return doc;
        }
        // A file with no record still gets its row.
        if self.records == 0 {
            self.records = 1;
            return Some(RawDoc::failed(
                self.display.clone(),
                Status::Empty,
                "JSON Lines file with no records (empty or only blank lines)".to_string(),
            ));
        }
        None
    }

    /// Skips blank lines a buffer at a time, counting them, without making a line of each:
    /// a stream of nothing but newlines (a tiny gzip can hold hundreds of megabytes of
    /// them) costs a scan of its bytes.
    fn skip_blank_lines(&mut self) -> io::Result<()> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let blank = buf
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(buf.len());
            // Leading white space of a record's line goes too: JSON ignores it.
            let more = blank < buf.len();
            self.line_no += buf[..blank].iter().filter(|&&b| b == b'\n').count() as u64;
            self.reader.consume(blank);
            if more {
                return Ok(());
            }
        }
    }

    fn next_line(&mut self, limit: u64) -> Option<RawDoc> {
        match self.next_raw_line(limit)? {
            Ok((source, line)) => {
                let mut doc = parse_record(source, &line, &self.text_fields);
                // The input read as stored since the record before: read ahead in chunks,
                // so uneven, but it adds up to the file.
                let stored = self.stored.get();
                doc.read_bytes = stored - self.stored_taken;
                self.stored_taken = stored;
                Some(doc)
            }
            Err(failed) => Some(failed),
        }
    }

    /// The next record's line and its source name, or the error row of a line that cannot
    /// be read; `None` at the end.
    fn next_raw_line(&mut self, limit: u64) -> Option<Result<(String, Vec<u8>), RawDoc>> {
        if self.done {
            return None;
        }
        // After the blank lines, a line starts with its record, or the stream has ended.
        let mut line = Vec::new();
        let read = self.skip_blank_lines().and_then(|()| {
            (&mut self.reader)
                .take(limit + 1)
                .read_until(b'\n', &mut line)
        });
        self.line_no += 1;
        let source = format!("{}#{}{}", self.display, self.mark, self.line_no);
        match read {
            Ok(0) => {
                self.done = true;
                return None;
            }
            Ok(_) => {}
            Err(e) => {
                // A stream that breaks mid-file (a truncated gzip) cannot be resumed.
                self.done = true;
                return Some(Err(RawDoc::failed(
                    source,
                    Status::Error,
                    format!("cannot read line: {e}"),
                )));
            }
        }
        if line.len() as u64 > limit && !line.ends_with(b"\n") {
            self.skip_rest_of_line();
            return Some(Err(RawDoc::failed(
                source,
                Status::Error,
                format!("line longer than the {} MiB document limit", limit >> 20),
            )));
        }
        Some(Ok((source, line)))
    }

    fn skip_rest_of_line(&mut self) {
        let mut sink = Vec::new();
        loop {
            sink.clear();
            match (&mut self.reader)
                .take(1 << 20)
                .read_until(b'\n', &mut sink)
            {
                Ok(0) | Err(_) => {
                    self.done = true;
                    return;
                }
                Ok(_) if sink.ends_with(b"\n") => return,
                Ok(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, bytes: &[u8]) {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::File::create(path)
            .and_then(|mut f| f.write_all(bytes))
            .expect("write");
    }

    #[test]
    fn documents_count_their_input_as_stored_compressed_or_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Text that compresses poorly, so that the file is read in many chunks.
        let mut state = 7u64;
        let lines: String = (0..2000)
            .map(|_| {
                let text: String = (0..60)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        char::from_u32(0x4E00 + (state >> 40) as u32 % 0x5000).unwrap_or('字')
                    })
                    .collect();
                format!("{{\"text\": \"{text}\"}}\n")
            })
            .collect();
        let gz = crate::fixtures::gzip(lines.as_bytes());
        write(dir.path(), "a.jsonl.gz", &gz);
        write(
            dir.path(),
            "b.txt.gz",
            &crate::fixtures::gzip("一页。".as_bytes()),
        );
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let docs: Vec<RawDoc> = read(sources, ReadOptions::default()).collect();
        let from_a: Vec<u64> = docs
            .iter()
            .filter(|d| d.source.contains("a.jsonl.gz#"))
            .map(|d| d.read_bytes)
            .collect();
        assert_eq!(from_a.len(), 2000);
        assert_eq!(from_a.iter().sum::<u64>(), gz.len() as u64);
        // Spread over the records, not all on the first.
        assert!(from_a[0] < gz.len() as u64);
        let b = docs
            .iter()
            .find(|d| d.source.ends_with("b.txt.gz"))
            .expect("b");
        let stored = fs::metadata(dir.path().join("b.txt.gz"))
            .expect("meta")
            .len();
        assert_eq!(b.read_bytes, stored);
    }

    #[test]
    fn a_json_arrays_elements_are_kept_as_written() {
        let array = br#"[ {"text": "a, [b] \"c\" {", "id": 1.50},
            {"n": [1, {"x": 2}]} , "s", 7 ]"#;
        let elements = array_elements(array).expect("an array");
        let texts: Vec<&str> = elements
            .iter()
            .map(|e| std::str::from_utf8(e).expect("utf-8"))
            .collect();
        assert_eq!(
            texts,
            [
                r#"{"text": "a, [b] \"c\" {", "id": 1.50}"#,
                r#"{"n": [1, {"x": 2}]}"#,
                r#""s""#,
                "7"
            ]
        );
        assert!(array_elements(b"[1, 2").is_none(), "unbalanced");
        assert!(array_elements(b"[1] junk").is_none(), "text after it");
        assert_eq!(array_elements(b"[]").map(|e| e.len()), Some(0));
        let options = ReadOptions::default();
        let (lines, mark) =
            json_records(b"[{\"text\":\"t\",\n\"id\":1.50}]", &options).expect("records");
        assert_eq!(
            (lines.as_slice(), mark),
            (&b"{\"text\":\"t\", \"id\":1.50}\n"[..], 'R')
        );
        assert!(
            json_records(b"{\"page\": 1}", &options).is_none(),
            "no text field"
        );
    }

    #[test]
    fn datasets_and_skipped_folders_are_left_out_and_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a.txt", b"a");
        write(dir.path(), "old/_state/lock", b"");
        write(dir.path(), "old/articles/part.parquet", b"PAR1");
        write(dir.path(), "mine/x.txt", b"x");
        write(dir.path(), "z/b.txt", b"b");
        let root = dir.path().to_path_buf();
        let found = discover_with(
            std::slice::from_ref(&root),
            DiscoverOptions {
                dataset_marker: Some("_state".into()),
                skip: vec![dir.path().join("mine")],
                ..DiscoverOptions::default()
            },
        )
        .expect("discover");
        let names: Vec<&str> = found
            .sources
            .iter()
            .map(|s| s.display.rsplit('/').next().unwrap_or(""))
            .collect();
        assert_eq!(names, ["a.txt", "b.txt"]);
        let skipped: Vec<&str> = found
            .skipped
            .iter()
            .map(|s| s.rsplit('/').next().unwrap_or(""))
            .collect();
        assert_eq!(skipped, ["mine", "old"]);
        // Listed objects: the prefixes holding the marker.
        let listed = [
            "s3://b/in/a.txt",
            "s3://b/in/out/_state/lock",
            "s3://b/in/out/articles/p.parquet",
            "s3://b/in/outer.txt",
        ];
        assert_eq!(
            object_datasets(listed.into_iter(), Some("_state")),
            ["s3://b/in/out"]
        );
        assert!(object_datasets(listed.into_iter(), None).is_empty());
    }

    #[test]
    fn a_reader_takes_its_sources_from_an_iterator_a_few_at_a_time() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let dir = tempfile::tempdir().expect("tempdir");
        let n = crate::object::FETCH_AHEAD * 3;
        for i in 0..n {
            write(
                dir.path(),
                &format!("{i:04}.txt"),
                format!("page {i}").as_bytes(),
            );
        }
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let taken = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&taken);
        let mut reader = read(
            sources.clone().into_iter().inspect(move |_| {
                counted.fetch_add(1, Ordering::Relaxed);
            }),
            ReadOptions::default(),
        );
        let first = reader.next().expect("a document");
        assert!(first.source.ends_with("0000.txt"));
        // Only as many as fetching ahead may look at, not the whole list.
        assert!(taken.load(Ordering::Relaxed) <= crate::object::FETCH_AHEAD);
        let rest: Vec<String> = reader.map(|doc| doc.source).collect();
        let from_list: Vec<String> = read(sources, ReadOptions::default())
            .skip(1)
            .map(|doc| doc.source)
            .collect();
        assert_eq!(rest, from_list);
        assert_eq!(taken.load(Ordering::Relaxed), n);
    }

    #[test]
    fn discover_sorts_recurses_and_skips_hidden() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "b.txt", b"b");
        write(dir.path(), "a/z.txt", b"z");
        write(dir.path(), ".hidden", b"h");
        write(dir.path(), "a/.git/x", b"x");
        let root = dir.path().to_path_buf();
        let found = discover(std::slice::from_ref(&root)).expect("discover");
        let names: Vec<_> = found
            .iter()
            .map(|s| {
                s.display
                    .strip_prefix(&*root.to_string_lossy())
                    .map(str::to_string)
            })
            .collect();
        assert_eq!(
            names,
            vec![Some("/a/z.txt".to_string()), Some("/b.txt".to_string())]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_walked_once_and_each_is_an_error_row() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a/page.txt", b"x");
        // `in/self -> .` and `in/a/up -> ..`: both reach the top folder again.
        std::os::unix::fs::symlink(".", dir.path().join("self")).expect("symlink");
        std::os::unix::fs::symlink("..", dir.path().join("a/up")).expect("symlink");
        let found = discover(&[dir.path().to_path_buf()]).expect("discover");
        let shown: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|s| {
                let name = s.display.rsplit_once(dir.path().to_str().expect("utf-8"));
                (name.map_or("", |n| n.1), s.not_read.as_deref())
            })
            .collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert_eq!(shown[0], ("/a/page.txt", None));
        for (name, (shown, reason)) in ["/a/up", "/self"].iter().zip(&shown[1..]) {
            assert_eq!(shown, name);
            assert!(
                reason.is_some_and(|r| r.contains("already read as")),
                "{reason:?}"
            );
        }
        let docs: Vec<RawDoc> = read(found, ReadOptions::default()).collect();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].outcome.as_ref().map(|o| o.0), Some(Status::Error));
    }

    #[cfg(unix)]
    #[test]
    fn sources_are_unique_and_never_read_as_a_record() {
        use std::os::unix::ffi::OsStrExt;
        let names = [
            std::ffi::OsStr::from_bytes(b"a\xff.txt"),
            std::ffi::OsStr::from_bytes(b"a\xfe.txt"),
            std::ffi::OsStr::new("feed.jsonl#L1"),
            std::ffi::OsStr::new("50%.txt"),
            std::ffi::OsStr::new("版面.txt"),
        ];
        let shown: Vec<String> = names.iter().map(|n| display_name(n)).collect();
        assert_eq!(
            shown,
            [
                "a%FF.txt",
                "a%FE.txt",
                "feed.jsonl%23L1",
                "50%25.txt",
                "版面.txt"
            ]
        );
        let dir = tempfile::tempdir().expect("tempdir");
        for name in &names[..2] {
            fs::write(dir.path().join(name), b"x").expect("write");
        }
        let found = discover(&[dir.path().to_path_buf()]).expect("discover");
        assert_eq!(found.len(), 2);
        assert_ne!(found[0].display, found[1].display);
    }

    #[cfg(unix)]
    #[test]
    fn links_not_followed_are_error_rows_naming_their_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        write(outside.path(), "secret.txt", b"outside the tree");
        write(dir.path(), "a.txt", "页面".as_bytes());
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("b.txt"))
            .expect("symlink");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("c")).expect("symlink");
        let roots = [dir.path().to_path_buf()];
        assert_eq!(discover(&roots).expect("discover").len(), 3, "followed");
        let options = DiscoverOptions {
            follow_symlinks: false,
            ..DiscoverOptions::default()
        };
        let sources = discover_with(&roots, options).expect("discover").sources;
        assert_eq!(sources.len(), 3);
        let docs: Vec<_> = read(sources, ReadOptions::default()).collect();
        assert!(docs[0].outcome.is_none());
        for doc in &docs[1..] {
            let (status, why) = doc.outcome.clone().expect("error row");
            assert_eq!(status, Status::Error);
            assert!(why.contains("not followed"), "{why}");
            assert!(why.contains(&*outside.path().to_string_lossy()), "{why}");
        }
    }

    #[test]
    fn missing_input_is_a_run_error() {
        let err = discover(&[PathBuf::from("/no/such/input")]).expect_err("missing");
        assert!(err.to_string().contains("/no/such/input"));
    }

    #[test]
    fn jsonl_lines_become_documents_and_broken_lines_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "docs.jsonl",
            "{\"id\": 7, \"text\": \"第一篇\", \"published_date\": \"2026-01-21\"}\n{broken\n\n{\"text\": \"第二篇\"}\n"
                .as_bytes(),
        );
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let docs: Vec<_> = read(sources, ReadOptions::default()).collect();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].bytes, "第一篇".as_bytes());
        assert_eq!(docs[0].external_id.as_deref(), Some("7"));
        assert!(docs[0].source.ends_with("docs.jsonl#L1"));
        assert_eq!(docs[1].outcome.as_ref().map(|o| o.0), Some(Status::Error));
        assert!(docs[2].source.ends_with("docs.jsonl#L4"));
    }

    #[test]
    fn a_jsonl_file_whose_records_have_no_text_field_is_refused_naming_the_fields() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a.jsonl", b"{\"text\": \"\\u7b2c\"}\n{broken\n");
        write(
            dir.path(),
            "b.jsonl.gz",
            &crate::fixtures::gzip(b"{\"body\": \"x\", \"id\": 1}\n{\"content\": \"y\"}\n"),
        );
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let error = check_records(&sources, &ReadOptions::default()).expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains("b.jsonl.gz: none of its first 2 records"),
            "{message}"
        );
        assert!(message.contains("\"text\" field"), "{message}");
        assert!(message.contains("body, content, id"), "{message}");
        // One record with text is enough: the others are that file's error rows.
        write(
            dir.path(),
            "b.jsonl.gz",
            &crate::fixtures::gzip(b"{\"body\": 1}\n{\"text\": \"y\"}\n"),
        );
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        check_records(&sources, &ReadOptions::default()).expect("accepted");
    }

    #[test]
    fn the_same_bytes_from_an_earlier_run_name_that_runs_document() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "b.txt", "同一页".as_bytes());
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let content = crate::content_number(&crate::content_id("同一页".as_bytes())).expect("hex");
        let docs: Vec<_> = read(sources, ReadOptions::default())
            .with_known([(content, 42)])
            .collect();
        assert_eq!(
            docs[0].outcome.as_ref().map(|o| o.0),
            Some(Status::Duplicate)
        );
        assert_eq!(
            docs[0].duplicate_of.as_deref(),
            Some(format!("{:032x}", 42).as_str())
        );
        assert_ne!(docs[0].doc_id, format!("{:032x}", 42));
    }

    #[test]
    fn a_jsonl_file_without_records_is_one_empty_row_and_blank_lines_are_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a-empty.jsonl", b"");
        write(dir.path(), "b-blank.jsonl", b"\n  \n\t\r\n\n");
        // Blank lines in bulk, gzipped: read without a line each.
        let mut blank = vec![b'\n'; 3 << 20];
        blank.extend_from_slice(b"   {\"text\": \"\\u7b2c\\u4e00\"}\n\n");
        write(dir.path(), "c.jsonl.gz", &crate::fixtures::gzip(&blank));
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let docs: Vec<_> = read(sources, ReadOptions::default()).collect();
        let rows: Vec<(String, Option<Status>)> = docs
            .iter()
            .map(|d| {
                let name = d.source.rsplit('/').next().unwrap_or_default().to_string();
                (name, d.outcome.as_ref().map(|o| o.0))
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("a-empty.jsonl".to_string(), Some(Status::Empty)),
                ("b-blank.jsonl".to_string(), Some(Status::Empty)),
                (format!("c.jsonl.gz#L{}", (3 << 20) + 1), None),
            ]
        );
        assert_eq!(docs[2].bytes, "第一".as_bytes());
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_error_rows_never_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a.txt", "页面".as_bytes());
        let fifo = dir.path().join("b.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        assert_eq!(sources.len(), 2);
        // Opening the FIFO for reading would wait forever for a writer.
        let docs: Vec<_> = read(sources, ReadOptions::default()).collect();
        assert_eq!(docs.len(), 2);
        let (status, why) = docs[1].outcome.clone().expect("an error row");
        assert_eq!(status, Status::Error);
        assert!(why.contains("FIFO"), "{why}");
    }

    #[test]
    fn gzip_and_zstd_are_decompressed_and_broken_gzip_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all("压缩的页面".as_bytes()).expect("gz");
        let gz = gz.finish().expect("gz");
        write(dir.path(), "a.txt.gz", &gz);
        write(dir.path(), "b.txt.gz", &gz[..gz.len() / 2]);
        let zst = zstd::encode_all("另一页".as_bytes(), 3).expect("zstd");
        write(dir.path(), "c.txt.zst", &zst);
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let docs: Vec<_> = read(sources, ReadOptions::default()).collect();
        assert_eq!(docs[0].bytes, "压缩的页面".as_bytes());
        let (status, reason) = docs[1].outcome.clone().expect("broken gzip fails");
        assert_eq!(status, Status::Error);
        assert!(reason.starts_with("gzip:"), "{reason}");
        assert_eq!(docs[2].bytes, "另一页".as_bytes());
    }

    #[test]
    fn same_bytes_twice_is_a_duplicate() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a.txt", "同一页".as_bytes());
        write(dir.path(), "b.txt", "同一页".as_bytes());
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let docs: Vec<_> = read(sources, ReadOptions::default()).collect();
        assert!(docs[0].outcome.is_none());
        assert_eq!(
            docs[1].outcome.as_ref().map(|o| o.0),
            Some(Status::Duplicate)
        );
        assert_eq!(
            docs[1].duplicate_of.as_deref(),
            Some(docs[0].doc_id.as_str())
        );
        // Each input is a document of its own, keyed by source and content.
        assert_ne!(docs[0].doc_id, docs[1].doc_id);
        assert_eq!(docs[0].content_hash, docs[1].content_hash);
    }

    #[test]
    fn only_inputs_named_as_json_lines_are_checked_for_their_records() {
        for name in [
            "a.jsonl",
            "b.NDJSON",
            "c.jsonl.gz",
            "s3://x/d.ndjson.zst",
            "e.json",
            "f.json.gz",
        ] {
            assert!(may_hold_records(name), "{name}");
        }
        for name in ["a.txt", "b.json.txt", "c.gz", "jsonl", "d.jsonl.txt"] {
            assert!(!may_hold_records(name), "{name}");
        }
    }

    #[test]
    fn oversized_documents_are_errors_not_allocations() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "big.txt", &vec![b'a'; 2048]);
        let sources = discover(&[dir.path().to_path_buf()]).expect("discover");
        let options = ReadOptions {
            max_document_bytes: 1024,
            ..ReadOptions::default()
        };
        let docs: Vec<_> = read(sources, options).collect();
        assert_eq!(docs[0].outcome.as_ref().map(|o| o.0), Some(Status::Error));
    }

    #[test]
    fn fingerprints_change_when_a_file_is_rewritten_and_name_its_documents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, "{\"text\": \"一\"}\n").expect("write");
        let found = discover(std::slice::from_ref(&path)).expect("discover");
        let before = found[0].fingerprint.expect("a regular file has one");
        assert_eq!(before.len, 16);
        let now_ns = |offset: i64| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_nanos() as i64
                + offset
        };
        assert!(
            !before.settled_before(now_ns(0)),
            "just written: not settled"
        );
        assert!(before.settled_before(now_ns(3_000_000_000)));
        std::fs::write(&path, "{\"text\": \"二\"}\n").expect("rewrite");
        let after = discover(std::slice::from_ref(&path)).expect("discover")[0].fingerprint;
        assert_ne!(after, Some(before));
        let folder = discover(&[dir.path().to_path_buf()]).expect("discover");
        assert_eq!(folder[0].fingerprint, after);

        assert!(found[0].yielded(&found[0].display));
        assert!(found[0].yielded(&format!("{}#L12", found[0].display)));
        assert!(!found[0].yielded(&format!("{}#L", found[0].display)));
        assert!(!found[0].yielded(&format!("{}.gz", found[0].display)));
        assert!(!found[0].yielded("b.jsonl"));
    }
}

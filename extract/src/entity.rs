//! People, organisations and places: one pass of the lexicon per text, then rules at its hits.
//!
//! Every text of an article (title, subtitle, kicker, byline, dateline, paragraphs) is read
//! once by the [`Lexicon`]'s character trie, which reports places, organisation heads, complete
//! organisation names, titles, verbs of saying, halves of Tibetan names and stop words. The
//! rules then work only at those hits:
//!
//! - **Organisations** end in a head (有限公司, 局, 中心, 日报, 高新区) and take the words on its
//!   left up to a stop character (的, 在, 与…), a stop word (企业, 来自, 入职…), punctuation or a
//!   number. Places on the left belong to the name (湖南昭山投资控股集团有限公司); so does a
//!   parent organisation right before a department (湘潭高新区 + 产业发展局), but not before a
//!   company whose own name starts with a place (湘潭高新区 | 湖南昭山…有限公司). A head with
//!   only generic words before it (高水平本科学校, 开发公司) names a kind, not a body, and
//!   园区/高新区/政府 name nothing without a place.
//! - **People** are confirmed by context: a name right after a title (副局长唐伏莲, 厅长李永军,
//!   the reporters of a byline), a name between a boundary and a verb of saying (左莉回忆),
//!   two halves of a Tibetan name (巴桑拉姆), or two transliterated parts joined by `·`. A
//!   confirmed name is then found wherever else the page mentions it. The title, and the
//!   organisation named right before it, go to `role` and `org`.
//! - **Places** are gazetteer names outside any organisation's name, reported by their
//!   canonical name and division code.
//!
//! Within a page, an abbreviation of a company (昭山投控 for 湖南昭山投资控股集团有限公司) and
//! a bare 高新区 after one 湘潭高新区 refer to the long form, which becomes their `name`.
//! A name inside a longer name is not a second entity.

use std::collections::HashSet;

use clean::is_han;

use crate::lexicon::{is_stop_char, often_follows_name, Head, Lexicon, Word};
use crate::{Entity, EntityKind, Field};

/// A lexicon word found at `start..end` (characters).
#[derive(Clone, Copy, Debug)]
struct Hit {
    start: usize,
    end: usize,
    word: Word,
}

/// An organisation found by its head.
#[derive(Clone, Debug)]
struct Org {
    start: usize,
    end: usize,
    /// The characters of the name that are neither places nor a parent organisation.
    core: Vec<char>,
    company: bool,
}

/// One text of an article, read; a long text is read as several windows.
struct Text {
    field: Field,
    paragraph: Option<u32>,
    /// Characters before this window in its text.
    offset: usize,
    chars: Vec<char>,
    hits: Vec<Hit>,
    found: Vec<Found>,
}

#[derive(Clone, Debug)]
struct Found {
    start: usize,
    end: usize,
    kind: EntityKind,
    name: String,
    role: Option<String>,
    org: Option<String>,
    code: Option<String>,
    /// A place named by a county's short form: kept only if the page names its province.
    county_short: bool,
}

/// Whether `c` may be part of a name's given name.
fn is_name_char(c: char) -> bool {
    is_han(c) && !is_stop_char(c)
}

/// Finds the entities of every article of `page`, appending them to `out` in article order,
/// then field order (title, subtitle, kicker, byline, dateline, paragraphs), then offset.
pub(crate) fn find(
    lexicon: &Lexicon,
    tagger: Option<&crate::tagger::Model>,
    page: &clean::Page,
    out: &mut Vec<Entity>,
) {
    let mut texts: Vec<(u32, Text)> = Vec::new();
    for (a, article) in page.articles.iter().enumerate() {
        let fields = [
            (Field::Title, &article.title),
            (Field::Subtitle, &article.subtitle),
            (Field::Kicker, &article.kicker),
            (Field::Byline, &article.byline),
            (Field::Dateline, &article.dateline),
        ];
        for (field, text) in fields {
            if let Some(text) = text {
                for (offset, window) in windows(text) {
                    texts.push((a as u32, read(lexicon, field, None, offset, window)));
                }
            }
        }
        for (p, paragraph) in article.paragraphs.iter().enumerate() {
            for (offset, window) in windows(&paragraph.text) {
                let text = read(lexicon, Field::Paragraph, Some(p as u32), offset, window);
                texts.push((a as u32, text));
            }
        }
    }

    // First pass: what each text says by itself.
    let mut known: Vec<Vec<char>> = Vec::new();
    let mut abbreviations: Vec<(Vec<char>, String)> = Vec::new();
    let mut formed: Vec<String> = Vec::new();
    let mut vetoed: HashSet<String> = HashSet::new();
    // People only the tagger read, with how often: one read once is a guess, not spread.
    let mut guessed: std::collections::BTreeMap<Vec<char>, usize> = Default::default();
    for (_, text) in &mut texts {
        let orgs = organizations(lexicon, text);
        for org in &orgs {
            let name: String = text.chars[org.start..org.end].iter().collect();
            if org.company {
                for short in abbreviations_of(&org.core, &text.chars[org.start..org.end]) {
                    if !abbreviations.iter().any(|(s, _)| *s == short) {
                        abbreviations.push((short, name.clone()));
                    }
                }
            }
            if !formed.contains(&name) {
                formed.push(name.clone());
            }
            text.found.push(organization(org.start, org.end, name));
        }
        people(lexicon, text, &mut known);
        places(text);
        if let Some(tagger) = tagger {
            tagged(lexicon, tagger, text, &known, &mut guessed, &mut vetoed);
        }
    }
    // A name the tagger read twice on the page is confirmed, and so is a full name of
    // three characters or more opening with a surname; one the rules confirmed is already
    // known. A two-character name read once is a guess, which must not spread.
    known.extend(
        guessed
            .into_iter()
            .filter(|(name, n)| *n >= 2 || (name.len() >= 3 && lexicon.is_surname(name[0])))
            .map(|(name, _)| name),
    );
    // A name the tagger vetoed is not looked for again, unless another text kept it.
    if !vetoed.is_empty() {
        let kept: HashSet<&str> = texts
            .iter()
            .flat_map(|(_, t)| &t.found)
            .filter(|f| f.kind == EntityKind::Person)
            .map(|f| f.name.as_str())
            .collect();
        known.retain(|k| {
            let name: String = k.iter().collect();
            !vetoed.contains(&name) || kept.contains(name.as_str())
        });
    }

    // Provinces the page names by more than a county's short form (the first two digits of
    // a division code).
    let mut provinces: Vec<&str> = Vec::new();
    for (_, text) in &texts {
        for f in &text.found {
            if let (Some(code), false) = (&f.code, f.county_short) {
                if !provinces.contains(&&code[..2]) {
                    provinces.push(&code[..2]);
                }
            }
        }
    }
    let provinces: Vec<String> = provinces.into_iter().map(str::to_string).collect();

    // Second pass: later (and earlier) mentions of the names the first pass confirmed.
    known.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let needles = Needles::new(
        known
            .iter()
            .map(Vec::as_slice)
            .chain(abbreviations.iter().map(|(short, _)| short.as_slice())),
    );
    for (_, text) in &mut texts {
        text.found.retain(|f| {
            !f.county_short
                || f.code
                    .as_ref()
                    .is_some_and(|c| provinces.iter().any(|p| c.starts_with(p.as_str())))
        });
        mentions(text, &known, &abbreviations, &needles, &formed);
        resolve(&mut text.found);
    }

    for (article, text) in texts {
        for f in text.found {
            out.push(Entity {
                article,
                field: text.field,
                paragraph: text.paragraph,
                start: (text.offset + f.start) as u32,
                end: (text.offset + f.end) as u32,
                kind: f.kind,
                text: text.chars[f.start..f.end].iter().collect(),
                name: f.name,
                role: f.role,
                org: f.org,
                code: f.code,
            });
        }
    }
}

/// Characters in a window the rules read at once. The rules look a few characters around
/// each lexicon hit and compare hits within one text, so a text without line breaks (a
/// scraped page, a JSON Lines field) read whole would cost time quadratic in its length.
const WINDOW_CHARS: usize = 2048;

/// `text` cut into windows of at most [`WINDOW_CHARS`] characters, each with the number of
/// characters before it. A cut falls after a sentence's end where there is one in the
/// window's second half, else after any character no name holds (punctuation, a space, a
/// digit), else at the window's end: no name spans a sentence's end, so a page's entities
/// are those of its text read whole.
fn windows(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text;
    let mut offset = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        // Where to cut, in bytes, and the characters before the cut.
        let mut cut = (rest.len(), 0);
        let (mut sentence, mut other, mut n) = (None, None, 0);
        for (at, c) in rest.char_indices() {
            if n == WINDOW_CHARS {
                cut = sentence.or(other).unwrap_or((at, n));
                break;
            }
            n += 1;
            let end = (at + c.len_utf8(), n);
            if n > WINDOW_CHARS / 2 {
                if matches!(c, '。' | '！' | '？' | '；' | '\n') {
                    sentence = Some(end);
                } else if !is_han(c) && c != '·' {
                    other = Some(end);
                }
            }
            cut.1 = n;
        }
        let (window, tail) = rest.split_at(cut.0);
        let at = offset;
        offset += cut.1;
        rest = tail;
        Some((at, window))
    })
}

/// Reads `source` (characters from `offset` on in its text) and keeps the lexicon's matches.
fn read(
    lexicon: &Lexicon,
    field: Field,
    paragraph: Option<u32>,
    offset: usize,
    source: &str,
) -> Text {
    // Sized once and exactly: growing a vector of characters a push at a time costs more
    // than the count, and sizing it by bytes would reserve three times what Han text needs.
    let mut chars = Vec::with_capacity(source.chars().count());
    chars.extend(source.chars());
    let hits = lexicon
        .trie
        .find_iter(&chars)
        .map(|(start, end, word)| Hit {
            start,
            end,
            word: lexicon.words[word as usize],
        })
        .collect();
    Text {
        field,
        paragraph,
        offset,
        chars,
        hits,
        found: Vec::new(),
    }
}

/// Organisations, by extending each head to the left.
fn organizations(lexicon: &Lexicon, text: &Text) -> Vec<Org> {
    let chars = &text.chars;
    let mut orgs: Vec<Org> = Vec::new();
    for (i, hit) in text.hits.iter().enumerate() {
        let head = match hit.word {
            Word::Organization => {
                orgs.push(Org {
                    start: hit.start,
                    end: hit.end,
                    core: Vec::new(),
                    company: false,
                });
                continue;
            }
            Word::Head(head) => head,
            _ => continue,
        };
        let mut start = hit.start;
        let mut j = i;
        let mut lead = 0;
        let mut place = false;
        let mut parent = false;
        while start > 0 {
            if j > 0 && text.hits[j - 1].end == start {
                let left = text.hits[j - 1];
                match left.word {
                    Word::Place {
                        county_short: false,
                        ..
                    } => {
                        start = left.start;
                        place = true;
                        lead = start;
                        j -= 1;
                        continue;
                    }
                    // Words inside a name: 雨湖 (a county's short form is weak evidence),
                    // 洛桑, and a head that named nothing by itself (园区 in 园区管理办公室).
                    Word::Place { .. } | Word::NamePart => {
                        start = left.start;
                        j -= 1;
                        continue;
                    }
                    Word::Head(_) | Word::Organization => {
                        let last = orgs.last().filter(|o| o.end == start);
                        match last {
                            Some(last) => {
                                if !(head == Head::Company && place) {
                                    start = last.start;
                                    lead = last.end;
                                    parent = true;
                                    orgs.pop();
                                }
                                break;
                            }
                            None => {
                                start = left.start;
                                j -= 1;
                                continue;
                            }
                        }
                    }
                    Word::Title | Word::Speech | Word::Stop => break,
                }
            }
            let c = chars[start - 1];
            if !is_name_char(c) || hit.start - start >= 16 {
                break;
            }
            start -= 1;
        }
        // The words of the name after its leading places and parent organisation.
        let mut lead = lead.max(start);
        while let Some(h) = text.hits.iter().find(|h| {
            h.start == lead
                && h.end <= hit.start
                && matches!(
                    h.word,
                    Word::Place {
                        county_short: false,
                        ..
                    }
                )
        }) {
            lead = h.end;
        }
        let core = &chars[lead..hit.start];
        let head_len = hit.end - hit.start;
        let valid = match head {
            // 湘潭高新区 is one body; 湘潭产业园区 is any park in 湘潭.
            Head::NeedsPlace if matches!(chars[hit.start], '园' | '产' | '工') => {
                (place || parent) && core.len() >= 2
            }
            Head::NeedsPlace => place || parent,
            Head::Named => true,
            Head::Company | Head::Body => {
                place
                    || parent
                    || (core.len() >= 2 && !lexicon.is_generic(core))
                    || (core.len() == 1 && head_len >= 3 && matches!(core[0], '省' | '市' | '县'))
            }
        };
        if valid {
            orgs.push(Org {
                start,
                end: hit.end,
                core: core.to_vec(),
                company: head == Head::Company,
            });
        }
    }
    orgs
}

/// Short forms of a company's name: the name without its legal form (湖南昭山投资控股集团),
/// without its place (昭山投资控股集团), and the two-plus-one-plus-one abbreviation (昭山投控).
fn abbreviations_of(core: &[char], name: &[char]) -> Vec<Vec<char>> {
    let mut out = Vec::new();
    for legal in ["有限公司", "有限责任公司", "股份有限公司"] {
        let legal: Vec<char> = legal.chars().collect();
        if name.ends_with(&legal) && name.len() - legal.len() >= 4 {
            out.push(name[..name.len() - legal.len()].to_vec());
        }
    }
    if core.len() >= 2 {
        // 昭山投资控股集团: the core and the head without its legal form.
        for head in ["集团", "公司"] {
            let head: Vec<char> = head.chars().collect();
            if let Some(pos) = name.windows(2).rposition(|w| w == head.as_slice()) {
                if name[..pos].ends_with(core) {
                    let mut short = core.to_vec();
                    short.extend(&head);
                    if short.len() < name.len() {
                        out.push(short);
                    }
                }
                break;
            }
        }
    }
    if core.len() >= 4 && core.len().is_multiple_of(2) {
        let mut short = core[..2].to_vec();
        short.extend(core[2..].chunks(2).map(|c| c[0]));
        out.push(short);
    }
    out
}

/// People confirmed by a title, a verb of saying, a Tibetan name or a `·`.
fn people(lexicon: &Lexicon, text: &mut Text, known: &mut Vec<Vec<char>>) {
    let chars = &text.chars;
    let listing = matches!(text.field, Field::Byline | Field::Dateline);
    let mut found = Vec::new();
    for (i, hit) in text.hits.iter().enumerate() {
        match hit.word {
            Word::Title => {
                let (role, org) = role_before(text, i);
                let mut pos = hit.end;
                loop {
                    let spaced = chars.get(pos) == Some(&' ');
                    if spaced {
                        pos += 1;
                    }
                    let len = if listing {
                        listed_name(lexicon, chars, pos)
                    } else {
                        name_after_title(lexicon, chars, pos, known)
                    };
                    let Some(len) = len else { break };
                    if text
                        .hits
                        .iter()
                        .any(|h| h.start < pos + len && h.end > pos && h.word != Word::NamePart)
                    {
                        break;
                    }
                    found.push(person(
                        pos,
                        pos + len,
                        chars,
                        Some(role.clone()),
                        org.clone(),
                    ));
                    pos += len;
                    // A byline lists several names after one title.
                    if !(listing && chars.get(pos) == Some(&' ')) {
                        break;
                    }
                }
            }
            Word::Speech => {
                let end = hit.start;
                let mut start = end;
                while start > 0 && end - start < 4 && is_name_char(chars[start - 1]) {
                    start -= 1;
                }
                let bounded = start == 0 || !is_han(chars[start - 1]);
                let covered = text.hits.iter().any(|h| h.start < end && h.end > start);
                if bounded
                    && !covered
                    && is_full_name(lexicon, &chars[start..end])
                    && !found.iter().any(|f: &Found| f.start == start)
                {
                    found.push(person(start, end, chars, None, None));
                }
            }
            Word::NamePart => {
                let next = text.hits.get(i + 1);
                let follows = i > 0
                    && text.hits[i - 1].end == hit.start
                    && text.hits[i - 1].word == Word::NamePart;
                if let Some(next) = next.filter(|n| n.start == hit.end && n.word == Word::NamePart)
                {
                    if !follows {
                        found.push(person(hit.start, next.end, chars, None, None));
                    }
                }
            }
            _ => {}
        }
    }
    // Transliterated names: 买买提·艾力.
    for (i, &c) in chars.iter().enumerate() {
        if c != '·' {
            continue;
        }
        let mut start = i;
        while start > 0 && i - start < 6 && is_name_char(chars[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        // The right part ends where a word that follows names begins (艾力一行).
        while end < chars.len()
            && end - i <= 6
            && is_name_char(chars[end])
            && (end - i <= 2 || !often_follows_name(chars[end]))
        {
            end += 1;
        }
        if i - start >= 2
            && end - i > 2
            && !text.hits.iter().any(|h| h.start < end && h.end > start)
        {
            found.push(person(start, end, chars, None, None));
        }
    }
    for f in &found {
        let name: Vec<char> = f.name.chars().collect();
        if !known.contains(&name) {
            known.push(name);
        }
    }
    text.found.extend(found);
}

fn person(
    start: usize,
    end: usize,
    chars: &[char],
    role: Option<String>,
    org: Option<String>,
) -> Found {
    Found {
        start,
        end,
        kind: EntityKind::Person,
        name: chars[start..end].iter().collect(),
        role,
        org,
        code: None,
        county_short: false,
    }
}

fn organization(start: usize, end: usize, name: String) -> Found {
    Found {
        start,
        end,
        kind: EntityKind::Organization,
        name,
        role: None,
        org: None,
        code: None,
        county_short: false,
    }
}

/// The titles right before hit `i` (党组书记、厅长) and the organisation right before them.
fn role_before(text: &Text, i: usize) -> (String, Option<String>) {
    let mut first = i;
    while first > 0 {
        let prev = text.hits[first - 1];
        let joined = prev.word == Word::Title
            && prev.end + 1 == text.hits[first].start
            && text.chars[prev.end] == '、';
        if !joined {
            break;
        }
        first -= 1;
    }
    let role: String = text.chars[text.hits[first].start..text.hits[i].end]
        .iter()
        .collect();
    let at = text.hits[first].start;
    let org = text
        .found
        .iter()
        .find(|f| f.kind == EntityKind::Organization && f.end == at)
        .or_else(|| {
            // A byline's or dateline's paper: 湖南日报1月20日讯（全媒体记者 陈勇）.
            matches!(text.field, Field::Byline | Field::Dateline)
                .then(|| {
                    text.found
                        .iter()
                        .find(|f| f.kind == EntityKind::Organization && f.end <= at)
                })
                .flatten()
        })
        .map(|f| f.name.clone());
    (role, org)
}

/// The length of the surname at `pos`: 2 for a double surname, 1 for a single one.
fn surname_len(lexicon: &Lexicon, chars: &[char], pos: usize) -> Option<usize> {
    let first = *chars.get(pos).filter(|&&c| is_name_char(c))?;
    if let Some(&second) = chars.get(pos + 1) {
        if lexicon.is_double_surname(first, second) {
            return Some(2);
        }
    }
    lexicon.is_surname(first).then_some(1)
}

/// A name right after a title: a known name, else a surname and one or two given characters.
fn name_after_title(
    lexicon: &Lexicon,
    chars: &[char],
    pos: usize,
    known: &[Vec<char>],
) -> Option<usize> {
    let rest = chars.get(pos..)?;
    if let Some(k) = known
        .iter()
        .filter(|k| rest.starts_with(k))
        .max_by_key(|k| k.len())
    {
        return Some(k.len());
    }
    let s = surname_len(lexicon, chars, pos)?;
    let given = |i: usize| chars.get(pos + s + i).copied().filter(|&c| is_name_char(c));
    match (given(0), given(1)) {
        (None, _) => None,
        (Some(_), None) => Some(s + 1),
        (Some(_), Some(c)) if often_follows_name(c) => Some(s + 1),
        (Some(_), Some(_)) => Some(s + 2),
    }
}

/// A name in a byline's list: the run of characters up to the next space or bracket.
fn listed_name(lexicon: &Lexicon, chars: &[char], pos: usize) -> Option<usize> {
    let mut end = pos;
    while end < chars.len() && is_han(chars[end]) {
        end += 1;
    }
    let len = end - pos;
    ((2..=4).contains(&len) && surname_len(lexicon, chars, pos).is_some()).then_some(len)
}

/// Whether `run`, bounded on both sides, reads as a whole name.
fn is_full_name(lexicon: &Lexicon, run: &[char]) -> bool {
    match run.len() {
        2 | 3 => {
            lexicon.is_surname(run[0])
                || (run.len() == 3 && lexicon.is_double_surname(run[0], run[1]))
        }
        4 => lexicon.is_double_surname(run[0], run[1]),
        _ => false,
    }
}

/// Merges the character tagger's names with the rules' finds. The tagger has the last
/// word on where a name is and what kind it is; the rules supply what the tagger cannot
/// say (a person's role and organisation, a place's canonical name and division code) and
/// keep the finds they are sure of:
/// - a person the rules confirmed by a title (with its role), or a transliterated name
///   with `·`, stays, and a tagger name across it gives way;
/// - a rule's find with the same span and kind as a tagger name stays, with its fields;
/// - any other rule's find that a tagger name overlaps gives way to it, and so does a
///   gazetteer place the tagger does not read as a name at all; a person the rules
///   confirmed by context alone (a verb of saying) stays only where the tagger reads a
///   person too (有人表示 and 应当指出 are not names), and its text is vetoed for the page;
/// - a tagger person read twice on the page becomes a confirmed name, found again at its
///   other mentions (one read once is a guess, and a false name must not spread), unless it
///   is a common word.
fn tagged(
    lexicon: &Lexicon,
    tagger: &crate::tagger::Model,
    text: &mut Text,
    known: &[Vec<char>],
    guessed: &mut std::collections::BTreeMap<Vec<char>, usize>,
    vetoed: &mut HashSet<String>,
) {
    let words = text.hits.iter().map(|h| (h.start, h.end, h.word));
    let mut spans = tagger.tag_with_words(&text.chars, words);
    // A name does not begin or end with a book-title mark or a quote (《卫报》 → 卫报), and
    // one with such a mark inside (哥伦比亚”号) is a title or a craft, not a name.
    let quote = |c: char| "《》〈〉“”‘’\"'「」『』".contains(c);
    // Nor with a stop or a comma (！欧盟委员会 → 欧盟委员会).
    let edge = |c: char| quote(c) || "，。！？；：、,.!?;:".contains(c);
    // A bracket at an edge whose other half is not inside (邹淼） → 邹淼) goes too.
    let open = |c: char| matches!(c, '（' | '(');
    let close = |c: char| matches!(c, '）' | ')');
    for span in spans.iter_mut() {
        // Looked at once: trimming takes only unmatched brackets, so neither answer changes
        // (and a long span is scanned once, not once a character trimmed).
        let inside = &text.chars[span.0..span.1];
        let has_open = inside.iter().any(|&c| open(c));
        let has_close = inside.iter().any(|&c| close(c));
        while span.0 < span.1
            && (edge(text.chars[span.0]) || (open(text.chars[span.0]) && !has_close))
        {
            span.0 += 1;
        }
        while span.1 > span.0
            && (edge(text.chars[span.1 - 1]) || (close(text.chars[span.1 - 1]) && !has_open))
        {
            span.1 -= 1;
        }
    }
    spans.retain(|&(start, end, _)| {
        start < end && !text.chars[start..end].iter().any(|&c| quote(c))
    });
    // A name does not end on the first character of the day after it (市长龚正昨日: 龚正).
    for span in spans.iter_mut().filter(|s| s.2 == EntityKind::Person) {
        if span.1 - span.0 >= 3 && day_word_at(&text.chars, span.1 - 1) {
            span.1 -= 1;
        }
    }
    // An organisation ends before a title that begins inside it and runs on past it
    // (省教育厅党组书记: the body is 省教育厅, 党组书记 the role).
    for span in spans.iter_mut().filter(|s| s.2 == EntityKind::Organization) {
        let title = text.hits.iter().find(|h| {
            matches!(h.word, Word::Title) && h.start > span.0 && h.start < span.1 && h.end > span.1
        });
        // (Only where what is left ends with a body's head: 厅, 局, 委员会.)
        let body = |at: usize| {
            text.hits
                .iter()
                .any(|h| h.end == at && h.start >= span.0 && matches!(h.word, Word::Head(_)))
        };
        if let Some(h) = title.filter(|h| body(h.start)) {
            span.1 = h.start;
        }
    }
    // A wire dateline read whole as one body (法新社马尼拉二日电) is the agency, then the
    // place it filed from.
    let mut filed_from = Vec::new();
    for span in spans.iter_mut().filter(|s| s.2 == EntityKind::Organization) {
        if text.chars[span.1 - 1] != '电' {
            continue;
        }
        let agency = text
            .hits
            .iter()
            .find(|h| h.start == span.0 && h.end < span.1 && matches!(h.word, Word::Organization));
        let place = agency.and_then(|a| {
            text.hits
                .iter()
                .find(|h| h.start == a.end && matches!(h.word, Word::Place { .. }))
        });
        if let (Some(agency), Some(place)) = (agency, place) {
            filed_from.push((place.start, place.end, EntityKind::Place));
            span.1 = agency.end;
        }
    }
    spans.extend(filed_from);
    spans.sort_unstable();
    // Spans that are no names whatever the tagger says: one character other than a place's
    // short form with a full name (中, 美, 京), a common word read as a person, a person
    // that neither begins with a surname nor is transliterated, a kind of body read as one.
    spans.retain(|&(start, end, kind)| {
        let chars = &text.chars[start..end];
        let single = end - start < 2
            && (kind != EntityKind::Place || lexicon.short_place(chars[0]).is_none());
        let person = kind == EntityKind::Person;
        let common = person && is_common_word(lexicon, text, start, end);
        let unnamed = person && !is_person_shaped(lexicon, chars);
        let generic = kind == EntityKind::Organization && names_a_kind(lexicon, text, start, end);
        !(single || common || unnamed || generic)
    });
    let sure =
        |f: &Found| f.kind == EntityKind::Person && (f.role.is_some() || f.name.contains('·'));
    // A person the rules are sure of takes the tagger's bounds where the tagger reads a
    // person there (记者薛原报道: 薛原, not 薛原报), and keeps its role.
    for f in text.found.iter_mut().filter(|f| sure(f)) {
        let tagged = spans
            .iter()
            .find(|&&(s, e, k)| k == EntityKind::Person && s < f.end && e > f.start);
        if let Some(&(start, end, _)) = tagged {
            if (start, end) != (f.start, f.end) {
                f.start = start;
                f.end = end;
                f.name = text.chars[start..end].iter().collect();
            }
        }
    }
    let same = |f: &Found, &(s, e, k): &(usize, usize, EntityKind)| {
        f.start == s && f.end == e && f.kind == k
    };
    let overlaps = |f: &Found, &(s, e, _): &(usize, usize, EntityKind)| f.start < e && f.end > s;
    let anchored: Vec<bool> = text
        .found
        .iter()
        .map(|f| f.kind == EntityKind::Organization && is_anchored_org(&text.chars, &text.hits, f))
        .collect();
    let mut anchored_orgs = anchored.into_iter();
    text.found.retain(|f| {
        // A gazetteer place the tagger does not read as a name is a word's part or a
        // name's (四川 of 四川队); an organisation or person it did not read stays.
        // An organisation the rules built from a head (…银行, …大学) stays where the tagger
        // did not read it, or read it otherwise, only when it is anchored: listed by name,
        // or opening with a place or a level of government (省教育厅, 湘潭高新区); else it is
        // most often a phrase ending in a head (跑一趟银行, 儿子先后考上大学).
        let anchored = anchored_orgs.next().unwrap_or(false);
        let alone = (f.kind == EntityKind::Person || anchored)
            && !spans.iter().any(|span| overlaps(f, span));
        // An anchored organisation that holds every tagger span it overlaps is the name the
        // tagger cut short (长沙市轨道交通集团, not 道交通集团).
        let whole = anchored
            && spans
                .iter()
                .filter(|span| overlaps(f, span))
                .all(|&(s, e, k)| {
                    f.start <= s
                        && e <= f.end
                        && (k == EntityKind::Organization
                            || (k == EntityKind::Place && s == f.start))
                });
        let alone = alone || whole;
        let keep = sure(f) || alone || spans.iter().any(|span| same(f, span));
        // A person by context alone needs the tagger's agreement.
        let keep = keep
            && (f.kind != EntityKind::Person
                || sure(f)
                || spans
                    .iter()
                    .any(|&(s, e, k)| k == EntityKind::Person && s < f.end && e > f.start));
        if !keep && f.kind == EntityKind::Person {
            vetoed.insert(f.name.clone());
        }
        keep
    });
    for span @ (start, end, kind) in spans {
        if text.found.iter().any(|f| overlaps(f, &span)) {
            continue;
        }
        let name: String = text.chars[start..end].iter().collect();
        let found = match kind {
            EntityKind::Person => {
                let chars = text.chars[start..end].to_vec();
                if !known.contains(&chars) {
                    *guessed.entry(chars).or_default() += 1;
                }
                person(start, end, &text.chars, None, None)
            }
            EntityKind::Organization => organization(start, end, name),
            EntityKind::Place => place_named(lexicon, text, start, end, name),
        };
        text.found.push(found);
    }
}

/// Whether a word for a day (昨日, 今天, 前日) begins at `at`: what a name right before it
/// (市长龚正昨日) must not take in.
fn day_word_at(chars: &[char], at: usize) -> bool {
    matches!(
        (chars.get(at), chars.get(at + 1)),
        (Some('昨' | '今' | '前'), Some('日' | '天'))
    )
}

/// A place the tagger read: the gazetteer's canonical name and code where the span is a
/// gazetteer place, else its text as its name.
fn place_named(lexicon: &Lexicon, text: &Text, start: usize, end: usize, name: String) -> Found {
    let hit = text.hits.iter().find(|h| h.start == start && h.end == end);
    // A one-character short form by the full name it stands for (中 → 中国).
    let short = (end - start == 1)
        .then(|| lexicon.short_place(text.chars[start]))
        .flatten();
    let (name, code) = match hit.map(|h| h.word) {
        _ if short.is_some() => (short.unwrap_or_default().to_string(), None),
        Some(Word::Place {
            canonical, code, ..
        }) => (
            canonical.to_string(),
            (!code.is_empty()).then(|| code.to_string()),
        ),
        _ => (name, None),
    };
    Found {
        start,
        end,
        kind: EntityKind::Place,
        name,
        role: None,
        org: None,
        code,
        county_short: false,
    }
}

/// Whether the person the tagger read at `start..end` is a common word (有人, 干部, 祝福):
/// a stop word of the lexicon, a word of a title or verb of saying, or a word never a
/// person in the MSRA training text.
fn is_common_word(lexicon: &Lexicon, text: &Text, start: usize, end: usize) -> bool {
    let word: String = text.chars[start..end].iter().collect();
    lexicon.is_not_person(&word)
        || text.hits.iter().any(|h| {
            h.start == start
                && h.end == end
                && matches!(h.word, Word::Stop | Word::Title | Word::Speech)
        })
}

/// Whether the rules' organisation `f` is anchored: listed by name, or opening with a
/// place of the gazetteer or a level of government (省, 市, 县, 区, 中央, 国家, 全国).
fn is_anchored_org(chars: &[char], hits: &[Hit], f: &Found) -> bool {
    let listed =
        |h: &Hit| h.start == f.start && h.end == f.end && matches!(h.word, Word::Organization);
    let place_first =
        |h: &Hit| h.start == f.start && h.end < f.end && matches!(h.word, Word::Place { .. });
    let level = ["省", "市", "县", "区", "中央", "国家", "全国"]
        .iter()
        .any(|p| {
            let p: Vec<char> = p.chars().collect();
            chars[f.start..f.end].starts_with(&p)
        });
    level || hits.iter().any(|h| listed(h) || place_first(h))
}

/// Whether `name` has a person's shape: a surname first (or a double surname), a middle
/// dot (艾哈迈德·阿里), or every character one of transliterated names (克林顿).
fn is_person_shaped(lexicon: &Lexicon, name: &[char]) -> bool {
    let surname = lexicon.is_surname(name[0])
        || (name.len() > 2 && lexicon.is_double_surname(name[0], name[1]));
    surname || name.contains(&'·') || lexicon.is_transliterated(name)
}

/// Whether the organisation the tagger read at `start..end` is a kind of body rather than
/// one (管委会, 开发公司): a head alone, or a head after generic words only, as the rules
/// judge it.
fn names_a_kind(lexicon: &Lexicon, text: &Text, start: usize, end: usize) -> bool {
    let head = text
        .hits
        .iter()
        .find(|h| h.end == end && h.start >= start && matches!(h.word, Word::Head(_)));
    match head {
        Some(h) if h.start == start => true,
        Some(h) => lexicon.is_generic(&text.chars[start..h.start]),
        None => false,
    }
}

/// Places outside every organisation's and person's name.
fn places(text: &mut Text) {
    for hit in &text.hits {
        let Word::Place {
            canonical,
            code,
            county_short,
        } = hit.word
        else {
            continue;
        };
        let inside = text
            .found
            .iter()
            .any(|f| f.start < hit.end && f.end > hit.start);
        if !inside {
            text.found.push(Found {
                start: hit.start,
                end: hit.end,
                kind: EntityKind::Place,
                name: canonical.to_string(),
                role: None,
                org: None,
                code: (!code.is_empty()).then(|| code.to_string()),
                county_short,
            });
        }
    }
}

/// Mentions of confirmed names, company abbreviations, and bare development-zone heads.
fn mentions(
    text: &mut Text,
    known: &[Vec<char>],
    abbreviations: &[(Vec<char>, String)],
    needles: &Needles,
    formed: &[String],
) {
    let chars = &text.chars;
    // Places give way: a name found again outranks a place read inside it (昭山 in 昭山投控).
    let free = |found: &[Found], start: usize, end: usize| {
        !found
            .iter()
            .any(|f| f.start < end && f.end > start && f.kind != EntityKind::Place)
    };
    let mut add = Vec::new();
    // Where each name and abbreviation occurs, found in one scan and taken in the order of
    // the lists: names (longest first), then abbreviations.
    let mut occurrences = needles.occurrences(chars);
    occurrences.sort_unstable();
    for (needle, start) in occurrences {
        if needle < known.len() {
            let end = start + known[needle].len();
            if free(&text.found, start, end) && free(&add, start, end) {
                add.push(person(start, end, chars, None, None));
            }
        } else {
            let (short, long) = &abbreviations[needle - known.len()];
            let end = start + short.len();
            if free(&text.found, start, end) && free(&add, start, end) {
                add.push(organization(start, end, long.clone()));
            }
        }
    }
    for hit in &text.hits {
        let Word::Head(Head::NeedsPlace) = hit.word else {
            continue;
        };
        let head: String = chars[hit.start..hit.end].iter().collect();
        if !matches!(head.as_str(), "高新区" | "经开区" | "开发区") {
            continue;
        }
        let bare = hit.start == 0 || !is_name_char(chars[hit.start - 1]);
        let mut same = formed.iter().filter(|f| f.ends_with(&head));
        if let (true, Some(long), None) = (bare, same.next(), same.next()) {
            if free(&text.found, hit.start, hit.end) {
                add.push(organization(hit.start, hit.end, long.clone()));
            }
        }
    }
    text.found
        .retain(|f| f.kind != EntityKind::Place || free(&add, f.start, f.end));
    text.found.extend(add);
}

/// A page's names to look for in each of its texts, found in one scan of the characters:
/// a 65,536-bit filter on the first character lets almost every position go at one bit
/// test, and only positions whose character starts a needle compare needles.
struct Needles<'a> {
    filter: Vec<u64>,
    /// (first character, needle number, needle), sorted by first character.
    by_first: Vec<(char, usize, &'a [char])>,
}

impl<'a> Needles<'a> {
    fn new(needles: impl IntoIterator<Item = &'a [char]>) -> Self {
        let mut filter = vec![0u64; 1 << 10];
        let mut by_first = Vec::new();
        for (n, needle) in needles.into_iter().enumerate() {
            if let Some(&first) = needle.first() {
                let bit = first as usize & 0xFFFF;
                filter[bit >> 6] |= 1 << (bit & 63);
                by_first.push((first, n, needle));
            }
        }
        by_first.sort_unstable_by_key(|&(first, n, _)| (first, n));
        Needles { filter, by_first }
    }

    /// (needle number, start) of every occurrence, overlapping ones included.
    fn occurrences(&self, hay: &[char]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        if self.by_first.is_empty() {
            return found;
        }
        for (i, &c) in hay.iter().enumerate() {
            let bit = c as usize & 0xFFFF;
            if self.filter[bit >> 6] & (1 << (bit & 63)) == 0 {
                continue;
            }
            let from = self.by_first.partition_point(|&(first, _, _)| first < c);
            for &(first, n, needle) in &self.by_first[from..] {
                if first != c {
                    break;
                }
                if hay[i..].starts_with(needle) {
                    found.push((n, i));
                }
            }
        }
        found
    }
}

/// Orders by offset; of overlapping names, the longer (then the earlier) stays.
fn resolve(found: &mut Vec<Found>) {
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found.drain(..) {
        match kept.last() {
            Some(last) if last.end > f.start => {
                if f.end - f.start > last.end - last.start {
                    kept.pop();
                    kept.push(f);
                }
            }
            _ => kept.push(f),
        }
    }
    *found = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article of these body paragraphs.
    fn article(paragraphs: &[&str]) -> clean::Article {
        clean::Article {
            paragraphs: paragraphs
                .iter()
                .map(|t| clean::Paragraph {
                    kind: clean::ParagraphKind::Body,
                    text: t.to_string(),
                    truncated: false,
                })
                .collect(),
            ..Default::default()
        }
    }

    /// The entities of one article with these paragraphs: (kind, text, name).
    fn found(paragraphs: &[&str]) -> Vec<(&'static str, String, String)> {
        found_in(article(paragraphs))
            .into_iter()
            .map(|e| (e.kind.as_str(), e.text, e.name))
            .collect()
    }

    fn found_in(article: clean::Article) -> Vec<Entity> {
        let page = clean::Page {
            articles: vec![article],
            ..Default::default()
        };
        let mut out = Vec::new();
        find(Lexicon::get(), None, &page, &mut out);
        out
    }

    fn names(found: &[(&'static str, String, String)], kind: &str) -> Vec<String> {
        found
            .iter()
            .filter(|f| f.0 == kind)
            .map(|f| f.2.clone())
            .collect()
    }

    #[test]
    fn a_title_confirms_the_name_after_it_with_its_role_and_organisation() {
        let out = found_in(article(&[
            "省民政厅党组书记、厅长李永军表示，将加强供需对接。",
        ]));
        let person = out
            .iter()
            .find(|e| e.kind == EntityKind::Person)
            .expect("a person");
        assert_eq!(person.name, "李永军");
        assert_eq!(person.role.as_deref(), Some("党组书记、厅长"));
        assert_eq!(person.org.as_deref(), Some("省民政厅"));
        assert_eq!((person.start, person.end), (11, 14), "character offsets");
    }

    #[test]
    fn a_given_name_is_one_character_when_the_next_begins_a_word() {
        let f = found(&["工作人员王利热忱为企业提供服务。"]);
        assert_eq!(names(&f, "person"), ["王利"]);
        let f = found(&["副局长唐伏莲带着一本手册。"]);
        assert_eq!(names(&f, "person"), ["唐伏莲"]);
    }

    #[test]
    fn a_verb_of_saying_confirms_a_bounded_name_and_later_mentions_follow() {
        let f = found(&["左莉曾担任主任。", "“精力分散。”左莉回忆。"]);
        assert_eq!(names(&f, "person"), ["左莉", "左莉"]);
        // Words before a verb of saying are not names: 会议, 公司, 他.
        let f = found(&["会议强调，要加强党建引领。", "公司表示同意。", "他说好。"]);
        assert!(names(&f, "person").is_empty(), "{f:?}");
    }

    #[test]
    fn non_han_names_by_their_parts_or_a_middle_dot() {
        let f = found(&["来自西藏山南的洛桑群培，作为代表发言。"]);
        assert!(
            names(&f, "person").contains(&"洛桑群培".to_string()),
            "{f:?}"
        );
        let f = found(&["会见了买买提·艾力一行。"]);
        assert_eq!(names(&f, "person"), ["买买提·艾力"]);
    }

    #[test]
    fn a_titled_word_that_is_no_name_is_not_a_person() {
        let f = found(&["记者从会上了解到，去年开发了岗位。"]);
        assert!(names(&f, "person").is_empty(), "{f:?}");
    }

    #[test]
    fn byline_and_dateline_list_their_reporters() {
        let out = found_in(clean::Article {
            byline: Some("湖南日报全媒体记者 颜石敦 蒋睿 彭婷".to_string()),
            dateline: Some("湖南日报1月20日讯（全媒体记者 陈勇 见习记者 张燶文）".to_string()),
            ..Default::default()
        });
        let people: Vec<(&str, &str, Field)> = out
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| (e.name.as_str(), e.role.as_deref().unwrap_or(""), e.field))
            .collect();
        assert_eq!(
            people,
            [
                ("颜石敦", "全媒体记者", Field::Byline),
                ("蒋睿", "全媒体记者", Field::Byline),
                ("彭婷", "全媒体记者", Field::Byline),
                ("陈勇", "全媒体记者", Field::Dateline),
                ("张燶文", "见习记者", Field::Dateline),
            ]
        );
        assert!(out
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .all(|e| e.org.as_deref() == Some("湖南日报") && e.paragraph.is_none()));
    }

    #[test]
    fn organisations_take_their_place_and_parent_but_stop_at_verbs_and_nouns() {
        let f = found(&["湘潭高新区产业发展局副局长又一次走进园区企业金杯电工电磁线有限公司。"]);
        assert_eq!(
            names(&f, "organization"),
            ["湘潭高新区产业发展局", "金杯电工电磁线有限公司"]
        );
        let f = found(&["即将入职怀化市芷江侗族自治县产业发展服务中心。"]);
        assert_eq!(
            names(&f, "organization"),
            ["怀化市芷江侗族自治县产业发展服务中心"]
        );
        assert!(
            names(&f, "place").is_empty(),
            "places inside a name are not mentions"
        );
    }

    #[test]
    fn a_company_named_after_a_place_does_not_take_the_zone_before_it() {
        let f = found(&["湘潭高新区湖南昭山投资控股集团有限公司也启动中层竞聘。"]);
        assert_eq!(
            names(&f, "organization"),
            ["湘潭高新区", "湖南昭山投资控股集团有限公司"]
        );
        let f = found(&["湘潭经开区新发展集团有限公司完成竞聘。"]);
        assert_eq!(names(&f, "organization"), ["湘潭经开区新发展集团有限公司"]);
    }

    #[test]
    fn kinds_of_organisation_are_not_organisations() {
        let f = found(&[
            "支持高水平本科学校参与改革，取消管委会、建立开发公司。",
            "省一级园区并入国家级园区。湘潭产业园区抓牢三个环节。",
            "楼宇商圈、医院学校等配送场景。",
        ]);
        assert!(names(&f, "organization").is_empty(), "{f:?}");
    }

    #[test]
    fn short_forms_refer_to_the_long_form_on_the_page() {
        let f = found(&[
            "通过整合昭山投控健康医疗产业资源。",
            "湖南昭山投资控股集团有限公司启动竞聘。",
        ]);
        let orgs: Vec<(String, String)> = f
            .iter()
            .filter(|e| e.0 == "organization")
            .map(|e| (e.1.clone(), e.2.clone()))
            .collect();
        assert_eq!(
            orgs[0],
            ("昭山投控".into(), "湖南昭山投资控股集团有限公司".into())
        );
        assert!(
            names(&f, "place").is_empty(),
            "昭山 is not a place here: {f:?}"
        );
        let f = found(&["以湘潭高新区为例。", "高新区设立驿站。"]);
        assert_eq!(names(&f, "organization"), ["湘潭高新区", "湘潭高新区"]);
    }

    #[test]
    fn places_by_full_name_with_their_division_code() {
        let out = found_in(article(&[
            "组织长沙、常德等地学校帮扶湘西、张家界，湘潭市召开大会。",
        ]));
        let places: Vec<(&str, Option<&str>)> = out
            .iter()
            .map(|e| (e.name.as_str(), e.code.as_deref()))
            .collect();
        assert_eq!(
            places,
            [
                ("长沙市", Some("430100")),
                ("常德市", Some("430700")),
                ("湘西土家族苗族自治州", Some("433100")),
                ("张家界市", Some("430800")),
                ("湘潭市", Some("430300")),
            ]
        );
    }

    #[test]
    fn windows_cover_the_text_and_cut_after_sentences() {
        let sentence = "省民政厅党组书记、厅长李永军表示，将加强供需对接。";
        let text = sentence.repeat(400);
        let pieces: Vec<(usize, &str)> = windows(&text).collect();
        assert!(pieces.len() > 1);
        assert_eq!(pieces.iter().map(|p| p.1).collect::<String>(), text);
        let mut at = 0;
        for (offset, piece) in &pieces {
            assert_eq!(*offset, at);
            assert!(piece.chars().count() <= WINDOW_CHARS);
            at += piece.chars().count();
        }
        assert!(pieces[..pieces.len() - 1]
            .iter()
            .all(|p| p.1.ends_with('。')));
        // No punctuation at all: still bounded windows, cut at the window's end.
        let names = "张".repeat(5000);
        assert!(windows(&names).all(|p| p.1.chars().count() <= WINDOW_CHARS));
        assert_eq!(windows("").count(), 0);
    }

    #[test]
    fn a_text_without_line_breaks_gives_what_its_sentences_give() {
        let sentence = "省民政厅党组书记、厅长李永军表示，将加强供需对接。";
        let one = found_in(article(&[sentence]));
        let n = 300;
        let long = found_in(article(&[&sentence.repeat(n)]));
        let len = sentence.chars().count() as u32;
        assert_eq!(long.len(), one.len() * n);
        for (k, e) in long.iter().enumerate() {
            let first = &one[k % one.len()];
            let shift = (k / one.len()) as u32 * len;
            assert_eq!((e.kind, &e.name), (first.kind, &first.name));
            assert_eq!((e.start, e.end), (first.start + shift, first.end + shift));
        }
    }

    #[test]
    fn a_county_short_form_needs_its_province_on_the_page() {
        // 新平 and 爱民 are short forms of counties in Yunnan and Heilongjiang.
        let f = found(&["共建技术创新平台482个。", "崇德精技、为民爱民。"]);
        assert!(names(&f, "place").is_empty(), "{f:?}");
        let f = found(&["湖南省湘潭市雨湖在行动。"]);
        assert_eq!(names(&f, "place"), ["湖南省", "湘潭市", "雨湖区"]);
    }
}

#[cfg(test)]
mod tagged_tests {
    use super::*;

    /// (kind, text, name, role) of the entities of one paragraph, rules and tagger merged.
    fn tagged(paragraph: &str) -> Vec<(&'static str, String, String, Option<String>)> {
        let page = clean::Page {
            articles: vec![clean::Article {
                paragraphs: vec![clean::Paragraph {
                    kind: clean::ParagraphKind::Body,
                    text: paragraph.to_string(),
                    truncated: false,
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut out = Vec::new();
        find(
            Lexicon::get(),
            Some(crate::tagger::Model::embedded()),
            &page,
            &mut out,
        );
        out.into_iter()
            .map(|e| (e.kind.as_str(), e.text, e.name, e.role))
            .collect()
    }

    fn people<'a>(found: &'a [(&'static str, String, String, Option<String>)]) -> Vec<&'a str> {
        found
            .iter()
            .filter(|f| f.0 == "person")
            .map(|f| f.1.as_str())
            .collect()
    }

    #[test]
    fn names_without_a_title_are_found() {
        let rows = [
            (
                "江泽民会见了来访的南非总统曼德拉。",
                vec!["江泽民", "曼德拉"],
            ),
            ("钱其琛指出，两国关系保持了良好的发展势头。", vec!["钱其琛"]),
            ("约翰·肯尼迪是美国第三十五任总统。", vec!["约翰·肯尼迪"]),
        ];
        for (text, expected) in rows {
            assert_eq!(people(&tagged(text)), expected, "{text}");
        }
        let found = tagged("江泽民会见了来访的南非总统曼德拉。");
        assert!(found.contains(&("place", "南非".into(), "南非".into(), None)));
    }

    #[test]
    fn a_titled_person_keeps_its_role_within_the_taggers_bounds_and_is_found_again() {
        let found = tagged("记者薛原报道：国家女子曲棍球队昨天抵达北京。");
        assert_eq!(
            found[0],
            ("person", "薛原".into(), "薛原".into(), Some("记者".into())),
            "not 薛原报: {found:?}"
        );
        let found = tagged("（法新社马尼拉二日电）菲律宾政府今天宣布，将提高泰晤士报的进口关税。");
        let kinds: Vec<(&str, &str)> = found.iter().map(|f| (f.0, f.1.as_str())).collect();
        for want in [
            ("organization", "法新社"),
            ("place", "马尼拉"),
            ("organization", "泰晤士报"),
        ] {
            assert!(kinds.contains(&want), "{want:?} in {kinds:?}");
        }
        let found =
            tagged("外交部发言人朱邦造今天表示，发言人宣布江主席访美日期。（邹淼）发言人强调。");
        let named: Vec<_> = found.iter().filter(|f| f.0 == "person").collect();
        assert!(
            named
                .iter()
                .any(|f| f.1 == "朱邦造" && f.3.as_deref() == Some("发言人")),
            "{found:?}"
        );
        assert!(
            named.iter().all(|f| f.1 != "宣布江" && !f.1.contains('）')),
            "{found:?}"
        );
        let found = tagged("上海市市长龚正昨日在浦东会见了客人。");
        assert_eq!(people(&found), ["龚正"], "not 龚正昨: {found:?}");
        let found =
            tagged("国务院总理李鹏今天在人民大会堂会见了德国客人。李鹏说，中德合作前景广阔。");
        let li: Vec<_> = found.iter().filter(|f| f.1 == "李鹏").collect();
        assert_eq!(li.len(), 2, "{found:?}");
        assert_eq!(li[0].3.as_deref(), Some("总理"));
    }

    #[test]
    fn places_inside_organisation_names_are_not_places() {
        let found = tagged("北京大学和上海市第一人民医院签署了合作协议。");
        let kinds: Vec<(&str, &str)> = found.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("organization", "北京大学"),
                ("organization", "上海市第一人民医院")
            ]
        );
        // A place the gazetteer knows keeps its canonical name.
        let found = tagged("记者薛原报道：国家女子曲棍球队昨天抵达北京。");
        assert!(found.contains(&("place", "北京".into(), "北京市".into(), None)));
    }

    #[test]
    fn common_words_and_bare_surnames_are_not_people() {
        assert_eq!(
            people(&tagged("有人表示，应当连连加强干部的通报工作。")),
            Vec::<&str>::new()
        );
        let found = tagged("王先生和老李在家门口聊天，张说他不去了。");
        assert!(
            people(&found).iter().all(|p| p.chars().count() >= 2),
            "{found:?}"
        );
    }

    /// One sentence a row: names the default extractor must find (kind, name), and texts it
    /// must not find as a name of that kind. The precision fixes of real web and newspaper
    /// text, each pinned.
    /// A case: its text, the (kind, name) found, the (kind, name) not found.
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static [(&'static str, &'static str)],
    );
    const PRECISION_TABLE: &[Case] = &[
        // Common words are never people.
        (
            "新年的钟声即将敲响，我们向大家致以新年的祝福，谢谢大家。",
            &[],
            &[("person", "祝福"), ("person", "谢谢")],
        ),
        ("全体新党员面向党旗庄严宣誓。", &[], &[("person", "宣誓")]),
        (
            "有人表示，应当加强对干部的管理。",
            &[],
            &[("person", "有人"), ("person", "干部"), ("person", "管理")],
        ),
        // A one-character place by the full name it stands for, or not at all.
        (
            "中美两国元首举行会谈。",
            &[("place", "中国"), ("place", "美国")],
            &[("place", "中"), ("place", "美")],
        ),
        ("代表团今天抵京访问。", &[], &[("place", "京")]),
        (
            "中澳两国签署协议。",
            &[("place", "中国")],
            &[("place", "澳")],
        ),
        // An organisation the rules built from a head, with nothing to anchor it, is none.
        (
            "他有时连大学都不想去，还引起医院的不满。",
            &[],
            &[("organization", "有时连大学"), ("organization", "引起医院")],
        ),
        // No book-title marks or quotes in a name.
        (
            "据英国《卫报》报道，美国“哥伦比亚”号航天飞机失事。",
            &[],
            &[
                ("organization", "《卫报》"),
                ("organization", "哥伦比亚”号"),
                ("organization", "美国“哥伦比亚”号航天飞机"),
            ],
        ),
        // A body's name stops where its role's title begins.
        (
            "省教育厅党组书记、厅长李永军出席会议。",
            &[("organization", "省教育厅")],
            &[("organization", "省教育厅党组")],
        ),
        // Anchored organisations keep their full name.
        (
            "长沙市轨道交通集团发布消息。",
            &[("organization", "长沙市轨道交通集团")],
            &[("organization", "道交通集团")],
        ),
    ];

    #[test]
    fn the_precision_table_holds_with_the_tagger() {
        for (sentence, wanted, unwanted) in PRECISION_TABLE {
            let found = tagged(sentence);
            let has = |kind: &str, name: &str| {
                found
                    .iter()
                    .any(|(k, n, t, _)| *k == kind && (n == name || t == name))
            };
            for (kind, name) in *wanted {
                assert!(has(kind, name), "{sentence}: no {kind} {name} in {found:?}");
            }
            // (By name: 中 is the text of the place named 中国.)
            for (kind, name) in *unwanted {
                let named = found.iter().any(|(k, _, n, _)| k == kind && n == name);
                assert!(!named, "{sentence}: {kind} {name} in {found:?}");
            }
        }
    }
}

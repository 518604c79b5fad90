//! From lines to blocks: classifying each printed line and reflowing column wraps.
//!
//! Words used here:
//! - A *gap* is the number of blank lines before a line. OCR output often puts a blank line
//!   after every line, so a page's ordinary gap is learned (the most common one) and only a
//!   gap wider than that is a *hard break*.
//! - A *column wrap* is a line break the printed column forced in the middle of a sentence.
//!   The page's column width is learned from its own lines (the most common display width of
//!   lines that stop mid-sentence), never assumed. Where blank lines do not set paragraphs
//!   apart, a finished sentence at the column's edge ends its paragraph or not by the page's
//!   own odds (see `sentences_at_edge_end_paragraphs`).
//! - A *heading* is a short line that closes no sentence, carries no clause punctuation and
//!   balances its quotes; where such a line could also be the first line of a wrapped
//!   paragraph (it is as wide as the column and the next line continues the column), it is
//!   read as a wrap.
//! - A *credit* (`通讯员 摄`, `新华社发`, `资料图片`) and the *caption* lines it belongs to
//!   are taken out; so is a lone caption set apart by a wide gap. When a caption had cut a
//!   sentence, the two halves are joined again.

use crate::byline::{end_credit, parse_byline, split_dateline};
use crate::chars::{
    display_width, ends_sentence, is_balanced, is_balanced_with_corner_quotes, is_closer, is_han,
    is_terminal,
};
use crate::normalize::INDENT;

/// What a block of the page is, before articles are assembled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Heading,
    Subtitle,
    Byline,
    Paragraph,
}

/// A reflowed unit of the page: a heading line, a byline, or a paragraph of joined lines.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    pub kind: BlockKind,
    pub text: String,
    /// 1-based line number of the block's first line in the normalised page.
    pub line: usize,
    /// Byte offsets in `text` where reflow joined a line to the paragraph.
    pub joins: Vec<usize>,
    /// Blank lines before the block (the widest, where a caption was taken out before it).
    pub gap: usize,
}

/// A passage taken out while laying the page out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cut {
    pub kind: CutKind,
    pub text: String,
    pub reason: &'static str,
    pub method: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CutKind {
    Caption,
    Credit,
}

struct Line<'a> {
    text: &'a str,
    line_no: usize,
    gap: usize,
    /// Display width, the indent included.
    width: usize,
    /// Whether the page indented the line (`　　`): how papers open a paragraph.
    indented: bool,
    terminated: bool,
    heading_shape: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Body,
    Heading,
    Subtitle,
    Byline,
    Caption,
    Credit,
}

/// Lays a normalised page out into blocks, returning the captions and credits it removed.
#[cfg(test)]
pub(crate) fn layout(text: &str) -> (Vec<Block>, Vec<Cut>) {
    layout_with_kickers(text, &[])
}

/// [`layout`], knowing the lines of the page that are kickers (recurring column names the
/// run learned): the line under one is a headline, however wide.
#[cfg(test)]
pub(crate) fn layout_with_kickers(text: &str, kickers: &[String]) -> (Vec<Block>, Vec<Cut>) {
    layout_page(text, kickers, false)
}

/// Lays a normalised page out into blocks, returning the captions and credits it removed;
/// `kickers` are the lines of the page that are kickers (recurring column names the run
/// learned: the line under one is a headline, however wide), and `paragraphs_given` says a
/// blank line always ends a paragraph (the text was given as a list of paragraphs).
pub(crate) fn layout_page(
    text: &str,
    kickers: &[String],
    paragraphs_given: bool,
) -> (Vec<Block>, Vec<Cut>) {
    let lines = split_lines(text);
    if lines.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // A page that opens its paragraphs with an indent (the commonest layout of digitised
    // papers): there an indented line starts a paragraph and a line that is not continues
    // the one above, whatever the column and the sentence ends say. It shows it by
    // paragraphs whose indented first line runs on into lines that are not indented; a page
    // that indents every line (as some text extraction does) says nothing by it.
    let ordinary = ordinary_gap(&lines);
    let indented = lines.iter().filter(|l| l.indented).count();
    let runs_on = lines
        .windows(2)
        .filter(|w| w[0].indented && !w[0].terminated && !w[1].indented && w[1].gap <= ordinary)
        .count();
    let column = column_width(&lines);
    // Lines two characters short of the column that run on into a full one, mid-sentence:
    // the first lines of paragraphs whose indent the text does not show.
    let short_first = lines
        .windows(2)
        .filter(|w| {
            column.is_some_and(|c| w[0].width + 4 == c && w[1].width.abs_diff(c) <= 1)
                && !w[0].terminated
                && w[1].gap <= ordinary
        })
        .count();
    let page = Page {
        ordinary_gap: ordinary,
        column,
        indented: indented >= 3 && indented * 10 >= lines.len() && runs_on >= 2,
        short_first_lines: short_first >= 3,
        paragraphs_given,
    };
    let mut roles = vec![Role::Body; lines.len()];
    let mut cuts = Vec::new();
    find_captions(&lines, page.ordinary_gap, &mut roles, &mut cuts);
    find_headings(&lines, &page, kickers, &mut roles);
    let mut blocks = reflow(&lines, &roles, &page);
    split_run_on_bodies(&mut blocks);
    (blocks, cuts)
}

/// What the layout learns of the page as a whole.
struct Page {
    ordinary_gap: usize,
    column: Option<usize>,
    /// Whether the page opens its paragraphs with an indent.
    indented: bool,
    /// Whether the page sets its paragraphs' first lines two characters short of the
    /// column, without an indent to show for it.
    short_first_lines: bool,
    /// Whether a blank line always ends a paragraph: the text was a list of paragraphs.
    paragraphs_given: bool,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut gap = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            gap += 1;
            continue;
        }
        // The indent mark stands for the two ideographic spaces papers print.
        let indented = raw.starts_with(INDENT);
        lines.push(Line {
            text: line,
            line_no: i + 1,
            gap,
            width: display_width(line) + if indented { 4 } else { 0 },
            indented,
            terminated: ends_sentence(line),
            heading_shape: heading_shape(line),
        });
        gap = 0;
    }
    lines
}

/// The most common gap between consecutive lines (0 for a page without blank lines, 1 for a
/// page that puts a blank line after every line).
fn ordinary_gap(lines: &[Line]) -> usize {
    most_common_gap(lines[1..].iter().map(|l| l.gap), 2)
}

/// The most common of `gaps` (each counted as at most 3), the narrower on a tie, among
/// 0 to `widest`.
pub(crate) fn most_common_gap(gaps: impl Iterator<Item = usize>, widest: usize) -> usize {
    let mut counts = [0usize; 4];
    for gap in gaps {
        counts[gap.min(3)] += 1;
    }
    (0..=widest.min(3))
        .max_by_key(|&g| (counts[g], usize::MAX - g))
        .unwrap_or(0)
}

/// The printed column's width in display units, when the page shows one: the most common
/// width of narrow lines that stop mid-sentence and could not be headings.
fn column_width(lines: &[Line]) -> Option<usize> {
    let mut counts = std::collections::BTreeMap::new();
    for line in lines {
        if !line.terminated && !line.heading_shape && line.width <= 60 && line.width >= 12 {
            *counts.entry(line.width).or_insert(0usize) += 1;
        }
    }
    let total: usize = counts.values().sum();
    if total < 4 {
        return None;
    }
    let (mode, n) = counts.iter().max_by_key(|&(&width, &n)| (n, width))?;
    // A justified column's full lines differ by one unit where a narrow character sits in
    // them: the column is the wider of the two when that one is common too.
    match counts.get(&(mode + 1)) {
        Some(&wider) if wider * 4 >= *n => Some(mode + 1),
        _ => Some(*mode),
    }
}

fn column_full(line: &Line, column: Option<usize>) -> bool {
    column.is_some_and(|w| line.width + 3 >= w && line.width <= w + 6)
}

/// A headline with the punctuation headlines carry (`上海警方证实，法航两名坠机者为土耳其男子`,
/// `政治干预NHK节目内容？日本媒体引爆论战`, `…分析家称当选可能性较大；女选民希望…`),
/// which the heading shape refuses because running text has it too: taken as a headline
/// only where it opens the page or stands apart after a finished sentence, and the text
/// after its gap runs on far longer than it.
fn headline_before_text(
    lines: &[Line],
    prev: Option<usize>,
    i: usize,
    next: usize,
    ordinary_gap: usize,
) -> bool {
    let line = &lines[i];
    // Over a byline (`环境教育，刻不容缓` / `本报讯 记者 高琳馥`), or over text far longer.
    let over_byline = parse_byline(lines[next].text).is_some()
        || is_subtitle_marker(lines[next].text)
            && lines
                .get(next + 1)
                .is_some_and(|l| parse_byline(l.text).is_some());
    // After a finished sentence, set apart by a wide gap or standing over a byline.
    let opens =
        prev.is_none_or(|p| lines[p].terminated && (line.gap >= ordinary_gap + 2 || over_byline));
    // (Where no blank line sets anything apart, only a byline says so.)
    if !opens
        || lines[next].gap == 0 && !over_byline
        || !over_byline && lines[next].width < line.width * 2
    {
        return false;
    }
    let n = line.text.chars().count();
    // The first line of a page over a blank line and its text is the headline whatever
    // script it is in (`Apple unveils new iPhone lineup`); elsewhere it must read as Chinese.
    let first = prev.is_none();
    let longest = if first { 80 } else { 40 };
    if !(4..=longest).contains(&n) || line.text.contains('。') || !is_balanced(line.text) {
        return false;
    }
    !ends_mid_clause(line.text)
        && (first || line.text.chars().filter(|&c| is_han(c)).count() * 2 >= n)
}

/// Times the training text must have two characters side by side for a caption that
/// separates them to be taken as cutting a word.
const WORD_PAIR: u32 = 50;

/// Characters that never open a sentence or a headline: a particle, a closing mark.
fn opens_nothing(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '着'
            | '地'
            | '得'
            | '吗'
            | '呢'
            | '吧'
            | '，'
            | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '”'
            | '’'
            | '》'
    )
}

/// Whether line `i`, with a caption or credit taken out between it and line `n` (the next
/// line neither is), stops in a sentence that `n` goes on with: `n` opens with what opens
/// nothing, or closes a quote or bracket that `i` left open.
fn continues_across_cut(lines: &[Line], i: usize, n: usize) -> bool {
    let line = &lines[i];
    // (Nothing taken out between them: no cut to continue across.)
    if line.terminated || n == i + 1 {
        return false;
    }
    let after = lines[n].text;
    // The two halves as one line, for lines of a paragraph's length.
    let joined = (after.len() <= 240).then(|| {
        let mut joined = String::with_capacity(line.text.len() + after.len());
        joined.push_str(line.text);
        joined.push_str(after);
        joined
    });
    // A heading the caption cut (`高校科研成果从“书架”走` / caption / `向“货架”`) is left to
    // the heading rules: joined, it would still read as one.
    if joined.as_deref().is_some_and(heading_shape) {
        return false;
    }
    let balanced = is_balanced_with_corner_quotes;
    // A word cut in two: the last character of the line and the first after the caption
    // are a common pair of running text (`有关专家认` / `为，这份…`).
    let word_cut = match (line.text.chars().next_back(), after.chars().next()) {
        (Some(a), Some(b)) => crate::reading::pair_count(a, b) >= WORD_PAIR,
        _ => false,
    };
    word_cut
        || after.starts_with(opens_nothing)
        || !balanced(line.text) && joined.as_deref().is_some_and(balanced)
}

/// How a dateline opens: the presses that file most of them, and a paper's own `本报`.
const DATELINE_OPENERS: &[&str] = &[
    "新华社",
    "中新社",
    "中新网",
    "本报",
    "人民网",
    "央视网",
    "法新社",
    "路透社",
    "美联社",
    "共同社",
    "塔斯社",
    "韩联社",
    "(",
    "（",
];

/// A dateline cut by a wrap or a caption (`新华社墨西` / `哥城4月9日电据…`): the line and the
/// start of the next read as one dateline that runs on past the line.
fn dateline_runs_on(line: &str, next: Option<&str>) -> bool {
    let Some(next) = next else {
        return false;
    };
    // It opens as datelines open, with the press that filed it: a headline over a line that
    // opens with a dateline is no part of it.
    if line.len() > 60
        || line.contains(['，', '。', ' '])
        || !DATELINE_OPENERS.iter().any(|p| line.starts_with(p))
    {
        return false;
    }
    let mut joined = String::with_capacity(line.len() + 120);
    joined.push_str(line);
    joined.extend(next.chars().take(40));
    split_dateline(&joined).is_some_and(|(_, rest)| joined.len() - rest.len() > line.len())
}

/// Whether a line stops on a comma, an enumeration comma, a semicolon or a colon: what
/// follows belongs to it, so it is no headline.
fn ends_mid_clause(line: &str) -> bool {
    line.ends_with(['，', '、', '；', '：', ',', ';', ':'])
}

/// A line that runs to the column's edge, a character short at most.
fn fills_column(line: &Line, column: Option<usize>) -> bool {
    column.is_some_and(|w| line.width + 1 >= w && line.width <= w + 1)
}

/// A line that could be a heading by its own shape (see the module docs).
pub(crate) fn heading_shape(line: &str) -> bool {
    // Forty characters are at most 160 bytes: longer lines are rejected without counting.
    if line.len() > 160 {
        return false;
    }
    let n = line.chars().count();
    if !(2..=40).contains(&n) || !line.chars().any(is_han) {
        return false;
    }
    // A telephone or account number (seven digits and more, dashes aside) is a line of
    // text (`捐赠电话为010-65139999(24小时值班)`), never a headline.
    let mut digits = 0;
    for c in line.chars() {
        match c {
            '0'..='9' => digits += 1,
            '-' | '－' | ' ' => {}
            _ => digits = 0,
        }
        if digits >= 7 {
            return false;
        }
    }
    if ends_mid_clause(line) || ends_sentence(line) {
        return false;
    }
    // A dash opens a deck, a list item or a signature (`———王文西(山东)`), never a headline.
    if line.starts_with(['，', '。', '、', '”', '’', '）', '；', '—']) {
        return false;
    }
    // A label such as `破局：` may introduce a heading that has a comma in it; a speaker
    // before a quote (`他说：「…`) is running text.
    let labelled = line.chars().take(7).any(|c| c == '：')
        && line.split_once('：').is_some_and(|(label, rest)| {
            !rest.starts_with(['「', '“', '"', '『'])
                && !["说", "表示", "指出", "称", "道"]
                    .iter()
                    .any(|v| label.ends_with(v))
        });
    let forbidden: &[char] = if labelled {
        &['。', '！', '？', '；']
    } else {
        &['。', '！', '？', '，', '、', '；']
    };
    if line.contains(forbidden) {
        return false;
    }
    is_balanced(line)
}

fn is_subtitle_marker(line: &str) -> bool {
    line.starts_with('—') && line.chars().count() <= 60
}

/// Credit lines: who took or supplied a photo.
pub(crate) fn is_credit(line: &str) -> bool {
    if line.len() > 30 * 4 + 6 {
        return false;
    }
    let inner = line
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')']);
    let n = inner.chars().count();
    if n == 0 || n > 30 {
        return false;
    }
    const WHOLE: [&str; 8] = [
        "新华社发",
        "资料图片",
        "资料图",
        "视觉中国",
        "新华社供图",
        "受访者供图",
        "网络图片",
        "供图",
    ];
    let whole_or_bracketed = |w: &&str| {
        inner
            .strip_prefix(*w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('（'))
    };
    if WHOLE.iter().any(whole_or_bracketed) {
        return true;
    }
    if inner.ends_with("供图") && n <= 16 {
        return true;
    }
    if ["图片来源", "图/", "图／", "制图", "摄影："]
        .iter()
        .any(|p| inner.starts_with(p))
    {
        return true;
    }
    // `通讯员 摄`, `记者 张三 摄`, `张三 摄`, `新华社记者 李四摄`
    if let Some(before) = inner.strip_suffix('摄') {
        let before = before.trim_end();
        if before.is_empty() {
            return false;
        }
        let spaced = before.len() < inner.len() - '摄'.len_utf8();
        let roles = ["记者", "通讯员", "摄影", "实习生", "本报"];
        return spaced || roles.iter().any(|r| before.contains(r));
    }
    false
}

/// Whether a credit line opens with its caption: the picture named (`▲…`, `图为…`) or a
/// sentence closed before the credit (`代表们在会上发言。 记者 刘强 摄`).
fn carries_caption(credit: &str) -> bool {
    PICTURE_OPENERS.iter().any(|o| credit.starts_with(o))
        || credit
            .trim_end_matches(['）', ')'])
            .rfind(['。', '！', '？'])
            .is_some_and(|at| at > 0)
}

/// A kicker by its own shape: a column's name with a separator (`要闻·湖南`, `聚焦｜`), over a
/// dash, or in lenticular brackets (`【聚焦两会】`).
pub(crate) fn is_kicker(line: &str) -> bool {
    line.contains(['·', '｜', '|'])
        || line.ends_with("——")
        // A column's name in lenticular brackets over the headline (`【聚焦两会】`).
        || (line.starts_with('【') && line.ends_with('】') && line.chars().count() <= 14)
}

/// How a caption names its picture (`图为…`, `上图：…`, `▲…`).
const PICTURE_OPENERS: [&str; 8] = [
    "图为",
    "图：",
    "图:",
    "上图：",
    "下图：",
    "左图：",
    "右图：",
    "▲",
];

/// A line that is one whole sentence naming a picture (`图为长沙新建成的物流中心。`,
/// `图：代表们在会场外合影。`): short, opened by the picture words, closed by its only
/// sentence end. A wrap that happens to begin with `图为` runs on past its sentence
/// (`图为率先推出项目。新网页…`) or stops mid-sentence, and is not one.
fn is_picture_sentence(line: &str) -> bool {
    let n = line.chars().count();
    PICTURE_OPENERS.iter().any(|o| line.starts_with(o))
        && (6..=60).contains(&n)
        && ends_sentence(line)
        && line.matches(['。', '！', '？', '!', '?']).count() <= 1
}

fn find_captions(lines: &[Line], ordinary_gap: usize, roles: &mut [Role], cuts: &mut Vec<Cut>) {
    let hard = |i: usize| lines[i].gap > ordinary_gap;
    for i in 0..lines.len() {
        if !is_credit(lines[i].text) {
            continue;
        }
        roles[i] = Role::Credit;
        // A credit line that carries its caption (`▲图为…。 记者 刘强 摄`) takes no line
        // above it.
        if carries_caption(lines[i].text) {
            cuts.push(Cut {
                kind: CutKind::Credit,
                text: lines[i].text.to_string(),
                reason: "photo credit",
                method: "credit-rule",
            });
            continue;
        }
        // The caption is what stands between the credit and the hard break before it, at
        // most three lines; with no such break, only a short line right before it.
        let mut start = i;
        let mut j = i;
        while j > 0 && i - j < 3 && !hard(j) {
            j -= 1;
            if roles[j] != Role::Body || lines[j].text.chars().count() > 80 {
                j = i;
                break;
            }
        }
        if i > 0 && roles[i - 1] == Role::Body && is_picture_sentence(lines[i - 1].text) {
            // A whole sentence naming the picture (`图为…。`) is the caption however the
            // lines around it end: it may cut a sentence in two, which is joined again.
            start = i - 1;
        } else if j < i && (hard(j) || j == 0) {
            start = j;
        } else if i > 0
            && !hard(i)
            && roles[i - 1] == Role::Body
            && lines[i - 1].text.chars().count() <= 60
            && (i < 2 || lines[i - 2].terminated)
        {
            start = i - 1;
        }
        for k in start..i {
            roles[k] = Role::Caption;
            cuts.push(Cut {
                kind: CutKind::Caption,
                text: lines[k].text.to_string(),
                reason: "photo caption: the lines above a credit",
                method: "caption-rule",
            });
        }
        cuts.push(Cut {
            kind: CutKind::Credit,
            text: lines[i].text.to_string(),
            reason: "photo credit",
            method: "credit-rule",
        });
    }
    // A lone caption: one short sentence set apart by a wide gap after body text, followed
    // by a heading or another wide gap.
    for i in 1..lines.len() {
        if roles[i] != Role::Body {
            continue;
        }
        let line = &lines[i];
        // Starting a line, not in the middle of a sentence a wrap cut (`…全球分布` /
        // `图为率先推出项目。`).
        let picture_words = PICTURE_OPENERS.iter().any(|o| line.text.starts_with(o))
            && (lines[i - 1].terminated
                || line.gap > ordinary_gap
                || is_picture_sentence(line.text));
        let isolated = line.gap >= ordinary_gap + 2;
        // Most lines are neither: the scans below are for the few that are.
        if !isolated && !picture_words {
            continue;
        }
        let n = line.text.chars().count();
        let one_sentence = line.terminated
            && line.text.matches(['。', '！', '？']).count() <= 1
            && !line.text.contains('，');
        let after_text = roles[i - 1] == Role::Body;
        let next_apart = lines
            .get(i + 1)
            .is_none_or(|next| next.heading_shape || next.gap > ordinary_gap);
        if (isolated && n <= 60 && one_sentence && after_text && next_apart)
            || (picture_words && n <= 80)
        {
            roles[i] = Role::Caption;
            cuts.push(Cut {
                kind: CutKind::Caption,
                text: line.text.to_string(),
                reason: if picture_words {
                    "photo caption: starts by naming the picture"
                } else {
                    "photo caption: a lone short sentence set apart from the text"
                },
                method: "caption-rule",
            });
        }
    }
}

fn find_headings(lines: &[Line], page: &Page, kickers: &[String], roles: &mut [Role]) {
    let (ordinary_gap, column) = (page.ordinary_gap, page.column);
    // How many lines stop mid-sentence at each width in characters: the page's columns.
    let mut width_counts: std::collections::HashMap<usize, usize> = Default::default();
    for line in lines.iter().filter(|l| !l.terminated) {
        *width_counts.entry(line.text.chars().count()).or_default() += 1;
    }
    let mut prev: Option<usize> = None;
    for i in 0..lines.len() {
        if matches!(roles[i], Role::Caption | Role::Credit) {
            continue;
        }
        let line = &lines[i];
        let next =
            (i + 1..lines.len()).find(|&k| !matches!(roles[k], Role::Caption | Role::Credit));
        // A line that an unfinished body line runs into is that line's continuation, unless
        // a title group starts there: a column that ends mid-sentence (`既考核专业能力，`)
        // followed by two heading lines is a cut, not a wrap.
        let title_group_follows = line.heading_shape
            && next.is_some_and(|n| lines[n].heading_shape || is_subtitle_marker(lines[n].text));
        let continues_prev = prev.is_some_and(|p| {
            roles[p] == Role::Body
                && !lines[p].terminated
                && line.gap <= ordinary_gap
                && (!title_group_follows || column_full(&lines[p], column))
        }) && !(page.indented && line.indented);
        // Under a kicker (`一线见闻` the run learned, `【聚焦两会】`) stands its headline,
        // whatever punctuation it carries. (A heading with `·` may be a headline itself:
        // `约翰·肯尼迪访华`.)
        let under_kicker = prev.is_some_and(|p| {
            let text = lines[p].text;
            roles[p] == Role::Heading
                && (text.starts_with('【') && text.ends_with('】')
                    || kickers.iter().any(|k| k == text))
        });
        if !continues_prev {
            // A deck (`——访…`) hangs under a headline; elsewhere a dash opens a list item or
            // a signature (`———王文西(山东)`), which stays in its article's text.
            let under_headline =
                prev.is_some_and(|p| matches!(roles[p], Role::Heading | Role::Subtitle));
            if parse_byline(line.text).is_some() || end_credit(line.text).is_some() {
                roles[i] = Role::Byline;
            } else if line.heading_shape
                && (split_dateline(line.text).is_some()
                    || dateline_runs_on(line.text, next.map(|n| lines[n].text)))
            {
                // A line that opens with a dateline (`新华社罗马1月1日电（记者刘儒庭）`, alone
                // or with the first words of the text after it) is body: the article's first
                // paragraph takes it apart.
            } else if next.is_some_and(|n| continues_across_cut(lines, i, n)) {
                // A sentence a caption cut in two (`欧盟轮值主席国荷兰` / caption / credit /
                // `的外长鲍特说：…`): body, whatever its shape; reflow joins the halves.
            } else if is_subtitle_marker(line.text) && next.is_some() && under_headline {
                roles[i] = Role::Subtitle;
            } else if !line.heading_shape
                && next.is_some_and(|n| {
                    under_kicker && !line.terminated && line.text.chars().count() <= 60
                        || headline_before_text(lines, prev, i, n, ordinary_gap)
                })
            {
                roles[i] = Role::Heading;
            } else if line.heading_shape && next.is_some() {
                // It wraps on when the next line continues the column: a line that cannot be
                // a heading, or one more column-full line after it (a title and its deck may
                // each fill the column, but a third full line is running text).
                // A caption taken out between two lines leaves its gap behind: the lines
                // on either side still run on.
                let cut_between =
                    |k: usize| (i + 1..k).any(|m| matches!(roles[m], Role::Caption | Role::Credit));
                // A line the page does not set apart from this one (a caption taken out
                // between them aside).
                let soft = |k: usize| lines[k].gap <= ordinary_gap || cut_between(k);
                let soft_full = |k: usize| soft(k) && column_full(&lines[k], column);
                // A byline or dateline next means this line is a title, however wide.
                // (So does a deck, `——…`, under a line that opens something (after a finished
                // sentence) when no sentence goes on after it: a dash inside a wrapped sentence,
                // `…国家级园区` / `——湘潭经开区…主任` / `。她说`, is running text.)
                let opens = prev.is_none_or(|p| lines[p].terminated || roles[p] != Role::Body);
                let deck_next = |n: usize| {
                    opens
                        && is_subtitle_marker(lines[n].text)
                        && !lines
                            .get(n + 1)
                            .is_some_and(|l| l.text.starts_with(opens_nothing))
                };
                let furniture_next = next.is_some_and(|n| {
                    parse_byline(lines[n].text).is_some()
                        || split_dateline(lines[n].text).is_some()
                        || deck_next(n)
                });
                // So does a sentence's tail (`澳洲是…少数国家之` / `一。`), and a number the
                // wrap cut (`…集团公司在1` / `995年与日本…`).
                let tail = |n: usize| {
                    lines[n].gap <= ordinary_gap
                        && lines[n].terminated
                        && column.is_some_and(|w| lines[n].width < w)
                };
                // (A wrap runs on in a line no wider than its own column: a short line over
                // a far longer one is a headline over its text, `凯迪拉克xt5` / `2018年…`.)
                let number_cut = |n: usize| {
                    lines[n].gap <= ordinary_gap
                        && line.text.ends_with(|c: char| c.is_ascii_digit())
                        && lines[n].text.starts_with(|c: char| c.is_ascii_digit())
                        && lines[n].width <= line.width * 2
                };
                // On a page that sets its paragraphs' first lines two characters short of
                // the column (an indent the text lost, or one on every line), such a line
                // runs on like a full one.
                let opens_short = |line: &Line| {
                    page.short_first_lines && column.is_some_and(|w| line.width + 4 == w)
                };
                // A line two characters narrower than the wrapped line that runs on under it
                // is not a wrap: the wrap would have filled it (a page may set its articles
                // in columns of different widths, and this one's is the wider).
                let wider_run_on = next.is_some_and(|n| {
                    !lines[n].terminated && soft(n) && lines[n].width >= line.width + 4
                });
                let wraps_on = !furniture_next
                    && next.is_some_and(|n| {
                        (soft_full(n)
                            && (!lines[n].heading_shape
                                || (n + 1 < lines.len() && soft_full(n + 1))))
                            || tail(n)
                    });
                // A line set apart by a wider gap than lines and paragraphs have, after a
                // finished sentence, starts something new: a title as wide as the column is
                // still a title there.
                let set_apart = line.gap >= ordinary_gap + 2 && opens;
                // A page may set its articles in columns of different widths: a line as wide
                // as the lines that run on under it (in characters, or in display width) is
                // the first line of their column, whatever the page's commonest column.
                let n_chars = line.text.chars().count();
                let local = |k: usize| {
                    lines[k].text.chars().count() == n_chars
                        || lines[k].width.abs_diff(line.width) <= 1
                };
                // (Columns are ten characters and more: a short title and its deck may match.)
                // A line of a width other lines of the page share, over a shorter line that
                // ends the sentence, is a paragraph of two lines in that column.
                let shared_width = |w: usize| width_counts.get(&w).is_some_and(|&k| k >= 3);
                let local_wrap = !furniture_next
                    && n_chars >= 10
                    && next.is_some_and(|n| {
                        let two_lines = lines[n].terminated
                            && lines[n].width < line.width
                            && shared_width(n_chars);
                        soft(n)
                            && (two_lines
                                || local(n)
                                    && !lines[n].terminated
                                    && (!lines[n].heading_shape
                                        || lines.get(n + 1).is_some_and(|_| {
                                            soft(n + 1)
                                                && (local(n + 1)
                                                    || lines[n + 1].terminated
                                                        && lines[n + 1].width < line.width)
                                        })))
                    });
                let cut_number = next.is_some_and(number_cut);
                // On an indented page, an indented line over one that is not is a
                // paragraph's first line, however short.
                let indent_wrap = page.indented
                    && line.indented
                    && !furniture_next
                    && next.is_some_and(|n| !lines[n].indented && soft(n));
                if set_apart
                    || under_kicker
                    || !(cut_number
                        || (column_full(line, column) && !wider_run_on || opens_short(line))
                            && wraps_on
                        || local_wrap
                        || indent_wrap)
                {
                    roles[i] = Role::Heading;
                }
            }
        }
        prev = Some(i);
    }
}

fn reflow(lines: &[Line], roles: &[Role], page: &Page) -> Vec<Block> {
    let (ordinary_gap, column) = (page.ordinary_gap, page.column);
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    let mut last_body: Option<usize> = None;
    let mut cut_since_last = false;
    let mut widest_gap = 0;
    let mut edge_ends_paragraph: Option<bool> = None;
    for (i, line) in lines.iter().enumerate() {
        let role = roles[i];
        if matches!(role, Role::Caption | Role::Credit) {
            cut_since_last = true;
            widest_gap = widest_gap.max(line.gap);
            continue;
        }
        let kind = match role {
            Role::Heading => Some(BlockKind::Heading),
            Role::Subtitle => Some(BlockKind::Subtitle),
            Role::Byline => Some(BlockKind::Byline),
            _ => None,
        };
        if let Some(kind) = kind {
            blocks.extend(open.take());
            blocks.push(Block {
                kind,
                text: line.text.to_string(),
                line: line.line_no,
                joins: Vec::new(),
                gap: line.gap.max(widest_gap),
            });
            last_body = None;
            cut_since_last = false;
            widest_gap = 0;
            continue;
        }
        let joins = match (&open, last_body) {
            (Some(_), Some(p)) => {
                let prev = &lines[p];
                // A caption that cut a sentence leaves its wide gap behind; the halves join.
                let soft = if cut_since_last && !prev.terminated {
                    true
                } else {
                    line.gap.max(widest_gap) <= ordinary_gap
                };
                // A finished sentence ends the paragraph unless it ran to the column's very
                // edge (a justified column's full lines differ by a character at most).
                // Each item of a dash list (`———王文西(山东)`) is a line of its own.
                let list_item =
                    line.text.starts_with('—') && (prev.terminated || prev.text.starts_with('—'));
                // and an item ends where its line stops short of the column.
                let after_item = prev.text.starts_with('—') && !fills_column(prev, column);
                // A line that stops well short of the column on a colon ends its
                // paragraph (`主要做法是：`): what it introduces is a paragraph of its own.
                // One a character or two short is a wrap the OCR ended early.
                let colon_end = prev.text.ends_with(['：', ':'])
                    && column.is_some_and(|w| prev.width * 4 < w * 3);
                if page.indented {
                    // The indent says where paragraphs start.
                    soft && !line.indented && !list_item
                } else {
                    soft && !list_item
                        && !after_item
                        && !colon_end
                        && (!prev.terminated
                            || (fills_column(prev, column)
                            && column.is_some_and(|w| line.width <= w + 6)
                            // A quote closed at the next line's start closes this sentence.
                            && (line.text.starts_with(is_closer)
                                || !*edge_ends_paragraph.get_or_insert_with(|| {
                                    sentences_at_edge_end_paragraphs(
                                        lines,
                                        roles,
                                        ordinary_gap,
                                        column,
                                    )
                                }))))
                }
            }
            _ => false,
        };
        // Paragraphs given as such are never joined across the blank line between them.
        let joins = joins && !(page.paragraphs_given && line.gap > 0);
        if joins {
            if let Some(block) = open.as_mut() {
                join_text(&mut block.text, line.text);
                let at = block.text.len() - line.text.len();
                block.joins.push(at);
            }
        } else {
            blocks.extend(open.take());
            open = Some(Block {
                kind: BlockKind::Paragraph,
                text: line.text.to_string(),
                line: line.line_no,
                joins: Vec::new(),
                gap: line.gap.max(widest_gap),
            });
        }
        last_body = Some(i);
        cut_since_last = false;
        widest_gap = 0;
    }
    blocks.extend(open);
    blocks
}

/// Whether a finished sentence that runs to the column's edge more likely ends its
/// paragraph than not, on a page that sets paragraphs no further apart than lines (where
/// it does, an ordinary gap after such a line says the paragraph goes on). Nothing else
/// tells the two apart, so the page's own sentence ends give the odds: a sentence ends at
/// a line's end as often wherever it stands, and those short of the edge each end a
/// paragraph while those inside a line never do.
fn sentences_at_edge_end_paragraphs(
    lines: &[Line],
    roles: &[Role],
    ordinary_gap: usize,
    column: Option<usize>,
) -> bool {
    let Some(w) = column else { return false };
    let (mut paragraph_ends, mut set_apart, mut inner_ends) = (0usize, 0usize, 0usize);
    for (i, (line, &role)) in lines.iter().zip(roles).enumerate() {
        if role != Role::Body || line.width > w + 1 {
            continue;
        }
        if line.terminated && !fills_column(line, column) {
            paragraph_ends += 1;
            set_apart += usize::from(lines.get(i + 1).is_some_and(|n| n.gap > ordinary_gap));
        }
        let mut chars = line.text.chars().peekable();
        while let Some(c) = chars.next() {
            if is_terminal(c) {
                while chars.next_if(|&c| is_closer(c) || is_terminal(c)).is_some() {}
                inner_ends += usize::from(chars.peek().is_some());
            }
        }
    }
    // A handful of sentence ends says too little to go against the usual wrap.
    paragraph_ends >= 4 && set_apart * 2 < paragraph_ends && paragraph_ends > inner_ends
}

/// Characters a line must hold before its own breaks are looked for: a body that came
/// without line breaks (a scraped page, a JSON Lines `text`) is that long.
const RUN_ON_CHARS: usize = 200;

/// Splits a paragraph that came as one long line where the text itself shows a break: a
/// new dateline (`…作出回应。新华社北京3月25日电…`) or a boxed label (`…开工。【相关新闻】…`)
/// right after a finished sentence. Nothing else is split: sentences are not paragraphs.
fn split_run_on_bodies(blocks: &mut Vec<Block>) {
    // A paragraph no wrap was joined into, and long: it came as one line.
    let run_on = |b: &Block| {
        b.kind == BlockKind::Paragraph
            && b.joins.is_empty()
            && b.text.len() > RUN_ON_CHARS
            && b.text.chars().count() > RUN_ON_CHARS
    };
    if !blocks.iter().any(run_on) {
        return;
    }
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks.drain(..) {
        if !run_on(&block) {
            out.push(block);
            continue;
        }
        let mut cuts = Vec::new();
        for (at, c) in block.text.char_indices() {
            if !matches!(c, '。' | '！' | '？') {
                continue;
            }
            let next = at + c.len_utf8();
            let rest = &block.text[next..];
            // The sentence end may close a quote first.
            let rest_start = next + (rest.len() - rest.trim_start_matches(['”', '」', '’']).len());
            let rest = &block.text[rest_start..];
            let opens = rest.starts_with('【')
                || split_dateline(rest).is_some_and(|(d, after)| {
                    !after.is_empty() && (d.month_day.is_some() || d.text.starts_with(['(', '（']))
                });
            // Either mark has text after it: the last piece is never empty.
            if opens {
                cuts.push(rest_start);
            }
        }
        if cuts.is_empty() {
            out.push(block);
            continue;
        }
        let mut from = 0;
        for (k, &cut) in cuts.iter().chain([block.text.len()].iter()).enumerate() {
            out.push(Block {
                kind: BlockKind::Paragraph,
                text: block.text[from..cut].to_string(),
                line: block.line,
                joins: Vec::new(),
                gap: if k == 0 { block.gap } else { 0 },
            });
            from = cut;
        }
    }
    *blocks = out;
}

/// Joins a wrapped line to its paragraph: no space between CJK or within a number split
/// by the wrap (`2` + `024年`), one between Latin words.
fn join_text(text: &mut String, next: &str) {
    let needs_space = text.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
        && next.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if needs_space {
        text.push(' ');
    }
    text.push_str(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_wide_line_is_body_when_a_sentence_tail_or_a_cut_number_follows() {
        // Column 15 characters: the first line of each pair is as wide as a title could be.
        let page = "外长唐纳说，北韩的行为恶劣，将无\n法取得更多的援助，澳洲也不会给予\n北韩任何让步，各国应当共同努力，\n让北韩相信，恶劣行为不会得到任何\n回报。\n\n澳洲是与北韩有邦交的少数国家之\n一。\n\n广州电梯企业集团公司在1\n995年与日本日立公司合资。\n";
        let (blocks, _) = layout(page);
        assert!(
            blocks.iter().all(|b| b.kind == BlockKind::Paragraph),
            "{blocks:?}"
        );
        let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert!(
            texts.contains(&"澳洲是与北韩有邦交的少数国家之一。"),
            "{texts:?}"
        );
        assert!(
            texts.contains(&"广州电梯企业集团公司在1995年与日本日立公司合资。"),
            "{texts:?}"
        );
    }

    #[test]
    fn a_title_as_wide_as_the_column_after_a_wide_gap_is_a_title() {
        let page = "上一篇文章在这里结束了。\n\n\n\n印度雨季洪水近五百人丧生\n\n根据官员和媒体的报导,今\n\n年印度全国因雨季豪雨造成\n\n的死亡人数已经攀升至四百\n\n七十四人。\n";
        let (blocks, _) = layout(page);
        let kinds: Vec<_> = blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            kinds[1],
            (BlockKind::Heading, "印度雨季洪水近五百人丧生"),
            "{kinds:?}"
        );
    }

    #[test]
    fn picture_words_inside_a_wrapped_sentence_are_not_a_caption() {
        let page = "新服务首次提供全球官方天气观测，并以云量和降雨的全球分布\n图为率先推出项目。新网页天气观测资料覆盖范围广。\n";
        let (blocks, cuts) = layout(page);
        assert!(cuts.is_empty(), "{cuts:?}");
        assert_eq!(blocks.len(), 1);
    }

    #[test]
    fn a_sentence_ending_short_of_the_column_ends_its_paragraph() {
        // Double spaced: only the lines themselves show where a paragraph ends. Column 12.
        let page = "一项最新的健康研究报告指\n\n出，孕妇为防胎儿畸形而普\n\n遍服用维他命，使罹患乳癌\n\n的机率上升了三成。\n\n但研究人员说，他们的研究\n\n结果可能只是出于偶然，因\n\n为其他的研究显示，叶酸实\n\n际上会降低风险。\n";
        let (blocks, _) = layout(page);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
    }

    #[test]
    fn a_body_without_line_breaks_splits_only_at_a_new_dateline_or_a_boxed_label() {
        let first = format!(
            "新华社北京3月25日电 据此间收到的消息，韩国总统府发言人25日在汉城宣布，韩国总统的特使将于4月初访问朝鲜。{}",
            "特使将转交总统的亲笔信，并就朝鲜半岛局势交换意见。".repeat(6)
        );
        let second = "新华社汉城3月26日电 韩国统一部长官今天表示，特使访问朝鲜将讨论双方关心的问题。双方还将讨论离散家属团聚问题。";
        let boxed = "【相关新闻】朝鲜方面尚未对此作出回应。";
        let page = format!("{first}{second}{boxed}\n");
        let (blocks, _) = layout(&page);
        let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, [first.as_str(), second, boxed]);
        // Running text without such a mark stays one paragraph, however long.
        let plain = "韩国总统府发言人在汉城宣布，特使将于4月初访问朝鲜。".repeat(12);
        let (blocks, _) = layout(&plain);
        assert_eq!(blocks.len(), 1);
    }

    #[test]
    fn a_column_wide_line_that_a_caption_cut_or_a_dateline_opens_is_body() {
        // Column 18 characters.
        let page = "以色列军队从当地时间9日凌晨开始撤出\n图勒凯尔姆和盖勒吉利耶，以方眼下还没\n有透露它将何时，从西岸其他城市全部撤\n军，以色列总理沙龙说，撤军将分批进行\n，美国国务卿鲍威尔对此表示欢迎，并说\n，美方将继续关注局势。\n\n布什当天在田纳西州对记者发表谈话时重\n\n\n\n图为施工现场。\n记者 周晓明 摄\n\n申，以色列必须立即从巴勒斯坦领土撤军，\n并强调他是“讲话算话”的。\n\n新华社波哥大1月16日电(记者尹南)哥伦\n比亚第二大城市发生汽车炸弹爆炸事件。\n";
        let (blocks, cuts) = layout(page);
        assert_eq!(cuts.len(), 2);
        assert!(
            blocks.iter().all(|b| b.kind == BlockKind::Paragraph),
            "{blocks:?}"
        );
        let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert!(texts.contains(&"布什当天在田纳西州对记者发表谈话时重申，以色列必须立即从巴勒斯坦领土撤军，并强调他是“讲话算话”的。"), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("新华社波哥大")),
            "{texts:?}"
        );
    }

    #[test]
    fn credits_are_recognised() {
        for credit in [
            "通讯员 摄",
            "记者 张三 摄",
            "（新华社记者 李四 摄）",
            "新华社发",
            "资料图片",
            "湘潭市委宣传部供图",
        ] {
            assert!(is_credit(credit), "{credit}");
        }
        for text in [
            "他正在拍摄",
            "这是一张资料图片的说明文字，内容很长很长很长很长很长很长很长很长",
        ] {
            assert!(!is_credit(text), "{text}");
        }
    }

    #[test]
    fn an_article_set_in_a_narrower_column_than_the_pages_wraps_on() {
        // Most of the page is set 15 characters wide; one article 13, its paragraph opening
        // with a line of no punctuation after a finished one.
        let wide = "外长唐纳说，北韩的行为恶劣，将无\n\n法取得更多的援助，澳洲也不会给予\n\n北韩任何让步，各国应当共同努力，\n\n让北韩相信，恶劣行为不会得到任何\n\n回报。\n\n";
        let narrow = "反对党大型抗争及政局混乱。\n\n原本获胜的亚努科维奇也遭最\n\n高法院以选举过程舞弊丛生为\n\n由，被宣布当选无效，必须重\n\n新选举。\n";
        let (blocks, _) = layout(&format!("{wide}{wide}{narrow}"));
        let texts: Vec<_> = blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert!(
            texts.contains(&(
                BlockKind::Paragraph,
                "原本获胜的亚努科维奇也遭最高法院以选举过程舞弊丛生为由，被宣布当选无效，必须重新选举。"
            )),
            "{texts:?}"
        );
    }

    #[test]
    fn the_line_under_a_kicker_is_its_headline_however_wide() {
        // A headline as wide as the page's column, over wrapped text.
        let body = "经济学家今天说，本周发表的欧元区\n\n经济数据将显示，核心通货膨胀仍受\n\n到控制。同时，欧元区工业生产和法\n\n国的消费者支出，预料将双双下降。\n";
        let page = format!("上一篇文章的最后一句话在这里。\n\n一线见闻\n\n欧元区数据显示核心通货膨胀受控\n\n{body}");
        let kickers = ["一线见闻".to_string()];
        let (blocks, _) = layout_with_kickers(&page, &kickers);
        let kinds: Vec<_> = blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            kinds[2],
            (BlockKind::Heading, "欧元区数据显示核心通货膨胀受控"),
            "{kinds:?}"
        );
        assert_eq!(kinds[3].0, BlockKind::Paragraph);
        // In lenticular brackets, the kicker needs no learning.
        let page = page.replace("一线见闻", "【一线见闻】");
        let (blocks, _) = layout(&page);
        assert_eq!(blocks[2].kind, BlockKind::Heading, "{blocks:?}");
    }

    #[test]
    fn a_telephone_or_account_number_is_no_heading() {
        for line in [
            "中国红十字总会捐赠电话为010-65139999(24小时值班）",
            "帐号：中国工商银行东四南分理处02000010090144132-52",
        ] {
            assert!(!heading_shape(line), "{line}");
        }
        assert!(heading_shape("2008年北京奥运会倒计时100天"));
    }

    #[test]
    fn a_speaker_before_a_quote_is_no_labelled_heading() {
        assert!(!heading_shape(
            "他说：「这是个令人忧心的问题，我们正极力想尽一切办法"
        ));
        assert!(!heading_shape(
            "专家表示：今年的汛期形势严峻，各地要早作准备"
        ));
        assert!(heading_shape("破局：剥离社会事务，聚焦主业"));
    }

    #[test]
    fn heading_shapes() {
        for heading in [
            "破局：剥离社会事务，聚焦主业",
            "湘潭：园区去行政化，回归主业搞经济",
            "高校科研成果从“书架”走向“货架”",
            "34名西藏籍高校毕业生来湘集中上岗",
        ] {
            assert!(heading_shape(heading), "{heading}");
        }
        for line in [
            "去年7月，湘潭经开区新发展集团有",
            "“湖南真是一个让人安心扎根的地",
            "园区高质量发展就有了强力支撑。",
            "既考核专业能力，",
        ] {
            assert!(!heading_shape(line), "{line}");
        }
    }

    #[test]
    fn a_caption_that_cuts_a_sentence_is_removed_and_the_sentence_rejoined() {
        let page = "标题在此\n\n正文第一句。横穿项目的高压线路改迁工提前完工。湘潭经\n\n\n\n湘潭经开区吉利全新智能LCV项目。\n通讯员 摄\n\n开区新发展集团开发建设部副部长刘智渊与团队完成任务。\n";
        let (blocks, cuts) = layout(page);
        let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "标题在此",
                "正文第一句。横穿项目的高压线路改迁工提前完工。湘潭经开区新发展集团开发建设部副部长刘智渊与团队完成任务。"
            ]
        );
        assert_eq!(cuts.len(), 2);
        assert_eq!(cuts[0].kind, CutKind::Caption);
        assert_eq!(cuts[1].kind, CutKind::Credit);
    }

    #[test]
    fn a_page_that_indents_every_line_is_not_read_by_its_indents() {
        // Text extraction that indents every line: the indent marks no paragraph, and the
        // column's wraps still join.
        let page = "　　园区管委会剥离社会事务职能，由属\n　　地政府承担，干部把精力集中到招商\n　　引资和项目建设上来。\n　　今年一季度新增市场主体三百二十六\n　　户，比去年同期增长两成，其中外资\n　　企业十二家。\n";
        assert_eq!(
            paragraphs(page),
            [
                "园区管委会剥离社会事务职能，由属地政府承担，干部把精力集中到招商引资和项目建设上来。",
                "今年一季度新增市场主体三百二十六户，比去年同期增长两成，其中外资企业十二家。"
            ]
        );
    }

    #[test]
    fn first_lines_two_characters_short_of_the_column_run_on() {
        // A page whose paragraphs' first lines stop two characters short of the column (the
        // indent the text lost): such a line with no punctuation is no headline.
        let page = "园区管委会剥离社会事务职\n能，由属地政府承担，干部把精\n力集中到招商引资上来。\n今年一季度新增市场主体三\n百二十六户，比去年同期增长两\n成，其中外资企业十二家。\n湘潭高新区在全省率先推行\n园区去行政化改革，精简机构，\n激发了干事创业的活力。\n企业服务中心为入园企业提\n供全程代办服务，办事时间缩短\n了一半。\n";
        let (blocks, _) = layout(page);
        let kinds: Vec<BlockKind> = blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BlockKind::Paragraph; 4], "{blocks:?}");
        assert_eq!(
            blocks[1].text,
            "今年一季度新增市场主体三百二十六户，比去年同期增长两成，其中外资企业十二家。"
        );
    }

    #[test]
    fn a_short_line_a_caption_cuts_from_the_rest_of_its_sentence_is_text() {
        // The text after the caption goes on with the sentence: it opens with a particle, or
        // closes the quote the line opened.
        for (before, after, joined) in [
            (
                "欧盟轮值主席国荷兰",
                "的外长鲍特说，我们必须在布希总统第二任任内加强双边对话。",
                "欧盟轮值主席国荷兰的外长鲍特说，",
            ),
            (
                "他说：「这对巴勒斯坦人民和中东人民而言",
                "是历史性的一天。」",
                "而言是历史性的一天。」",
            ),
            (
                "有关专家认",
                "为，这份最后通牒让伊拉克总统萨达姆面临进退两难的局面。",
                "有关专家认为，这份",
            ),
        ] {
            let page = format!("鲍尔今天与欧盟高层举行会谈，在任期内最后一次为美国与欧洲的团结尽其心力。\n\n{before}\n\n图为益阳项目建设现场。\n\n新华社发\n\n{after}\n");
            let (blocks, cuts) = layout(&page);
            assert!(
                blocks.iter().all(|b| b.kind == BlockKind::Paragraph),
                "{blocks:?}"
            );
            assert!(blocks.iter().any(|b| b.text.contains(joined)), "{blocks:?}");
            assert_eq!(cuts.len(), 2);
        }
    }

    #[test]
    fn a_dateline_a_caption_cuts_is_joined_not_a_heading() {
        let page = "墨西哥总统美加之行被参议院否决\n\n通讯员 曹明秋\n\n新华社墨西\n\n图为益阳工人在生产线上作业。\n\n通讯员 摄\n\n哥城4月9日电据墨西哥参议院发言人9日称，墨西哥总统福克斯预计本月中旬出访美国和加拿大的计划当天被参议院否决。\n";
        let body = paragraphs(page);
        assert_eq!(body.len(), 1, "{body:?}");
        assert!(body[0].starts_with("新华社墨西哥城4月9日电据"), "{body:?}");
    }

    #[test]
    fn a_whole_picture_sentence_is_a_caption_however_the_lines_around_it_end() {
        // A blank line after every line; the caption (with a credit, or alone) cuts a
        // sentence whose first half stops mid-sentence.
        for caption in [
            "图为浏阳一处产业园区。\n\n记者 吴军雪 摄\n\n",
            "图为浏阳一处产业园区。\n\n",
        ] {
            let page = format!(
                "评论指出，中国一贯支持非洲事业，支持非洲人民争取进步及摆脱各种形式殖民\n\n{caption}主义和霸权主义的斗争。\n"
            );
            let (blocks, cuts) = layout(&page);
            let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
            assert_eq!(
                texts,
                ["评论指出，中国一贯支持非洲事业，支持非洲人民争取进步及摆脱各种形式殖民主义和霸权主义的斗争。"],
                "{caption:?}"
            );
            assert_eq!(cuts[0].text, "图为浏阳一处产业园区。");
            assert_eq!(cuts[0].kind, CutKind::Caption);
        }
    }

    #[test]
    fn a_web_texts_first_line_over_its_text_is_the_headline_whatever_it_holds() {
        let body = "据当地媒体报道，事故发生后，救援人员迅速赶到现场展开搜救。截至记者发稿时，已有三人被救出。当地政府表示，将全力做好伤员救治和善后工作。";
        for title in [
            "这家店的牛肉面太好吃了！",
            "周末去哪儿玩~",
            "房价还会涨吗？专家这样说",
            "【热点】多地出台新政稳楼市",
            "湘潭哪里的米粉最好吃_百度贴吧",
            "Apple unveils new iPhone lineup",
            "环境教育，刻不容缓",
            "凯迪拉克xt5",
        ] {
            for text in [
                body.to_string(),
                format!("2018年最值得购买的豪华SUV之一，{body}"),
            ] {
                let (blocks, _) = layout(&format!("{title}\n\n{text}\n"));
                let kinds: Vec<_> = blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
                assert_eq!(
                    kinds,
                    [
                        (BlockKind::Heading, title),
                        (BlockKind::Paragraph, text.as_str())
                    ],
                    "{title}"
                );
            }
        }
        // Over a byline, a headline with a comma on a page with a blank line after every line.
        let (blocks, _) = layout(&format!(
            "环境教育，刻不容缓\n\n本报讯 记者 高琳馥 严艺希 尹英嘉\n\n{body}\n"
        ));
        let kinds: Vec<_> = blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [BlockKind::Heading, BlockKind::Byline, BlockKind::Paragraph]
        );
        // And after the article above it, with a question mark.
        let (blocks, _) = layout(&format!(
            "{body}\n\n政治干预NHK节目内容？日本媒体引爆论战\n\n湖南日报全媒体记者 李聪影 朱红悦\n\n{body}\n"
        ));
        let kinds: Vec<_> = blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Paragraph,
                BlockKind::Heading,
                BlockKind::Byline,
                BlockKind::Paragraph
            ]
        );
    }

    #[test]
    fn a_column_wide_title_before_a_byline_is_a_title() {
        let page = "教育服务水平。\n\n\n\n岳阳洞庭湖区春耕备耕有序推进\n\n湖南日报全媒体记者 谭志刚\n\n眼下正是春耕备耕的关键时\n\n期，岳阳市洞庭湖区各地抢\n\n抓农时，翻耕土地、检修农\n\n机、调运农资，田间地头一\n\n派繁忙景象，种粮大户正指\n\n挥农机手平整秧田。\n";
        let (blocks, _) = layout(page);
        let kinds: Vec<_> = blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Paragraph,
                BlockKind::Heading,
                BlockKind::Byline,
                BlockKind::Paragraph
            ]
        );
    }

    #[test]
    fn numbers_split_by_a_wrap_join_without_a_space() {
        let (blocks, _) = layout("全省高校技术合同成交额逐年增长，到2\n024年达56.80亿元。\n");
        assert_eq!(
            blocks[0].text,
            "全省高校技术合同成交额逐年增长，到2024年达56.80亿元。"
        );
    }

    #[test]
    fn column_wraps_join_and_paragraph_ends_split() {
        let page = "去年7月，湘潭经开区新发展集团有\n限公司完成中层管理岗位竞聘，16人从\n95名竞聘者中脱颖而出。\n同年8月，湘潭高新区湖南昭山投\n资控股集团有限公司也启动中层竞聘。\n通过“笔试+综合评价”的严格筛选，\n83人脱颖而出、获得聘用。\n当个人的奋斗与制度的变革同频共振，\n园区高质量发展就有了强力支撑。\n";
        let (blocks, _) = layout(page);
        let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "去年7月，湘潭经开区新发展集团有限公司完成中层管理岗位竞聘，16人从95名竞聘者中脱颖而出。",
                "同年8月，湘潭高新区湖南昭山投资控股集团有限公司也启动中层竞聘。通过“笔试+综合评价”的严格筛选，83人脱颖而出、获得聘用。",
                "当个人的奋斗与制度的变革同频共振，园区高质量发展就有了强力支撑。",
            ]
        );
    }

    /// Lines of `column` characters, a blank line after each (a double-spaced page).
    fn double_spaced(paragraphs: &[&str], column: usize) -> String {
        let mut page = String::new();
        for paragraph in paragraphs {
            let chars: Vec<char> = paragraph.chars().collect();
            for line in chars.chunks(column) {
                page.extend(line);
                page.push_str("\n\n");
            }
        }
        page
    }

    fn texts(page: &str) -> Vec<String> {
        layout(page).0.into_iter().map(|b| b.text).collect()
    }

    /// The page's paragraphs as laid out, headings and bylines aside.
    fn paragraphs(page: &str) -> Vec<String> {
        layout(page)
            .0
            .into_iter()
            .filter(|b| b.kind == BlockKind::Paragraph)
            .map(|b| b.text)
            .collect()
    }

    #[test]
    fn a_sentence_at_the_columns_edge_ends_its_paragraph_where_the_page_says_most_do() {
        // One sentence a paragraph: those short of the edge all end paragraphs, none ends
        // inside a line, so the first, which fills the column, ends its paragraph too.
        let paragraphs = [
            "联合国难民署发言人，今天在日内瓦说，已有二十四万人，从巴基斯坦返回家乡。",
            "吕贝尔斯说，他是在结束了对伊朗的访问后，抵达阿富汗的。",
            "他将于十七日前往巴基斯坦，与巴方官员会谈，讨论难民返乡和安置问题。",
            "难民署说，今年的返乡人数，将超过一百二十万人。",
            "巴方官员说，他们欢迎这次访问，并将提供帮助。",
        ];
        assert_eq!(paragraphs[0].chars().count() % 12, 0);
        assert_eq!(texts(&double_spaced(&paragraphs, 12)), paragraphs);
    }

    #[test]
    fn a_sentence_at_the_columns_edge_runs_on_where_the_page_says_most_do() {
        // Sentences end inside lines more often than paragraphs end short of the edge.
        let paragraphs = [
            "难民署说，今年返乡的人数，将超过一百万人次。他们多数来自巴基斯坦，难民署将提供帮助。各国也已承诺援助。",
            "他说，人数仍在增加。各国应当共同努力。",
            "巴方官员说，他们欢迎这次访问。难民署将提供帮助。",
            "吕贝尔斯说，他是在结束了对伊朗的访问后，抵达阿富汗的。他将前往巴基斯坦。",
        ];
        let first: String = paragraphs[0].chars().take(22).collect();
        assert!(first.ends_with('。'));
        assert_eq!(texts(&double_spaced(&paragraphs, 11)), paragraphs);
    }

    #[test]
    fn a_sentence_at_the_columns_edge_runs_on_where_paragraphs_are_set_apart_by_gaps() {
        // Single spaced, a blank line between paragraphs: an ordinary gap after a full line
        // says the paragraph goes on, whatever the odds.
        let page = "他将于十七日前往巴基斯坦，与\n巴方官员会谈，讨论难民返乡和\n安置等问题，并将访问难民营，\n看望当地的难民。难民署说，今\n年返乡人数，将超过一百万人。\n他们多数来自巴基斯坦和伊朗。\n\n吕贝尔斯说，他今天抵达阿富汗\n访问。\n\n难民署说，人数仍在增加，各国\n应当共同努力。\n\n巴方官员说，他们欢迎这次访问\n并将提供帮助。\n\n他说，难民问题十分重要，各国\n已承诺提供援助。\n";
        assert_eq!(
            texts(page)[0],
            "他将于十七日前往巴基斯坦，与巴方官员会谈，讨论难民返乡和安置等问题，并将访问难民营，看望当地的难民。难民署说，今年返乡人数，将超过一百万人。他们多数来自巴基斯坦和伊朗。"
        );
    }

    #[test]
    fn a_quote_closed_at_the_next_lines_start_belongs_to_the_sentence_before() {
        // `配置。` fills the second line; `”余伟良说。` opens the third.
        let paragraphs = [
            "“实现教育公平，关键在于资源的合理配置。”余伟良说。这是一件大事。",
            "吕贝尔斯说，他是在结束了对伊朗的访问后，抵达阿富汗的。",
            "他将于十七日前往巴基斯坦，与巴方官员会谈。",
            "巴方官员说，他们欢迎这次访问。",
        ];
        assert_eq!(texts(&double_spaced(&paragraphs, 10)), paragraphs);
    }

    #[test]
    fn a_line_well_short_of_the_column_on_a_colon_ends_its_paragraph() {
        let paragraphs = [
            "今年以来，湖南主要从三个方面持续发力，努力提高基本公共教育服务水平。",
            "主要做法是：",
            "一是优化学校布局，二是加强教师队伍建设，三是改善办学条件。",
        ];
        assert_eq!(texts(&double_spaced(&paragraphs, 12)), paragraphs);
        // A character short of the edge, a colon is a wrap the OCR ended early.
        let page = "园区规模工业增加值，增长了百分\n\n之八点七，改革成效转化为数据：\n\n税收增长了百分之十三点四，占全\n\n市比重进一步提高，成效明显。\n\n难民署说，人数仍在增加。\n";
        assert_eq!(texts(page).len(), 2, "{:?}", texts(page));
    }

    #[test]
    fn the_column_is_the_wider_of_two_common_widths_a_unit_apart() {
        // Full lines holding one digit are a unit narrower than those of Han alone.
        let page = "园区规模，工业增加值增长8个\n分点，全口径税收增长了很多，\n其中国家级园区税收增长6成，\n占全市比重大幅度提高，园区活\n力大幅度提升，比重提高了3成\n，抓经济的主动性明显增强。\n";
        let lines = split_lines(page);
        assert_eq!(column_width(&lines), Some(28));
    }
    #[test]
    fn a_line_wider_than_the_column_does_not_fill_it() {
        // A passage the OCR emitted again at a wider wrap: its last line, two characters
        // past the column (12), is no full line, and the sentence it finishes ends the
        // paragraph, though the page's sentences mostly run on at the edge.
        let mut page = double_spaced(
            &["难民署说，今年返乡的人数将超过一百万。他们多数来自巴基斯坦和伊朗。各国已承诺提供援助。难民署表示感谢，并呼吁各国继续支持。返乡的难民需要住房和工作。"],
            12,
        );
        page.push_str("这些人中有四成流入了大城市。\n\n吕贝尔斯将于十七日前往巴\n\n基斯坦访问。\n");
        let out = texts(&page);
        assert_eq!(
            out.last().map(String::as_str),
            Some("吕贝尔斯将于十七日前往巴基斯坦访问。"),
            "{out:?}"
        );
    }
}

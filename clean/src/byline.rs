//! Bylines and datelines, and the reporters' names they carry.
//!
//! A *byline* is a line of roles and names (`湖南日报全媒体记者 颜石敦 蒋睿 彭婷`). A
//! *dateline* opens an article's first paragraph: who filed it, when, and often who wrote it
//! (`湖南日报1月20日讯（全媒体记者 陈勇 见习记者 张燶文）`); it is split off the paragraph.

use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use crate::chars::is_han;

/// Chinese surnames, one a line with its class (`data/gazetteer/surnames.tsv`, the list
/// entity extraction reads): where two names run together in a byline (`钟翠花聂晓阳`), the
/// second begins with one.
const SURNAMES: &str = include_str!("../../data/gazetteer/surnames.tsv");

/// Whether `c` is a one-character surname.
fn is_surname(c: char) -> bool {
    static SET: OnceLock<HashSet<char>> = OnceLock::new();
    SET.get_or_init(|| {
        SURNAMES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .filter(|(s, class)| *class != "double" && s.chars().count() == 1)
            .filter_map(|(s, _)| s.chars().next())
            .collect()
    })
    .contains(&c)
}

/// Two names of two or three characters run together with nothing between them
/// (`钟翠花聂晓阳`: 钟翠花, 聂晓阳): five or six Han characters, each part opening with a
/// surname, and only one place to cut them so.
fn run_together(token: &str) -> Option<[String; 2]> {
    let c: Vec<char> = token.chars().collect();
    if !(5..=6).contains(&c.len()) || !c.iter().all(|&c| is_han(c)) || !is_surname(c[0]) {
        return None;
    }
    let cuts: Vec<usize> = (2..=3)
        .filter(|&k| (2..=3).contains(&(c.len() - k)) && is_surname(c[k]))
        .collect();
    match cuts[..] {
        [k] => Some([c[..k].iter().collect(), c[k..].iter().collect()]),
        _ => None,
    }
}

/// The names a byline's token holds: one, or two run together; a closing 报道 (记者赵兴林报道)
/// is no part of them.
fn names_of(token: &str) -> Option<Vec<String>> {
    let token = token.strip_suffix("报道").unwrap_or(token);
    match as_name(token) {
        Some(name) => Some(vec![name]),
        None => run_together(token).map(Vec::from),
    }
}

/// Role words, longest first so that `见习记者` wins over `记者`.
const ROLES: [&str; 16] = [
    "全媒体记者",
    "融媒体记者",
    "特约通讯员",
    "首席记者",
    "特约记者",
    "见习记者",
    "实习记者",
    "本报记者",
    "通讯员",
    "实习生",
    "撰稿人",
    "记者",
    "撰稿",
    "文/图",
    "文/",
    "图/",
];

/// The names in a byline, or `None` when the line is not one.
pub(crate) fn parse_byline(line: &str) -> Option<Vec<String>> {
    // Every role word has one of these characters (记者, 通讯员, 实习生, 撰稿, 文/): most
    // lines are rejected without a search.
    if line.len() > 48 * 3 || !line.contains(['记', '讯', '习', '撰', '/', '／']) {
        return None;
    }
    // A byline is names between spaces or 、; a line of running text has neither.
    if !line.contains([' ', '、']) && line.chars().count() > 12 {
        return None;
    }
    // Every token must be a name (2 to 4 Han characters, or names joined by ·) or carry a
    // role word: running text fails on its first long token, before any search.
    let plausible = |t: &str| {
        let n = t.chars().count();
        (2..=12).contains(&n)
            && (n <= 4 || t.contains('·') || t.contains(['记', '讯', '习', '撰', '/', '／']))
    };
    if !line
        .split([' ', '、'])
        .filter(|t| !t.is_empty())
        .all(plausible)
    {
        return None;
    }
    let line = line.replace('／', "/");
    if line.chars().count() > 48 || line.contains(['。', '，', '！', '？']) {
        return None;
    }
    let mut names = Vec::new();
    let mut roles = 0;
    for token in line.split([' ', '、']).filter(|t| !t.is_empty()) {
        match split_role(token) {
            Some(rest) => {
                roles += 1;
                if !rest.is_empty() {
                    names.extend(names_of(rest)?);
                }
            }
            // A news-flash mark (`本报讯`, `中新网讯`) opens the line; it names no one.
            None if token.ends_with('讯') && token.chars().count() <= 6 => {}
            None => names.extend(names_of(token)?),
        }
    }
    (roles > 0 && !names.is_empty()).then_some(names)
}

/// The names of an end credit, the line in brackets that closes an article with who wrote
/// or supplied it: `(刘亮明 陈建军)`, `（新华社供稿）` (no names).
pub(crate) fn end_credit(line: &str) -> Option<Vec<String>> {
    if line.len() > 40 * 3 {
        return None;
    }
    let inner = line
        .strip_prefix(['(', '（'])?
        .strip_suffix([')', '）'])?
        .trim();
    if ["新华社供稿", "新华社稿", "本报综合", "综合消息"].contains(&inner) {
        return Some(Vec::new());
    }
    let names: Vec<&str> = inner
        .split([' ', '　', '、'])
        .filter(|t| !t.is_empty())
        .collect();
    let is_name = |t: &&str| (2..=4).contains(&t.chars().count()) && t.chars().all(is_han);
    // One bare name in brackets is as often a gloss (`(英国)`): two or more, or a role word.
    (names.len() >= 2 && names.len() <= 6 && names.iter().all(is_name))
        .then(|| names.iter().map(|n| n.to_string()).collect())
}

/// Strips a role word (and a paper's name before it) from a token: `湖南日报全媒体记者陈勇`
/// gives `陈勇`. `None` when the token has no role word.
fn split_role(token: &str) -> Option<&str> {
    ROLES.iter().find_map(|role| {
        // A plain scan: tokens are a few characters long, and `str::find` builds a searcher
        // for every role word it looks for (measured: a third of byline parsing).
        let at = token
            .as_bytes()
            .windows(role.len())
            .position(|w| w == role.as_bytes())?;
        let prefix = &token[..at];
        (prefix.chars().count() <= 8).then(|| &token[at + role.len()..])
    })
}

fn as_name(token: &str) -> Option<String> {
    let n = token.chars().count();
    let ok = (2..=4).contains(&n) && token.chars().all(is_han)
        || (3..=12).contains(&n)
            && token.contains('·')
            && token.chars().all(|c| is_han(c) || c == '·');
    ok.then(|| token.to_string())
}

/// A dateline split off the start of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dateline {
    pub text: String,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub month_day: Option<(u32, u32)>,
}

/// Splits a dateline off `paragraph`, returning it and the rest of the paragraph.
pub(crate) fn split_dateline(paragraph: &str) -> Option<(Dateline, &str)> {
    // Every dateline has `讯` or `电` within its first 80 characters: most paragraphs are
    // turned away by two byte searches, before any character is decoded or stored.
    // 80 characters are at most 320 bytes; a longer head only lets more through.
    let mut head_end = paragraph.len().min(320);
    while !paragraph.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let head = &paragraph[..head_end];
    if !head.contains('讯') && !head.contains('电') {
        return None;
    }
    if let Some(wire) = wire_dateline(paragraph) {
        return Some(wire);
    }
    let chars: Vec<(usize, char)> = paragraph.char_indices().take(80).collect();
    // The filing place: up to 12 Han characters before the date or `讯`.
    let mut i = 0;
    while i < chars.len() && i < 12 && is_han(chars[i].1) && !matches!(chars[i].1, '讯' | '电') {
        if chars[i].1.is_ascii_digit() {
            break;
        }
        i += 1;
    }
    let (year, month_day, after_date) = parse_date(&chars, i);
    let j = after_date;
    let marker = chars.get(j).map(|&(_, c)| c);
    if !matches!(marker, Some('讯' | '电')) {
        return None;
    }
    let prefix: String = chars[..i].iter().map(|&(_, c)| c).collect();
    if month_day.is_none() && !prefix.starts_with("本报") {
        return None;
    }
    if prefix.is_empty() && month_day.is_none() {
        return None;
    }
    let mut end = j + 1;
    let mut authors = Vec::new();
    if matches!(chars.get(end).map(|&(_, c)| c), Some('（' | '(')) {
        if let Some(close) = chars[end..]
            .iter()
            .position(|&(_, c)| matches!(c, '）' | ')'))
            .filter(|&k| k <= 40)
        {
            let inner: String = chars[end + 1..end + close]
                .iter()
                .map(|&(_, c)| c)
                .collect();
            authors = parse_byline(&inner).unwrap_or_default();
            end += close + 1;
        }
    }
    let split_at = chars.get(end).map_or(paragraph.len(), |&(b, _)| b);
    let rest = paragraph[split_at..].trim_start();
    let text = paragraph[..split_at].to_string();
    Some((
        Dateline {
            text,
            authors,
            year,
            month_day,
        },
        rest,
    ))
}

/// A wire service's dateline in brackets at the start of a paragraph: `(法新社巴黎七日电)`,
/// `（汉城路透电）`, `(耶路撒冷综合电)`: place, agency and day, closed by `电`.
fn wire_dateline(paragraph: &str) -> Option<(Dateline, &str)> {
    let inner_start = paragraph
        .strip_prefix('(')
        .or_else(|| paragraph.strip_prefix('（'))?;
    let close = inner_start.find([')', '）'])?;
    let inner = &inner_start[..close];
    let n = inner.chars().count();
    let filed = inner.strip_suffix('电')?;
    if !(3..=24).contains(&n)
        || !filed
            .chars()
            .all(|c| is_han(c) || c.is_ascii_digit() || c == '·')
    {
        return None;
    }
    let split_at = paragraph.len() - inner_start.len()
        + close
        + inner_start[close..].chars().next()?.len_utf8();
    let rest = paragraph[split_at..].trim_start();
    Some((
        Dateline {
            text: paragraph[..split_at].to_string(),
            authors: Vec::new(),
            year: None,
            month_day: None,
        },
        rest,
    ))
}

/// Parses `2026年1月20日` or `1月20日` at `chars[i..]`; returns the index after it (or `i`).
fn parse_date(chars: &[(usize, char)], i: usize) -> (Option<i32>, Option<(u32, u32)>, usize) {
    let number = |mut k: usize| {
        let start = k;
        let mut value = 0u32;
        while k < chars.len() && chars[k].1.is_ascii_digit() && k - start < 4 {
            value = value * 10 + chars[k].1.to_digit(10).unwrap_or(0);
            k += 1;
        }
        (k > start).then_some((value, k))
    };
    let mut k = i;
    let mut year = None;
    if let Some((value, after)) = number(k) {
        if chars.get(after).map(|&(_, c)| c) == Some('年') && after - k == 4 {
            year = Some(value as i32);
            k = after + 1;
        }
    }
    let Some((month, after)) = number(k) else {
        return (None, None, i);
    };
    if chars.get(after).map(|&(_, c)| c) != Some('月') {
        return (None, None, i);
    }
    let Some((day, after_day)) = number(after + 1) else {
        return (None, None, i);
    };
    if chars.get(after_day).map(|&(_, c)| c) != Some('日')
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return (None, None, i);
    }
    (year, Some((month, day)), after_day + 1)
}

impl Dateline {
    /// The date the dateline gives, taking the year from `anchor` (the page's fallback date)
    /// when it gives none: the latest such date not after the anchor, since a paper reports
    /// what already happened.
    pub(crate) fn date(&self, anchor: Option<NaiveDate>) -> Option<NaiveDate> {
        let (month, day) = self.month_day?;
        if let Some(year) = self.year {
            return NaiveDate::from_ymd_opt(year, month, day);
        }
        let anchor = anchor?;
        let this_year = NaiveDate::from_ymd_opt(anchor.year(), month, day);
        match this_year {
            Some(date) if date <= anchor + chrono::Days::new(1) => Some(date),
            _ => NaiveDate::from_ymd_opt(anchor.year() - 1, month, day),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_credits_name_their_authors() {
        assert_eq!(
            end_credit("(刘亮明 陈建军)"),
            Some(vec!["刘亮明".to_string(), "陈建军".to_string()])
        );
        assert_eq!(end_credit("（新华社供稿）"), Some(Vec::new()));
        for line in ["(英国)", "(完)", "(附图片1张)", "(据新华社电 记者报道说明)"]
        {
            assert_eq!(end_credit(line), None, "{line}");
        }
    }

    #[test]
    fn wire_datelines_in_brackets_are_split_off() {
        for (paragraph, dateline, rest) in [
            (
                "(法新社巴黎七日电)辛吉丝今天表示她无意返回球场。",
                "(法新社巴黎七日电)",
                "辛吉丝今天表示她无意返回球场。",
            ),
            (
                "（汉城路透电）25名寻求庇护的朝鲜人昨抵达汉城。",
                "（汉城路透电）",
                "25名寻求庇护的朝鲜人昨抵达汉城。",
            ),
            (
                "(耶路撒冷综合电)以色列总理萨隆昨天说。",
                "(耶路撒冷综合电)",
                "以色列总理萨隆昨天说。",
            ),
        ] {
            let (found, after) = split_dateline(paragraph).expect(paragraph);
            assert_eq!((found.text.as_str(), after), (dateline, rest));
        }
        // A bracket that is not a dateline stays in the paragraph.
        for paragraph in ["(图片)市民在公园晨练。", "(完)", "(据报道)今天有雨。"]
        {
            assert!(split_dateline(paragraph).is_none(), "{paragraph}");
        }
    }

    #[test]
    fn bylines_give_their_names() {
        let cases: [(&str, Option<&[&str]>); 7] = [
            (
                "湖南日报全媒体记者 颜石敦 蒋睿 彭婷",
                Some(&["颜石敦", "蒋睿", "彭婷"]),
            ),
            ("本报记者 张三 通讯员 李四", Some(&["张三", "李四"])),
            ("记者王五、赵六", Some(&["王五", "赵六"])),
            ("本报讯 记者 雷洁锦 程菁勇", Some(&["雷洁锦", "程菁勇"])),
            ("文/图 欧阳小明", Some(&["欧阳小明"])),
            ("湖南省第二届民政行业职业技能大赛开赛", None),
            ("记者从会上了解到，近年来", None),
        ];
        for (line, want) in cases {
            let got = parse_byline(line);
            let want = want.map(|names| names.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(got, want, "{line}");
        }
    }

    #[test]
    fn datelines_are_split_off_with_their_reporters() {
        let paragraph =
            "湖南日报1月20日讯（全媒体记者 陈勇 见习记者 张燶文）今天，大赛在长沙开赛。";
        let (dateline, rest) = split_dateline(paragraph).expect("dateline");
        assert_eq!(
            dateline.text,
            "湖南日报1月20日讯（全媒体记者 陈勇 见习记者 张燶文）"
        );
        assert_eq!(dateline.authors, ["陈勇", "张燶文"]);
        assert_eq!(rest, "今天，大赛在长沙开赛。");
        // Two names run together, cut where the second's surname begins.
        let (joined, _) =
            split_dateline("新华社香港1月5日电（记者钟翠花聂晓阳）香港特区政府今天宣布。")
                .expect("dateline");
        assert_eq!(joined.authors, ["钟翠花", "聂晓阳"]);
        // Two places to cut (王小 李明华? 王小李 明华?): no names rather than wrong ones.
        assert_eq!(run_together("王小李明华"), None);
        assert_eq!(
            parse_byline("本报讯 记者赵兴林报道"),
            Some(vec!["赵兴林".to_string()])
        );
        assert_eq!(
            run_together("王明李晓华").map(Vec::from),
            Some(vec!["王明".to_string(), "李晓华".to_string()])
        );
        let anchor = NaiveDate::from_ymd_opt(2026, 1, 21);
        assert_eq!(dateline.date(anchor), NaiveDate::from_ymd_opt(2026, 1, 20));
        assert_eq!(dateline.date(None), None);

        let (dateline, rest) =
            split_dateline("新华社北京2025年12月30日电 全国会议召开。").expect("dateline");
        assert_eq!(dateline.date(None), NaiveDate::from_ymd_opt(2025, 12, 30));
        assert_eq!(rest, "全国会议召开。");
        assert!(split_dateline("本报讯（记者 李四）会议召开。").is_some());
        for paragraph in ["1月20日，湘潭高新区产业发展局副局长", "记者从会上了解到"]
        {
            assert!(split_dateline(paragraph).is_none(), "{paragraph}");
        }
    }
}

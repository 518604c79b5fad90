//! The quantity scanner: one pass over a paragraph's characters.
//!
//! A *figure* is a number with what qualifies it: approximation words before it (`近`, `超`,
//! `约`) or after it (`余`, `多`, `左右`, `以上`), a scale (`万`, `亿`), a second number that
//! makes it a range (`3至5个`), and a unit that decides its kind: a measure word (count),
//! a currency (money), `%` or `个百分点` (percent), a physical unit (measure), a time unit
//! (duration), `第…` (ordinal), or calendar words (date). Numbers with no unit are not
//! figures. Words segmenters split `19.32/亿元`, so this works on characters.
//!
//! What is *not* a figure, by rule:
//! - a bare Chinese `一` before a measure word is a determiner (`一场`, `一次`, `一大亮点`);
//! - anything inside a short quoted phrase (≤ 8 characters) is a name or slogan
//!   (`“二十条措施”`, `“两个覆盖”`, `“最后一百米”`);
//! - numerals that no unit follows (`十四五`, `三湘`, `两主一特`, `千方百计`);
//! - `第N` followed by anything but a measure word (`第一方阵`, `第二故乡`).
//!
//! Intervals (`value_low`, `value_high`): `余`/`多`/`来` after a number allow up to the next
//! step of its last written digit (90余 → 90..100, 4万多 → 40000..50000); `超`/`逾`/`以上`
//! leave the top open; `以下`/`不超过` leave the bottom open; `约`/`左右`/`上下` are a ±10%
//! band; `近` is the 10% below the number. Dates resolve against the article's publication
//! date: `去年7月` → 2025-07 when published in 2026; a month and day with no year take the
//! year that puts them nearest the publication date.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::numeral::{self, Numeral};
use crate::{Approx, Change, Quantity, QuantityKind};

/// A figure at `start..end` of `chars`, with nothing but its kind known yet. The extractor
/// sets `article` and `paragraph` when it places the paragraph in the page.
fn figure(start: usize, end: usize, kind: QuantityKind, chars: &[char]) -> Quantity {
    Quantity {
        article: 0,
        paragraph: 0,
        start: start as u32,
        end: end as u32,
        kind,
        text: chars[start..end].iter().collect(),
        value: None,
        value_low: None,
        value_high: None,
        unit: None,
        approx: None,
        iso: None,
        date_start: None,
        date_end: None,
        subject: None,
        change: None,
    }
}

struct Unit {
    word: &'static str,
    kind: QuantityKind,
    /// What the `unit` column says (`个月` → `月`).
    name: &'static str,
}

const fn unit(word: &'static str, kind: QuantityKind, name: &'static str) -> Unit {
    Unit { word, kind, name }
}

use QuantityKind::{Count, Duration, Measure, Money, Percent};

/// Units after a number, tried longest first.
const UNITS: &[Unit] = &[
    unit("个百分点", Percent, "个百分点"),
    unit("百分点", Percent, "个百分点"),
    unit("%", Percent, "%"),
    unit("‰", Percent, "‰"),
    unit("元人民币", Money, "元"),
    unit("元", Money, "元"),
    unit("块钱", Money, "元"),
    unit("美元", Money, "美元"),
    unit("欧元", Money, "欧元"),
    unit("港元", Money, "港元"),
    unit("港币", Money, "港元"),
    unit("日元", Money, "日元"),
    unit("英镑", Money, "英镑"),
    unit("韩元", Money, "韩元"),
    unit("澳元", Money, "澳元"),
    unit("加元", Money, "加元"),
    unit("卢布", Money, "卢布"),
    unit("千瓦时", Measure, "千瓦时"),
    unit("千伏安", Measure, "千伏安"),
    unit("千伏", Measure, "千伏"),
    unit("千瓦", Measure, "千瓦"),
    unit("兆瓦", Measure, "兆瓦"),
    unit("吉瓦", Measure, "吉瓦"),
    unit("伏", Measure, "伏"),
    unit("平方公里", Measure, "平方公里"),
    unit("平方千米", Measure, "平方千米"),
    unit("平方米", Measure, "平方米"),
    unit("立方米", Measure, "立方米"),
    unit("公里", Measure, "公里"),
    unit("千米", Measure, "千米"),
    unit("厘米", Measure, "厘米"),
    unit("毫米", Measure, "毫米"),
    unit("米", Measure, "米"),
    unit("公顷", Measure, "公顷"),
    unit("亩", Measure, "亩"),
    unit("吨", Measure, "吨"),
    unit("千克", Measure, "千克"),
    unit("公斤", Measure, "公斤"),
    unit("克", Measure, "克"),
    unit("毫升", Measure, "毫升"),
    unit("升", Measure, "升"),
    unit("摄氏度", Measure, "摄氏度"),
    unit("℃", Measure, "摄氏度"),
    unit("个多小时", Duration, "小时"),
    unit("个小时", Duration, "小时"),
    unit("小时", Duration, "小时"),
    unit("分钟", Duration, "分钟"),
    unit("秒钟", Duration, "秒"),
    unit("个多月", Duration, "月"),
    unit("个月", Duration, "月"),
    unit("个多星期", Duration, "周"),
    unit("个星期", Duration, "周"),
    unit("个工作日", Duration, "工作日"),
    unit("工作日", Duration, "工作日"),
    unit("星期", Duration, "周"),
    unit("周年", Duration, "年"),
    unit("周", Duration, "周"),
    unit("天", Duration, "天"),
    unit("年", Duration, "年"),
    unit("人次", Count, "人次"),
    unit("台套", Count, "台套"),
    unit("台次", Count, "台次"),
    unit("架次", Count, "架次"),
    unit("辆次", Count, "辆次"),
    unit("户次", Count, "户次"),
    unit("个", Count, "个"),
    unit("项", Count, "项"),
    unit("名", Count, "名"),
    unit("人", Count, "人"),
    unit("位", Count, "位"),
    unit("家", Count, "家"),
    unit("所", Count, "所"),
    unit("辆", Count, "辆"),
    unit("件", Count, "件"),
    unit("台", Count, "台"),
    unit("座", Count, "座"),
    unit("条", Count, "条"),
    unit("只", Count, "只"),
    unit("头", Count, "头"),
    unit("套", Count, "套"),
    unit("批", Count, "批"),
    unit("场", Count, "场"),
    unit("次", Count, "次"),
    unit("届", Count, "届"),
    unit("户", Count, "户"),
    unit("间", Count, "间"),
    unit("张", Count, "张"),
    unit("本", Count, "本"),
    unit("篇", Count, "篇"),
    unit("部", Count, "部"),
    unit("份", Count, "份"),
    unit("支", Count, "支"),
    unit("片", Count, "片"),
    unit("块", Count, "块"),
    unit("处", Count, "处"),
    unit("类", Count, "类"),
    unit("种", Count, "种"),
    unit("期", Count, "期"),
    unit("轮", Count, "轮"),
    unit("架", Count, "架"),
    unit("艘", Count, "艘"),
    unit("栋", Count, "栋"),
    unit("层", Count, "层"),
    unit("起", Count, "起"),
    unit("宗", Count, "宗"),
    unit("笔", Count, "笔"),
    unit("岁", Count, "岁"),
    unit("倍", Count, "倍"),
    unit("款", Count, "款"),
    unit("株", Count, "株"),
    unit("棵", Count, "棵"),
    unit("例", Count, "例"),
    unit("枚", Count, "枚"),
    unit("颗", Count, "颗"),
    unit("道", Count, "道"),
    unit("首", Count, "首"),
    unit("幅", Count, "幅"),
    unit("集", Count, "集"),
    unit("组", Count, "组"),
    unit("对", Count, "对"),
    unit("双", Count, "双"),
    unit("根", Count, "根"),
    unit("节", Count, "节"),
    unit("章", Count, "章"),
    unit("级", Count, "级"),
];

fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    (at..)
        .zip(word.chars())
        .all(|(k, c)| chars.get(k) == Some(&c))
}

fn word_len(word: &str) -> usize {
    word.chars().count()
}

fn match_word<'w>(chars: &[char], at: usize, words: &[&'w str]) -> Option<&'w str> {
    chars.get(at)?;
    // Compared a character at a time from the first: `str::starts_with(char)` would encode
    // the character and call memcmp for every word.
    words.iter().copied().find(|w| starts_with(chars, at, w))
}

/// The approximation word after a figure at `at`, if any.
fn suffix_at(chars: &[char], at: usize) -> Option<(&'static str, Approx)> {
    let first = *chars.get(at)?;
    if !matches!(first, '左' | '上' | '以' | '之') {
        return None;
    }
    SUFFIXES
        .iter()
        .find(|(w, _)| starts_with(chars, at, w))
        .copied()
}

/// The units that start with each character, in [`UNITS`] order (longest first). Built once:
/// a number then tries the two or three units its next character can start, not all of them.
/// Units by their first character: (character, [(the unit's characters, unit)]).
type UnitIndex = Vec<(char, Vec<(Vec<char>, &'static Unit)>)>;

/// Sorted by first character (a binary search of a few hundred characters beats hashing
/// one), each with its units' characters.
fn units_by_first_char() -> &'static UnitIndex {
    static INDEX: std::sync::OnceLock<UnitIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: UnitIndex = Vec::new();
        for unit in UNITS {
            let chars: Vec<char> = unit.word.chars().collect();
            let Some(&first) = chars.first() else {
                continue;
            };
            match index.iter_mut().find(|(c, _)| *c == first) {
                Some((_, list)) => list.push((chars, unit)),
                None => index.push((first, vec![(chars, unit)])),
            }
        }
        index.sort_by_key(|(c, _)| *c);
        index
    })
}

fn match_unit(chars: &[char], at: usize) -> Option<&'static Unit> {
    let first = *chars.get(at)?;
    let index = units_by_first_char();
    let at_first = index.binary_search_by_key(&first, |(c, _)| *c).ok()?;
    index[at_first]
        .1
        .iter()
        .find(|(word, _)| chars[at..].starts_with(word))
        .map(|&(_, unit)| unit)
}

/// Approximation words before a number, longest first.
const PREFIXES: &[(&str, Approx)] = &[
    ("将近", Approx::Nearly),
    ("接近", Approx::Nearly),
    ("近", Approx::Nearly),
    ("大约", Approx::About),
    ("约", Approx::About),
    ("超过", Approx::Over),
    ("超", Approx::Over),
    ("逾", Approx::Over),
    ("不少于", Approx::AtLeast),
    ("不低于", Approx::AtLeast),
    ("至少", Approx::AtLeast),
    ("不超过", Approx::AtMost),
    ("不高于", Approx::AtMost),
    ("至多", Approx::AtMost),
];

/// Approximation words after a unit.
const SUFFIXES: &[(&str, Approx)] = &[
    ("左右", Approx::About),
    ("上下", Approx::About),
    ("以上", Approx::AtLeast),
    ("之多", Approx::AtLeast),
    ("以下", Approx::AtMost),
    ("以内", Approx::AtMost),
];

const RANGE_WORDS: &[&str] = &["至", "到", "-", "~", "～", "—", "－"];

fn approx_interval(
    value: f64,
    approx: Option<Approx>,
    step_high: Option<f64>,
) -> (Option<f64>, Option<f64>) {
    match approx {
        None => (Some(value), Some(value)),
        Some(Approx::Over) => (Some(value), step_high),
        Some(Approx::AtLeast) => (Some(value), None),
        Some(Approx::AtMost) => (None, Some(value)),
        Some(Approx::About) => (Some(value * 0.9), Some(value * 1.1)),
        Some(Approx::Nearly) => (Some(value * 0.9), Some(value)),
    }
}

/// Whether a figure at `start..end`, after an opening quote at `open` (if the scan is inside
/// one), lies inside a short quoted phrase: a name or slogan.
fn in_short_quote(chars: &[char], open: Option<usize>, end: usize) -> bool {
    let Some(open) = open else {
        return false;
    };
    let close = chars[end..]
        .iter()
        .take(10)
        .position(|&c| c == '”' || c == '“');
    match close {
        Some(k) if chars[end + k] == '”' => end + k - open - 1 <= 8,
        _ => false,
    }
}

/// State carried along a paragraph: the last year named, for `同年`.
struct Context {
    anchor: Option<NaiveDate>,
    last_year: Option<i32>,
}

/// Finds every figure in `text`.
#[cfg(test)]
pub(crate) fn scan(text: &str, anchor: Option<NaiveDate>) -> Vec<Quantity> {
    let mut found = Vec::new();
    scan_into(&mut Vec::new(), text, anchor, &mut found);
    found
}

/// Appends every figure in `text` to `found`, decoding the text into `chars` (a buffer
/// reused across paragraphs, so a page costs one allocation for its characters). Returns
/// the index in `found` of the first figure added.
pub(crate) fn scan_into(
    chars: &mut Vec<char>,
    text: &str,
    anchor: Option<NaiveDate>,
    found: &mut Vec<Quantity>,
) -> usize {
    let first = found.len();
    chars.clear();
    chars.reserve(text.len());
    chars.extend(text.chars());
    let chars: &[char] = chars;
    let mut ctx = Context {
        anchor,
        last_year: None,
    };
    let mut i = 0;
    // The opening quote the scan is inside, if any.
    let mut open_quote = None;
    while i < chars.len() {
        let c = chars[i];
        if c == '“' {
            open_quote = Some(i);
        } else if c == '”' {
            open_quote = None;
        }
        if !could_start(chars, i) {
            i += 1;
            continue;
        }
        match figure_at(chars, i, &mut ctx) {
            Some(mut f) => {
                i = f.end as usize;
                if !in_short_quote(chars, open_quote, i) {
                    add_context(chars, &mut f);
                    found.push(f);
                }
            }
            None => {
                // Skip the rest of a number that did not make a figure, so its tail is not
                // read as a figure of its own (`十四五` is not `四五`).
                let in_number = numeral::starts_number(c);
                i += 1;
                while in_number && i < chars.len() && numeral::starts_number(chars[i]) {
                    i += 1;
                }
            }
        }
    }
    first
}

/// Characters a figure can start with besides ASCII digits: Chinese numerals and the first
/// characters of approximation words, relative dates, `第` and `百分之`.
const TRIGGERS: &str =
    "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾廿卅第近约逾超百去前同今明昨上下本这将接大不至";
const CJK_START: u32 = 0x3000;
const CJK_END: u32 = 0xA000;

/// [`TRIGGERS`] as a bitset over U+3000..U+A000, built at compile time: testing a character
/// is one load, which matters because every character of every paragraph is tested.
static TRIGGER_BITS: [u64; ((CJK_END - CJK_START) / 64) as usize] = {
    let mut bits = [0u64; ((CJK_END - CJK_START) / 64) as usize];
    let bytes = TRIGGERS.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        // Every trigger is a three-byte UTF-8 sequence.
        let c = ((bytes[k] as u32 & 0x0F) << 12)
            | ((bytes[k + 1] as u32 & 0x3F) << 6)
            | (bytes[k + 2] as u32 & 0x3F);
        let at = c - CJK_START;
        bits[(at / 64) as usize] |= 1 << (at % 64);
        k += 3;
    }
    bits
};

fn is_trigger(c: char) -> bool {
    let u = c as u32;
    (CJK_START..CJK_END).contains(&u) && {
        let at = u - CJK_START;
        TRIGGER_BITS[(at / 64) as usize] >> (at % 64) & 1 == 1
    }
}

/// Whether a figure may start at `i`: a numeral, or a word that starts one (an
/// approximation word, a relative date, `第`, `百分之`) judged by its first two characters,
/// so the common characters among them (上, 下, 不, 大, 本…) cost one comparison.
fn could_start(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if c.is_ascii_digit() {
        return true;
    }
    if !is_trigger(c) {
        return false;
    }
    if numeral::starts_number(c) {
        return true;
    }
    let Some(&next) = chars.get(i + 1) else {
        return false;
    };
    let number_next = numeral::starts_number(next);
    match c {
        '第' | '近' | '约' | '逾' => number_next,
        '超' => number_next || next == '过',
        '百' => next == '分',
        '去' | '前' | '同' => matches!(next, '年' | '天'),
        '今' | '明' | '昨' => matches!(next, '年' | '天' | '日'),
        '上' | '下' | '本' | '这' => matches!(next, '月' | '个' | '年'),
        '将' | '接' => next == '近',
        '大' => next == '约',
        '不' => matches!(next, '少' | '低' | '超' | '高'),
        '至' => matches!(next, '少' | '多'),
        _ => false,
    }
}

const RELATIVE_YEARS: &[(&str, i32)] = &[
    ("前年", -2),
    ("去年", -1),
    ("今年", 0),
    ("本年", 0),
    ("明年", 1),
    ("同年", 0),
];
const RELATIVE_MONTHS: &[(&str, i32)] = &[
    ("上个月", -1),
    ("上月", -1),
    ("本月", 0),
    ("这个月", 0),
    ("下个月", 1),
    ("下月", 1),
];
const RELATIVE_DAYS: &[(&str, i64)] = &[
    ("前天", -2),
    ("昨天", -1),
    ("昨日", -1),
    ("今天", 0),
    ("今日", 0),
    ("明天", 1),
    ("明日", 1),
];

fn figure_at(chars: &[char], i: usize, ctx: &mut Context) -> Option<Quantity> {
    if let Some(f) = relative_date(chars, i, ctx) {
        return Some(f);
    }
    if chars[i] == '第' {
        return ordinal(chars, i);
    }
    if starts_with(chars, i, "百分之") {
        return percent_words(chars, i);
    }
    // Approximation words before a number.
    let mut start_number = i;
    let mut prefix = None;
    if !numeral::starts_number(chars[i]) {
        let (word, approx) = PREFIXES.iter().find(|(w, _)| starts_with(chars, i, w))?;
        let after = i + word_len(word);
        if !chars.get(after).is_some_and(|&c| numeral::starts_number(c)) {
            return None;
        }
        start_number = after;
        prefix = Some(*approx);
    }
    if let Some(f) = absolute_date(chars, i, start_number, ctx) {
        return Some(f);
    }
    number_figure(chars, i, start_number, prefix)
}

fn number_figure(
    chars: &[char],
    start: usize,
    at: usize,
    prefix: Option<Approx>,
) -> Option<Quantity> {
    let first = numeral::parse(chars, at)?;
    if !first.chinese && at > 0 && chars[at - 1].is_ascii_alphanumeric() {
        return None; // part of a code such as LCV2
    }
    let mut value = first.value;
    let mut step = first.step;
    let mut k = first.end;
    let mut approx = prefix;
    let mut over = false;
    // 余/多/来 may come before or after a scale: 320余万, 4万多.
    let take_over = |k: &mut usize| {
        if matches!(chars.get(*k), Some('余' | '多')) {
            *k += 1;
            true
        } else {
            false
        }
    };
    over |= take_over(&mut k);
    while let Some(s) = chars.get(k).and_then(|&c| numeral::scale(c)) {
        // 千伏, 千米, 千克, 千瓦: the character belongs to the unit, not the number.
        if chars[k] == '千' && match_unit(chars, k).is_some() {
            break;
        }
        if first.chinese && !matches!(chars[k], '万' | '亿') {
            break;
        }
        value *= s;
        step *= s;
        k += 1;
    }
    over |= take_over(&mut k);
    // A range: 3至5个, 3-5个.
    let mut range_high = None;
    if let Some(word) = match_word(chars, k, RANGE_WORDS) {
        let after = k + word_len(word);
        if let Some(second) = numeral::parse(chars, after) {
            let mut high = second.value;
            let mut k2 = second.end;
            while let Some(s) = chars.get(k2).and_then(|&c| numeral::scale(c)) {
                if chars[k2] == '千' && match_unit(chars, k2).is_some() {
                    break;
                }
                high *= s;
                k2 += 1;
            }
            if match_unit(chars, k2).is_some() && high >= value {
                range_high = Some(high);
                k = k2;
            }
        }
    }
    let unit = match_unit(chars, k)?;
    // A bare Chinese 一 (or 一个) before a measure word is a determiner, not a figure.
    if first.chinese
        && first.value == 1.0
        && first.end - at == 1
        && unit.kind != QuantityKind::Percent
    {
        return None;
    }
    // A four-digit number before 年 is a year, handled as a date.
    if unit.word == "年" && first.arabic_digits == 4 {
        return None;
    }
    // 年 after a number is a duration only when not followed by a month (that is a date).
    if unit.kind == Duration
        && unit.word == "年"
        && chars.get(k + 1).is_some_and(|&c| numeral::starts_number(c))
    {
        return None;
    }
    k += word_len(unit.word);
    if unit.word.contains('多') {
        over = true;
    }
    // 两年多, 三天多: 多 after a time unit.
    if unit.kind == Duration && chars.get(k) == Some(&'多') {
        over = true;
        k += 1;
    }
    if chars.get(k) == Some(&'来') && unit.kind == Duration {
        k += 1; // 五年来: over the past five years
    }
    if let Some((word, a)) = suffix_at(chars, k) {
        approx = Some(a);
        k += word_len(word);
    }
    if over && approx.is_none() {
        approx = Some(Approx::Over);
    }
    let mut f = figure(start, k, unit.kind, chars);
    f.unit = Some(unit.name.to_string());
    f.value = Some(value);
    if let Some(high) = range_high {
        f.value_low = Some(value);
        f.value_high = Some(high);
    } else {
        let step_high = over.then_some(value + step);
        let (low, high) = approx_interval(value, approx, step_high);
        f.value_low = low;
        f.value_high = high;
    }
    f.approx = approx;
    Some(f)
}

fn ordinal(chars: &[char], i: usize) -> Option<Quantity> {
    let n = numeral::parse(chars, i + 1)?;
    let unit = match_unit(chars, n.end).filter(|u| u.kind == Count)?;
    let end = n.end + word_len(unit.word);
    let mut f = figure(i, end, QuantityKind::Ordinal, chars);
    f.value = Some(n.value);
    f.value_low = Some(n.value);
    f.value_high = Some(n.value);
    f.unit = Some(unit.name.to_string());
    Some(f)
}

fn percent_words(chars: &[char], i: usize) -> Option<Quantity> {
    let at = i + 3;
    let n = numeral::parse(chars, at)?;
    let mut value = n.value;
    let mut k = n.end;
    if chars.get(k) == Some(&'点') {
        if let Some(d) = numeral::parse(chars, k + 1) {
            value += d.value / 10f64.powi((d.end - k - 1) as i32);
            k = d.end;
        }
    }
    let mut approx = None;
    if let Some((word, a)) = suffix_at(chars, k) {
        approx = Some(a);
        k += word_len(word);
    }
    let mut f = figure(i, k, QuantityKind::Percent, chars);
    f.value = Some(value);
    let (low, high) = approx_interval(value, approx, None);
    f.value_low = low;
    f.value_high = high;
    f.approx = approx;
    f.unit = Some("%".to_string());
    Some(f)
}

/// A calendar position: year, month and day as far as the text gives them.
#[derive(Clone, Copy, Debug, Default)]
struct CalendarDate {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
}

fn read_small(chars: &[char], at: usize, max: f64) -> Option<Numeral> {
    let n = numeral::parse(chars, at)?;
    (n.value >= 1.0 && n.value <= max && n.value.fract() == 0.0).then_some(n)
}

/// Reads `[Y年][M月][D日]` at `at`, requiring a month or a four-digit year.
fn read_calendar(chars: &[char], at: usize) -> Option<(CalendarDate, usize)> {
    let mut date = CalendarDate::default();
    let mut k = at;
    if let Some(n) = numeral::parse(chars, at) {
        let is_year = (n.arabic_digits == 4 || (n.chinese && n.end - at == 4))
            && (1800.0..=2200.0).contains(&n.value)
            && chars.get(n.end) == Some(&'年');
        if is_year {
            date.year = Some(n.value as i32);
            k = n.end + 1;
        }
    }
    if let Some(m) = read_small(chars, k, 12.0) {
        if chars.get(m.end) == Some(&'月') {
            date.month = Some(m.value as u32);
            k = m.end + 1;
            if let Some(d) = read_small(chars, k, 31.0) {
                if matches!(chars.get(d.end), Some('日' | '号')) {
                    date.day = Some(d.value as u32);
                    k = d.end + 1;
                }
            }
        }
    }
    if date.year.is_none() && date.month.is_none() {
        return None;
    }
    Some((date, k))
}

/// Periods after a year: 年底, 上半年, 一季度…, as (first month, last month).
const PERIODS: &[(&str, u32, u32)] = &[
    ("年底", 12, 12),
    ("年末", 12, 12),
    ("年初", 1, 1),
    ("上半年", 1, 6),
    ("下半年", 7, 12),
    ("一季度", 1, 3),
    ("第一季度", 1, 3),
    ("二季度", 4, 6),
    ("第二季度", 4, 6),
    ("三季度", 7, 9),
    ("第三季度", 7, 9),
    ("四季度", 10, 12),
    ("第四季度", 10, 12),
];

fn absolute_date(chars: &[char], start: usize, at: usize, ctx: &mut Context) -> Option<Quantity> {
    let (date, mut k) = read_calendar(chars, at)?;
    // 2025年底 / 2025年上半年: the period words follow 年, which read_calendar consumed.
    let mut period = None;
    if date.year.is_some() && date.month.is_none() {
        if let Some(&(word, from, to)) = PERIODS
            .iter()
            .find(|(w, _, _)| starts_with(chars, k - 1, w) && w.starts_with('年'))
        {
            period = Some((from, to));
            k = k - 1 + word_len(word);
        } else if let Some(&(word, from, to)) =
            PERIODS.iter().find(|(w, _, _)| starts_with(chars, k, w))
        {
            period = Some((from, to));
            k += word_len(word);
        }
    }
    // A month range: 1月至11月, 2025年1月至11月.
    let mut until = None;
    if date.month.is_some() && date.day.is_none() {
        if let Some(word) = match_word(chars, k, &["至", "到", "-", "—", "～"]) {
            let after = k + word_len(word);
            if let Some((to, k2)) = read_calendar(chars, after) {
                if to.month.is_some() && to.day.is_none() {
                    until = Some(to);
                    k = k2;
                }
            }
        }
    }
    if let Some(year) = date.year {
        ctx.last_year = Some(year);
    }
    let mut f = figure(start, k, QuantityKind::Date, chars);
    let year = date.year.or_else(|| nearest_year(date, ctx.anchor));
    resolve(&mut f, year, date, period, until);
    Some(f)
}

/// The year that puts a month (and day) nearest the anchor.
fn nearest_year(date: CalendarDate, anchor: Option<NaiveDate>) -> Option<i32> {
    let anchor = anchor?;
    let month = date.month?;
    let day = date.day.unwrap_or(15);
    [anchor.year() - 1, anchor.year(), anchor.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day.min(28)).map(|d| (y, d)))
        .min_by_key(|(_, d)| (*d - anchor).num_days().abs())
        .map(|(y, _)| y)
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .checked_sub_days(Days::new(1))
}

fn resolve(
    f: &mut Quantity,
    year: Option<i32>,
    date: CalendarDate,
    period: Option<(u32, u32)>,
    until: Option<CalendarDate>,
) {
    let Some(year) = year else {
        // No year anywhere: keep what the text gives, ISO style.
        f.iso = match (date.month, date.day) {
            (Some(m), Some(d)) => Some(format!("--{m:02}-{d:02}")),
            (Some(m), None) => Some(format!("--{m:02}")),
            _ => None,
        };
        return;
    };
    if let Some((from, to)) = period {
        f.iso = Some(if from == to {
            format!("{year}-{from:02}")
        } else {
            format!("{year}-{from:02}/{year}-{to:02}")
        });
        f.date_start = NaiveDate::from_ymd_opt(year, from, 1);
        f.date_end = month_end(year, to);
        return;
    }
    match (date.month, date.day) {
        (Some(m), Some(d)) => {
            f.iso = Some(format!("{year}-{m:02}-{d:02}"));
            f.date_start = NaiveDate::from_ymd_opt(year, m, d);
            f.date_end = f.date_start;
        }
        (Some(m), None) => {
            let to = until.and_then(|u| u.month).unwrap_or(m);
            let to_year = until.and_then(|u| u.year).unwrap_or(year);
            f.iso = Some(if until.is_some() {
                format!("{year}-{m:02}/{to_year}-{to:02}")
            } else {
                format!("{year}-{m:02}")
            });
            f.date_start = NaiveDate::from_ymd_opt(year, m, 1);
            f.date_end = month_end(to_year, to);
        }
        _ => {
            f.iso = Some(format!("{year}"));
            f.date_start = NaiveDate::from_ymd_opt(year, 1, 1);
            f.date_end = NaiveDate::from_ymd_opt(year, 12, 31);
        }
    }
}

fn relative_date(chars: &[char], i: usize, ctx: &mut Context) -> Option<Quantity> {
    // Every relative date word starts with one of these; numbers never do.
    if !matches!(
        chars[i],
        '前' | '昨' | '今' | '明' | '去' | '同' | '本' | '上' | '下' | '这'
    ) {
        return None;
    }
    if let Some(&(word, offset)) = RELATIVE_DAYS.iter().find(|(w, _)| starts_with(chars, i, w)) {
        let mut f = figure(i, i + word_len(word), QuantityKind::Date, chars);
        if let Some(day) = ctx
            .anchor
            .and_then(|a| a.checked_add_signed(chrono::TimeDelta::days(offset)))
        {
            f.iso = Some(day.format("%Y-%m-%d").to_string());
            f.date_start = Some(day);
            f.date_end = Some(day);
        }
        return Some(f);
    }
    if let Some(&(word, offset)) = RELATIVE_MONTHS
        .iter()
        .find(|(w, _)| starts_with(chars, i, w))
    {
        let mut f = figure(i, i + word_len(word), QuantityKind::Date, chars);
        if let Some(anchor) = ctx.anchor {
            let first = NaiveDate::from_ymd_opt(anchor.year(), anchor.month(), 1);
            let month = first.and_then(|d| {
                if offset < 0 {
                    d.checked_sub_months(Months::new(offset.unsigned_abs()))
                } else {
                    d.checked_add_months(Months::new(offset as u32))
                }
            });
            if let Some(m) = month {
                resolve(
                    &mut f,
                    Some(m.year()),
                    CalendarDate {
                        year: Some(m.year()),
                        month: Some(m.month()),
                        day: None,
                    },
                    None,
                    None,
                );
            }
        }
        return Some(f);
    }
    let &(word, offset) = RELATIVE_YEARS
        .iter()
        .find(|(w, _)| starts_with(chars, i, w))?;
    // Without an anchor the words are still a date, left unresolved.
    let year = if word == "同年" {
        ctx.last_year
    } else {
        ctx.anchor.map(|a| a.year() + offset)
    };
    let after = i + word_len(word);
    // 去年7月, 今年1月至11月, 去年底.
    let (date, end, period) = match read_calendar(chars, after) {
        Some((d, end)) if d.year.is_none() => (d, end, None),
        _ => {
            let period = PERIODS
                .iter()
                .find(|(w, _, _)| starts_with(chars, after - 1, w) && w.starts_with('年'))
                .map(|&(w, from, to)| (after - 1 + word_len(w), (from, to)))
                .or_else(|| {
                    PERIODS
                        .iter()
                        .find(|(w, _, _)| starts_with(chars, after, w))
                        .map(|&(w, from, to)| (after + word_len(w), (from, to)))
                });
            match period {
                Some((end, p)) => (CalendarDate::default(), end, Some(p)),
                None => (CalendarDate::default(), after, None),
            }
        }
    };
    ctx.last_year = year;
    let mut k = end;
    let mut until = None;
    if date.month.is_some() && date.day.is_none() {
        if let Some(w) = match_word(chars, k, &["至", "到"]) {
            if let Some((to, k2)) = read_calendar(chars, k + word_len(w)) {
                if to.month.is_some() && to.day.is_none() && to.year.is_none() {
                    until = Some(to);
                    k = k2;
                }
            }
        }
    }
    let mut f = figure(i, k, QuantityKind::Date, chars);
    if year.is_some() {
        resolve(&mut f, year, CalendarDate { year, ..date }, period, until);
    }
    Some(f)
}

/// What a verb before a figure says about it: `全口径税收增长13.4%` → subject 全口径税收,
/// change increase; `园区税收占全市比重达72%` → subject 园区税收, change share.
fn add_context(chars: &[char], f: &mut Quantity) {
    if !matches!(
        f.kind,
        QuantityKind::Percent | QuantityKind::Money | QuantityKind::Count | QuantityKind::Measure
    ) {
        return;
    }
    const VERBS: &[(&str, Change)] = &[
        ("同比增长", Change::Increase),
        ("增长", Change::Increase),
        ("增加", Change::Increase),
        ("提高", Change::Increase),
        ("上升", Change::Increase),
        ("上涨", Change::Increase),
        ("增长到了", Change::Level),
        ("下降", Change::Decrease),
        ("减少", Change::Decrease),
        ("降低", Change::Decrease),
        ("下滑", Change::Decrease),
        ("占比达", Change::Share),
        ("占比", Change::Share),
        ("比重达", Change::Share),
        ("比重为", Change::Share),
        ("达到", Change::Level),
        ("达", Change::Level),
        ("为", Change::Level),
        ("突破", Change::Level),
    ];
    let start = f.start as usize;
    let before = &chars[..start];
    // Every verb ends in one of these: most figures are settled by one comparison.
    if !before.last().is_some_and(|c| {
        matches!(
            c,
            '长' | '加'
                | '高'
                | '升'
                | '涨'
                | '了'
                | '降'
                | '少'
                | '低'
                | '滑'
                | '达'
                | '比'
                | '为'
                | '到'
                | '破'
        )
    }) {
        return;
    }
    let Some((verb, change)) = VERBS
        .iter()
        .filter(|(w, _)| {
            let n = word_len(w);
            before.len() >= n && starts_with(chars, start - n, w)
        })
        .max_by_key(|(w, _)| word_len(w))
    else {
        return;
    };
    let verb_start = start - word_len(verb);
    let clause_start = before[..verb_start]
        .iter()
        .rposition(|&c| {
            matches!(
                c,
                '，' | '。' | '；' | '：' | '、' | '“' | '”' | '（' | '）' | '！' | '？'
            )
        })
        .map_or(0, |p| p + 1);
    let mut subject: Vec<char> = before[clause_start..verb_start].to_vec();
    // 占全市比重达: the share is of what follows 占; the subject is what precedes it.
    let mut change = *change;
    if let Some(p) = subject.iter().position(|&c| c == '占') {
        subject.truncate(p);
        change = Change::Share;
    }
    // Keep the noun phrase: drop a leading time or place clause marker such as 其中.
    let text: String = subject.into_iter().collect();
    let text = text.trim_start_matches("其中").trim();
    if text.chars().count() >= 2 && text.chars().count() <= 16 {
        f.subject = Some(text.to_string());
        f.change = Some(change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor() -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 1, 21)
    }

    /// One case per row: text, the figure's text, kind, value, unit, approx.
    #[track_caller]
    fn t(
        text: &str,
        want: &str,
        kind: QuantityKind,
        value: Option<f64>,
        unit: Option<&str>,
        approx: Option<Approx>,
    ) {
        let found = scan(text, anchor());
        let f = found
            .iter()
            .find(|f| f.text == want)
            .unwrap_or_else(|| panic!("{want:?} not found in {text:?}: {found:#?}"));
        assert_eq!(f.kind, kind, "{want}");
        assert_eq!(f.value, value, "{want}");
        assert_eq!(f.unit.as_deref(), unit, "{want}");
        assert_eq!(f.approx, approx, "{want}");
        let chars: Vec<char> = text.chars().collect();
        let at: String = chars[f.start as usize..f.end as usize].iter().collect();
        assert_eq!(at, want, "offsets are characters");
    }

    #[track_caller]
    fn none(text: &str) {
        let found = scan(text, anchor());
        assert!(found.is_empty(), "{text:?} gave {found:#?}");
    }

    #[track_caller]
    fn date(text: &str, want: &str, iso: Option<&str>) {
        let found = scan(text, anchor());
        let f = found
            .iter()
            .find(|f| f.text == want)
            .unwrap_or_else(|| panic!("{want:?} not found in {text:?}: {found:#?}"));
        assert_eq!(f.kind, QuantityKind::Date, "{want}");
        assert_eq!(f.iso.as_deref(), iso, "{want}");
    }

    use Approx::*;
    use QuantityKind::*;

    #[test]
    fn counts() {
        t(
            "将227项社会事务",
            "227项",
            Count,
            Some(227.0),
            Some("项"),
            None,
        );
        t("等43个机构", "43个", Count, Some(43.0), Some("个"), None);
        t(
            "服务4万多位居民",
            "4万多位",
            Count,
            Some(40000.0),
            Some("位"),
            Some(Over),
        );
        t(
            "带动本地90余家配套企业",
            "90余家",
            Count,
            Some(90.0),
            Some("家"),
            Some(Over),
        );
        t(
            "设立政务服务驿站8个",
            "8个",
            Count,
            Some(8.0),
            Some("个"),
            None,
        );
        t(
            "惠及320余万名学生",
            "320余万名",
            Count,
            Some(3_200_000.0),
            Some("名"),
            Some(Over),
        );
        t(
            "整车产量超60万辆",
            "超60万辆",
            Count,
            Some(600_000.0),
            Some("辆"),
            Some(Over),
        );
        t(
            "服务的是两个街道",
            "两个",
            Count,
            Some(2.0),
            Some("个"),
            None,
        );
        t(
            "共有3至5个项目",
            "3至5个",
            Count,
            Some(3.0),
            Some("个"),
            None,
        );
        t(
            "共有三到五个项目",
            "三到五个",
            Count,
            Some(3.0),
            Some("个"),
            None,
        );
        t(
            "共1,200人",
            "1,200人",
            Count,
            Some(1200.0),
            Some("人"),
            None,
        );
    }

    #[test]
    fn money_percent_measure() {
        t(
            "成交额为19.32亿元",
            "19.32亿元",
            Money,
            Some(1_932_000_000.0),
            Some("元"),
            None,
        );
        t(
            "投资四千五百万元",
            "四千五百万元",
            Money,
            Some(45_000_000.0),
            Some("元"),
            None,
        );
        t(
            "融资1.2万美元",
            "1.2万美元",
            Money,
            Some(12_000.0),
            Some("美元"),
            None,
        );
        t("增长8.7%；", "8.7%", Percent, Some(8.7), Some("%"), None);
        t(
            "增长率达30%左右",
            "30%左右",
            Percent,
            Some(30.0),
            Some("%"),
            Some(About),
        );
        t(
            "承担了90%以上的项目",
            "90%以上",
            Percent,
            Some(90.0),
            Some("%"),
            Some(AtLeast),
        );
        t(
            "提高百分之三十",
            "百分之三十",
            Percent,
            Some(30.0),
            Some("%"),
            None,
        );
        t(
            "下降2个百分点",
            "2个百分点",
            Percent,
            Some(2.0),
            Some("个百分点"),
            None,
        );
        t(
            "220千伏高压线路",
            "220千伏",
            Measure,
            Some(220.0),
            Some("千伏"),
            None,
        );
        t(
            "新建3.5公里道路",
            "3.5公里",
            Measure,
            Some(3.5),
            Some("公里"),
            None,
        );
    }

    #[test]
    fn durations_and_ordinals() {
        t(
            "紧绷两个多月的心",
            "两个多月",
            Duration,
            Some(2.0),
            Some("月"),
            Some(Over),
        );
        t(
            "在3天激烈竞技中",
            "3天",
            Duration,
            Some(3.0),
            Some("天"),
            None,
        );
        t(
            "近3年市场化",
            "近3年",
            Duration,
            Some(3.0),
            Some("年"),
            Some(Nearly),
        );
        t(
            "五年来，湖南",
            "五年来",
            Duration,
            Some(5.0),
            Some("年"),
            None,
        );
        t(
            "两年多前",
            "两年多",
            Duration,
            Some(2.0),
            Some("年"),
            Some(Over),
        );
        t(
            "湖南省第二届民政行业",
            "第二届",
            Ordinal,
            Some(2.0),
            Some("届"),
            None,
        );
        t(
            "啃下的第一块硬骨头",
            "第一块",
            Ordinal,
            Some(1.0),
            Some("块"),
            None,
        );
    }

    #[test]
    fn dates() {
        date(
            "2023年6月4日，湘潭市召开",
            "2023年6月4日",
            Some("2023-06-04"),
        );
        date("2025年7月，两家公司", "2025年7月", Some("2025-07"));
        date("2021年，全省", "2021年", Some("2021"));
        date("2025年底，湘潭市", "2025年底", Some("2025-12"));
        date("1月20日，湘潭", "1月20日", Some("2026-01-20"));
        date("12月30日召开", "12月30日", Some("2025-12-30"));
        date("刘智渊去年7月通过", "去年7月", Some("2025-07"));
        date("去年针对性开发", "去年", Some("2025"));
        date(
            "2025年1月至11月，园区",
            "2025年1月至11月",
            Some("2025-01/2025-11"),
        );
        date("今天，大赛开赛", "今天", Some("2026-01-21"));
        date("今年上半年", "今年上半年", Some("2026-01/2026-06"));
        date("2024年一季度", "2024年一季度", Some("2024-01/2024-03"));
        let found = scan("去年7月完成竞聘。同年8月启动", anchor());
        assert_eq!(found[1].iso.as_deref(), Some("2025-08"));
        let unresolved = scan("去年7月", None);
        assert_eq!(unresolved[0].iso, None);
        let partial = scan("1月20日", None);
        assert_eq!(partial[0].iso.as_deref(), Some("--01-20"));
    }

    #[test]
    fn names_idioms_and_set_phrases_are_not_figures() {
        for text in [
            "横穿一力物流项目",
            "非凡“十四五”答卷",
            "一场刀刃向内的改革",
            "又一次走进园区",
            "实现“一企一专员”",
            "“两主一特”产业",
            "千方百计扩学位",
            "把教育办到三湘百姓的心坎上",
            "出台了“二十条措施”",
            "打通“最后一百米”",
            "在全国稳居第一方阵",
            "值得扎根的第二故乡",
            "此次改革的一大亮点",
            "整车区、零部件配套区",
            "地铁六号线东延段",
        ] {
            none(text);
        }
    }

    #[test]
    fn random_text_never_panics_and_spans_are_exact() {
        const PIECES: &[&str] = &[
            "一",
            "二",
            "两",
            "十",
            "百",
            "千",
            "万",
            "亿",
            "零",
            "〇",
            "廿",
            "0",
            "1",
            "9",
            ".",
            ",",
            "%",
            "年",
            "月",
            "日",
            "号",
            "个",
            "多",
            "余",
            "来",
            "第",
            "去年",
            "今天",
            "同年",
            "至",
            "-",
            "约",
            "近",
            "超过",
            "以上",
            "左右",
            "元",
            "亿元",
            "千伏",
            "“",
            "”",
            "百分之",
            "点",
            "底",
            "上半年",
            "季度",
            "湘潭",
            "，",
            "。",
            "占",
            "比重达",
            "增长",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for round in 0..5000 {
            let mut text = String::new();
            for _ in 0..(state % 40) as usize + 1 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            let chars: Vec<char> = text.chars().collect();
            for anchor in [None, anchor()] {
                for f in scan(&text, anchor) {
                    assert!(
                        f.start < f.end && f.end as usize <= chars.len(),
                        "round {round}: {text:?} {f:?}"
                    );
                    let at: String = chars[f.start as usize..f.end as usize].iter().collect();
                    assert_eq!(at, f.text, "round {round}: {text:?}");
                    if let (Some(low), Some(high)) = (f.value_low, f.value_high) {
                        assert!(low <= high, "round {round}: {text:?} {f:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_trigger_bitset_holds_exactly_the_triggers() {
        for c in TRIGGERS.chars() {
            assert!(is_trigger(c), "{c}");
        }
        for c in ['湘', '潭', '年', '，', 'a', '1', '万', '亿'] {
            assert!(!is_trigger(c), "{c}");
        }
        let set = (0x3000u32..0xA000)
            .filter_map(char::from_u32)
            .filter(|&c| is_trigger(c))
            .count();
        assert_eq!(set, TRIGGERS.chars().count());
    }

    #[test]
    fn intervals_follow_the_wording() {
        let f = &scan("90余家", anchor())[0];
        assert_eq!((f.value_low, f.value_high), (Some(90.0), Some(100.0)));
        let f = &scan("4万多位", anchor())[0];
        assert_eq!((f.value_low, f.value_high), (Some(40000.0), Some(50000.0)));
        let f = &scan("3至5个", anchor())[0];
        assert_eq!(
            (f.value, f.value_low, f.value_high),
            (Some(3.0), Some(3.0), Some(5.0))
        );
        let f = &scan("超60万辆", anchor())[0];
        assert_eq!((f.value_low, f.value_high), (Some(600_000.0), None));
        let f = &scan("227项", anchor())[0];
        assert_eq!((f.value_low, f.value_high), (Some(227.0), Some(227.0)));
    }

    #[test]
    fn verbs_give_subject_and_change() {
        let found = scan(
            "全口径税收增长13.4%，其中国家级园区税收增长26%，园区税收占全市比重达72%。",
            anchor(),
        );
        let got: Vec<_> = found
            .iter()
            .map(|f| (f.text.as_str(), f.subject.as_deref(), f.change))
            .collect();
        assert_eq!(
            got,
            [
                ("13.4%", Some("全口径税收"), Some(Change::Increase)),
                ("26%", Some("国家级园区税收"), Some(Change::Increase)),
                ("72%", Some("园区税收"), Some(Change::Share)),
            ]
        );
    }
}

//! The quantity scanner: one pass over a paragraph's characters.
//!
//! A *figure* is a number with what qualifies it: a sign (`-`, `负`, `零下`), approximation
//! words before it (`近`, `超`, `约`) or after it (`余`, `多`, `左右`, `以上`), a scale (`万`,
//! `亿`, `个亿`), a second number that makes it a range (`3至5个`), and a unit that decides
//! its kind: a measure word (count; the long tail from `data/units/`), a currency (money),
//! `%`, `成` or `个百分点` (percent), a physical unit (measure), a time unit (duration), `第…`
//! (ordinal), or calendar words (date, see [`dates`]). A number with no unit is a figure
//! only when it carries a scale (`24万多阿富汗人`: a count of things unnamed) or the words
//! around it make it money (`月薪3000起`, `五个亿的资金`). Word segmenters split
//! `19.32/亿元`, so this works on characters.
//!
//! What is *not* a figure, by rule:
//! - a bare Chinese `一` before a measure word is a determiner (`一场`, `一次`, `一大亮点`),
//!   except before a currency (`一美元`) or a time unit the wording measures (`约一个月`);
//! - anything inside a short quoted phrase (≤ 8 characters) or a title in `《》` is a name
//!   or slogan (`“二十条措施”`, `《今日说法》`); so are a few listed words (`今日头条`,
//!   `五棵松`, `第二次世界大战`) and idioms (`四处`, `一五一十`);
//! - numerals that no unit follows (`十四五`, `三湘`, `两主一特`, `千方百计`);
//! - `第N` followed by anything but a measure or time word (`第一方阵`, `第二故乡`);
//! - a fraction of a thing counted (`8.3本书` is a rating) and digits inside a code
//!   (`pm2.5`, `LCV2`).
//!
//! Intervals (`value_low`, `value_high`): `余`/`多`/`来` after a number allow up to the next
//! step of its last written digit (90余 → 90..100, 4万多 → 40000..50000); `超`/`逾`/`以上`
//! leave the top open; `以下`/`不超过` leave the bottom open; `约`/`左右`/`上下` are a ±10%
//! band; `近` is the 10% below the number. Vague amounts have an interval and no value
//! (`approx` = several): `几十` 20..90, `数十` 10..90, `十几` 11..19, `三五` 3..5.

use chrono::NaiveDate;

mod dates;

use dates::{absolute_date, decade, read_small, relative_date};

use crate::numeral;
use crate::{Approx, Change, Quantity, QuantityKind};
use QuantityKind::{Count, Duration, Measure, Money, Ordinal, Percent};

/// A figure at `start..end` of `chars`, with nothing but its kind known yet. The extractor
/// sets `article` and `paragraph` when it places the paragraph in the page.
fn figure(start: usize, end: usize, kind: QuantityKind, chars: &[char]) -> Quantity {
    Quantity {
        article: 0,
        paragraph: 0,
        start: start as u32,
        end: end as u32,
        kind,
        text: {
            // Sized once: Han take three bytes each.
            let mut text = String::with_capacity(3 * (end - start));
            text.extend(&chars[start..end]);
            text
        },
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

use crate::units::{match_unit, may_start_unit, DEGREES};

fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    (at..)
        .zip(word.chars())
        .all(|(k, c)| chars.get(k) == Some(&c))
}

/// Whether `word` stands right before `end`.
fn word_before(chars: &[char], end: usize, word: &str) -> bool {
    let n = word_len(word);
    end >= n && starts_with(chars, end - n, word)
}

fn word_len(word: &str) -> usize {
    // Bytes that start a character: cheaper than decoding the words, all short.
    word.bytes().filter(|b| b & 0xC0 != 0x80).count()
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

/// Approximation words before a number, longest first.
const PREFIXES: &[(&str, Approx)] = &[
    ("将近", Approx::Nearly),
    ("接近", Approx::Nearly),
    ("近", Approx::Nearly),
    ("大约", Approx::About),
    ("约为", Approx::About),
    ("约合", Approx::About),
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
        Some(Approx::Several) => (None, None),
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
    /// A year named alone and where its text ends, for a month and day right after it.
    year_named: Option<(i32, usize)>,
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
        year_named: None,
    };
    let mut i = 0;
    // The opening quote the scan is inside, if any.
    let mut open_quote = None;
    // Inside a title in 《》 a figure is part of the name (`《今日说法》`).
    let mut in_title = false;
    while i < chars.len() {
        let c = chars[i];
        // Most characters are Han that start no figure: one range test and one bit.
        if ('\u{4E00}'..'\u{A000}').contains(&c) && !is_trigger(c) {
            i += 1;
            continue;
        }
        if c == '“' {
            open_quote = Some(i);
        } else if c == '”' {
            open_quote = None;
        } else if c == '《' {
            in_title = true;
        } else if c == '》' {
            in_title = false;
        }
        if !could_start(chars, i) {
            i += 1;
            continue;
        }
        if let Some(skip) = not_a_figure(chars, i) {
            i += skip;
            continue;
        }
        match figure_at(chars, i, &mut ctx) {
            Some(mut f) => {
                i = f.end as usize;
                if !in_title && !in_short_quote(chars, open_quote, i) {
                    add_context(chars, &mut f);
                    found.push(f);
                }
            }
            None => {
                // Skip the rest of a number that did not make a figure, so its tail is not
                // read as a figure of its own (`十四五` is not `四五`).
                let in_number = numeral::starts_number(c);
                i += 1;
                while in_number
                    && i < chars.len()
                    && (numeral::starts_number(chars[i])
                        || chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
                {
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
    "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾廿卅第近约逾超百千万去前同今明昨上下本这将接大不至负几数后";
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
    if numeral::digit(c).is_some() {
        return true;
    }
    if matches!(c, '-' | '−' | '－') {
        // A minus sign, not a range's dash or a hyphen inside a code.
        return chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && !(i > 0 && (chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == '.'));
    }
    if !is_trigger(c) {
        return false;
    }
    if numeral::starts_number(c) {
        // A Chinese numeral starts a figure only where a number, a scale, a unit or a date
        // word follows it: the many 一 of 一些, 一直, 进一步 end here.
        let Some(&next) = chars.get(i + 1) else {
            return false;
        };
        return numeral::starts_number(next)
            || may_start_unit(next)
            || matches!(
                next,
                '百' | '千'
                    | '万'
                    | '亿'
                    | '点'
                    | '分'
                    | '多'
                    | '余'
                    | '来'
                    | '几'
                    | '年'
                    | '月'
                    | '日'
                    | '号'
                    | '代'
                    | '世'
                    | '成'
                    | '至'
                    | '到'
                    | '-'
                    | '—'
                    | '～'
                    | '、'
                    | ' '
                    | '○'
                    | 'O'
            )
            || (c == '零' && next == '下');
    }
    let Some(&next) = chars.get(i + 1) else {
        return false;
    };
    let number_next = numeral::starts_number(next);
    match c {
        '第' => number_next,
        '近' | '逾' => number_next || matches!(next, '万' | '千'),
        '约' => number_next || matches!(next, '为' | '合' | '万' | '千'),
        '超' => number_next || next == '过',
        '去' | '前' | '同' => matches!(next, '年' | '天'),
        '今' | '明' | '昨' => matches!(next, '年' | '天' | '日' | '晚' | '夜' | '晨'),
        '后' => next == '天',
        '上' | '本' => matches!(next, '月' | '个' | '年' | '世' | '周' | '星'),
        '下' | '这' => matches!(next, '月' | '个' | '年' | '周' | '星'),
        '负' => number_next,
        '几' => true,
        '数' => numeral::scale(next).is_some() || next == '以',
        '百' | '千' | '万' => {
            (c == '百' && next == '分') || match_unit(chars, i + 1).is_some_and(|u| u.kind == Money)
        }
        '将' | '接' => next == '近',
        '大' => next == '约',
        '不' => matches!(next, '少' | '低' | '超' | '高'),
        '至' => matches!(next, '少' | '多'),
        _ => false,
    }
}

/// Words that open with a figure's characters and are no figure: names (`今日头条`,
/// `五棵松`, `三里屯`), figures of speech (`明天和意外`, `四处`), set phrases and the names of
/// the world wars; listed by their first character, which is all most places need to look at.
fn not_figures_from(first: char) -> &'static [&'static str] {
    match first {
        '今' => &["今日头条", "今日说法"],
        '明' => &["明天和意外", "明日之星", "明日黄花"],
        '五' => &["五棵松"],
        '三' => &["三里屯", "三三两两", "三番五次"],
        '四' => &["四处", "四面八方"],
        '一' => &["一一", "一五一十", "一成不变", "一次世界大战"],
        '千' => &["千千万万"],
        '成' => &["成千上万"],
        '第' => &["第一次世界大战", "第二次世界大战", "第二次大战"],
        '二' => &["二次世界大战", "二次大战"],
        _ => &[],
    }
}

/// Whether a figure may not start at `i`: inside `唯一`, `统一`, `之一`, `万一`, or at a word
/// of [`not_figures_from`]. Returns the characters to skip.
fn not_a_figure(chars: &[char], i: usize) -> Option<usize> {
    // `如图4所示`, `见表2`: the number of a figure or table, a label.
    let label = i > 0
        && (chars[i - 1] == '图'
            || (chars[i - 1] == '表' && i > 1 && matches!(chars[i - 2], '如' | '见' | '附')));
    if label && chars[i].is_ascii_digit() {
        return Some(chars[i..].iter().take_while(|c| c.is_ascii_digit()).count());
    }
    if chars[i] == '一' && i > 0 && matches!(chars[i - 1], '唯' | '统' | '之' | '万' | '专' | '同')
    {
        return Some(1);
    }
    not_figures_from(chars[i])
        .iter()
        .find(|w| starts_with(chars, i, w))
        .map(|w| word_len(w))
}

fn figure_at(chars: &[char], i: usize, ctx: &mut Context) -> Option<Quantity> {
    if let Some(f) = relative_date(chars, i, ctx) {
        return Some(f);
    }
    if let Some(f) = decade(chars, i) {
        return Some(f);
    }
    if chars[i] == '第' {
        return ordinal(chars, i);
    }
    if chars[i] == '百' && starts_with(chars, i, "百分之") {
        return percent_words(chars, i);
    }
    // `千元港币`, `万元户`: a scale alone before a currency, a note's or a sum's worth.
    if numeral::scale(chars[i]).is_some()
        && !(i > 0 && numeral::starts_number(chars[i - 1]))
        && match_unit(chars, i + 1).is_some_and(|u| u.kind == Money)
    {
        if let Some(f) = bare_scale(chars, i, i, None) {
            return Some(f);
        }
    }
    if let Some(f) = fraction(chars, i) {
        return Some(f);
    }
    if matches!(chars[i], '几' | '数') {
        return several(chars, i, i + 1);
    }
    // A sign: `-6.75%`, `−3`, `负2.1%`, `零下4摄氏度` (a dash after a number is a range).
    let mut start_number = i;
    let mut negative = false;
    let mut below_zero = false;
    let minus = matches!(chars[i], '-' | '−' | '－')
        || chars[i] == '负'
            && chars.get(i + 1).is_some_and(|&c| numeral::starts_number(c))
            // 减负, 胜负, 抱负: 负 ends a word there, it signs nothing.
            && !(i > 0 && matches!(chars[i - 1], '减' | '胜' | '抱' | '欠' | '自' | '担'));
    if minus {
        start_number = i + 1;
        negative = true;
    } else if chars[i] == '零' && starts_with(chars, i, "零下") {
        start_number = i + 2;
        negative = true;
        below_zero = true;
    }
    // Approximation words before a number.
    let mut prefix = None;
    if !negative && !numeral::starts_number(chars[i]) {
        let (word, approx) = PREFIXES.iter().find(|(w, _)| starts_with(chars, i, w))?;
        let after = i + word_len(word);
        // `约万名`, `近万人`: a scale alone after the approximation word.
        if let Some(f) = bare_scale(chars, i, after, Some(*approx)) {
            return Some(f);
        }
        if !chars.get(after).is_some_and(|&c| numeral::starts_number(c)) {
            return None;
        }
        start_number = after;
        prefix = Some(*approx);
    }
    if !negative {
        if let Some(f) = absolute_date(chars, i, start_number, ctx) {
            return Some(f);
        }
    }
    if !chars
        .get(start_number)
        .is_some_and(|&c| numeral::starts_number(c))
    {
        return None;
    }
    let mut f = number_figure(chars, i, start_number, prefix, below_zero)?;
    if negative {
        let flip = |v: Option<f64>| v.map(|v| -v);
        f.value = flip(f.value);
        (f.value_low, f.value_high) = (flip(f.value_high), flip(f.value_low));
    }
    Some(f)
}

/// A scale with no digit before it and a unit after (`千元`, `约万名`, `近万人`): the
/// scale's worth, as the approximation word before it (from `start`) allows.
fn bare_scale(chars: &[char], start: usize, at: usize, approx: Option<Approx>) -> Option<Quantity> {
    let c = *chars.get(at)?;
    if !matches!(c, '百' | '千' | '万') {
        return None;
    }
    let value = numeral::scale(c)?;
    let unit = match_unit(chars, at + 1).filter(|u| !matches!(u.kind, Ordinal | Percent))?;
    let mut f = figure(start, at + 1 + unit.len, unit.kind, chars);
    f.unit = Some(unit.name);
    f.value = Some(value);
    let (low, high) = approx_interval(value, approx, None);
    f.value_low = low;
    f.value_high = high;
    f.approx = approx;
    Some(f)
}

/// Rounds away the binary noise of scaling a decimal (`64.1亿` is 6410000000, not
/// 6409999999.999999): twelve significant digits are more than any printed figure has.
fn tidy(value: f64) -> f64 {
    // Whole numbers are exact already (and most figures are whole).
    if value.fract() == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = 10f64.powi(11 - value.abs().log10().floor() as i32);
    (value * magnitude).round() / magnitude
}

/// Whether a pay or price word stands right before `start`.
fn after_pay_word(chars: &[char], start: usize) -> bool {
    // Every pay word ends in one of these: most numbers are settled by one comparison.
    if !start.checked_sub(1).is_some_and(|k| {
        matches!(
            chars[k],
            '薪' | '资' | '水' | '酬' | '租' | '金' | '价' | '为' | '是' | '款'
        )
    }) {
        return false;
    }
    PAY_WORDS.iter().any(|w| word_before(chars, start, w))
}

/// Currencies named before an amount in 元, with the unit they give it.
const CURRENCY_BEFORE: &[(&str, &str)] = &[
    ("新台币", "新台币"),
    ("台币", "新台币"),
    ("港币", "港元"),
    ("澳门币", "澳门元"),
];

/// Words before a bare amount (no unit) that make it money in 元: `月薪3000起`.
const PAY_WORDS: &[&str] = &[
    "月薪",
    "年薪",
    "日薪",
    "时薪",
    "底薪",
    "工资",
    "薪水",
    "薪酬",
    "月租",
    "租金",
    "房租",
    "售价",
    "票价",
    "价格为",
    "价格是",
    "奖金",
    "罚款",
];

/// Words that make a bare `万`/`亿` amount near them money: `五个亿的资金`, `身价70个亿`.
const MONEY_WORDS: &[&str] = &[
    "元",
    "资金",
    "投资",
    "身价",
    "资本",
    "钱",
    "经费",
    "款",
    "融资",
    "营收",
    "收入",
    "利润",
    "赔偿",
    "捐",
    "花了",
    "花去",
    "贷",
    "债",
    "税",
    "费",
    "成本",
    "预算",
    "资产",
    "市值",
    "销售额",
    "营业额",
    "存款",
];

/// Whether the words around a bare amount at `start..end` say it is money: a money word in
/// the clause before it or right after it.
fn money_context(chars: &[char], start: usize, end: usize) -> bool {
    // Thirty characters back at most, and not past the sentence's start: the search
    // stays within a constant window, whatever the paragraph's length.
    let window = start.saturating_sub(30);
    let before_from = chars[window..start]
        .iter()
        .rposition(|&c| matches!(c, '。' | '！' | '？' | '；'))
        .map_or(window, |p| window + p + 1);
    let after_to = (end + 6).min(chars.len());
    let has = |from: usize, to: usize| {
        (from..to).any(|k| {
            // Every money word opens with one of these.
            matches!(
                chars[k],
                '元' | '资'
                    | '投'
                    | '身'
                    | '钱'
                    | '经'
                    | '款'
                    | '融'
                    | '营'
                    | '收'
                    | '利'
                    | '赔'
                    | '捐'
                    | '花'
                    | '贷'
                    | '债'
                    | '税'
                    | '费'
                    | '成'
                    | '预'
                    | '市'
                    | '销'
                    | '存'
            ) && MONEY_WORDS.iter().any(|w| {
                // (消费量, 贷款量: a quantity of it is no sum of money.)
                starts_with(chars, k, w) && chars.get(k + word_len(w)) != Some(&'量')
            })
        })
    };
    has(before_from, start) || has(end, after_to)
}

/// Whether `c` after 成 makes a word of it (成果, 成绩, 成员, 成为…): then 成 is no tenth.
fn opens_word_with_cheng(c: char) -> bool {
    "果绩就员为立本功长熟交效都品分年人型套片群真行才家名因败像语".contains(c)
}

/// Skips one space between a number and its scale or unit (`45 亿美元`, `12 %`).
fn skip_space(chars: &[char], k: usize) -> usize {
    let spaced = matches!(chars.get(k), Some(' ' | '\u{a0}' | '\u{3000}'));
    let then = chars.get(k + 1).copied();
    if spaced
        && then.is_some_and(|c| {
            numeral::scale(c).is_some_and(|_| matches!(c, '万' | '亿'))
                || match_unit(chars, k + 1).is_some()
        })
    {
        k + 1
    } else {
        k
    }
}

fn number_figure(
    chars: &[char],
    start: usize,
    at: usize,
    prefix: Option<Approx>,
    below_zero: bool,
) -> Option<Quantity> {
    let first = numeral::parse(chars, at)?;
    if !first.chinese && at > 0 && chars[at - 1].is_ascii_alphanumeric() {
        return None; // part of a code such as LCV2
    }
    let mut value = first.value;
    let mut step = first.step;
    let mut k = first.end;
    // `3 000 元`: a space as the thousands separator, three digits a group.
    if !first.chinese && first.arabic_digits > 0 && first.arabic_digits <= 3 {
        while chars.get(k) == Some(&' ')
            && chars
                .get(k + 1..k + 4)
                .is_some_and(|d| d.iter().all(char::is_ascii_digit))
            && !chars.get(k + 4).is_some_and(char::is_ascii_digit)
        {
            value = value * 1000.0
                + chars[k + 1..k + 4].iter().fold(0.0, |n, c| {
                    n * 10.0 + f64::from(c.to_digit(10).unwrap_or(0))
                });
            step = 1.0;
            k += 4;
        }
    }
    // `三十二点六度`: a Chinese decimal.
    if first.chinese && chars.get(k) == Some(&'点') {
        let digits: Vec<u32> = chars[k + 1..]
            .iter()
            .map_while(|&c| numeral::chinese_digit(c))
            .collect();
        if !digits.is_empty() {
            let mut scale = 0.1;
            for d in &digits {
                value += f64::from(*d) * scale;
                scale /= 10.0;
            }
            step = scale * 10.0;
            k += 1 + digits.len();
        }
    }
    // `三五天`, `七八个`: two neighbouring digits are a rough number between them.
    let mut several = None;
    if first.chinese && first.end - at == 2 {
        let (a, b) = (
            numeral::chinese_digit(chars[at]),
            numeral::chinese_digit(chars[at + 1]),
        );
        if let (Some(a), Some(b)) = (a, b) {
            if a > 0 && (b == a + 1 || b == a + 2) {
                several = Some((f64::from(a), f64::from(b)));
            }
        }
    }
    // `十几`, `二十几万`: 几 after tens is one to nine more.
    if chars.get(k) == Some(&'几') && first.chinese && value >= 10.0 && value % 10.0 == 0.0 {
        several = Some((value + 1.0, value + 9.0));
        k += 1;
    }
    let mut approx = prefix;
    let mut over = false;
    // 余/多 may come before or after a scale: 320余万, 4万多.
    let take_over = |k: &mut usize| {
        if matches!(chars.get(*k), Some('余' | '多')) {
            *k += 1;
            true
        } else {
            false
        }
    };
    over |= take_over(&mut k);
    k = skip_space(chars, k);
    let mut scaled = 1.0;
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
        scaled *= s;
        k += 1;
    }
    // `3个亿`: colloquial hundreds of millions.
    if scaled == 1.0 && chars.get(k) == Some(&'个') && starts_with(chars, k, "个亿") {
        value *= 1e8;
        step *= 1e8;
        scaled = 1e8;
        k += 2;
    }
    // `24万5000`, `1亿2000万`: the rest of the amount after its scale, in digits.
    if scaled >= 1e4 && !first.chinese {
        if let Some(rest) = numeral::parse(chars, k).filter(|n| !n.chinese && n.arabic_digits > 0) {
            let mut part = rest.value;
            let mut end = rest.end;
            if chars.get(end) == Some(&'万') && scaled == 1e8 {
                part *= 1e4;
                end += 1;
            }
            if part < scaled {
                value += part;
                step = 1.0;
                k = end;
            }
        }
    }
    over |= take_over(&mut k);
    let scale_end = k;
    k = skip_space(chars, k);
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
            // `3至5万元`: the scale written once, after the second number.
            if high > value && scaled == 1.0 && high / second.value >= 1e4 {
                value *= high / second.value;
            }
            if match_unit(chars, k2).is_some() && high >= value {
                range_high = Some(high);
                k = k2;
            }
        }
    }
    // 度 is a temperature after 摄氏 or 零下: `摄氏零下三十二点六度`.
    let celsius = below_zero || word_before(chars, start, "摄氏");
    let unit = if celsius && chars.get(k) == Some(&'度') {
        Some(&DEGREES)
    } else {
        match_unit(chars, k)
    };
    let Some(unit) = unit else {
        // `10607.23点`: an index quoted in points, always with its decimals (no unit starts
        // with 点).
        if chars.get(k) == Some(&'点')
            && !first.chinese
            && first.arabic_digits == 0
            && scaled == 1.0
        {
            let mut f = figure(start, k + 1, Measure, chars);
            f.unit = Some("点");
            f.value = Some(tidy(value));
            f.value_low = f.value;
            f.value_high = f.value;
            return Some(f);
        }
        return bare_amount(chars, start, scale_end, value, scaled, over, approx, step);
    };
    // A bare Chinese 一 (or 一个) before a measure word is a determiner, not a figure; before
    // a time unit it is a duration only where the wording measures it (`约一个月`, `一年来`).
    let lone_one = first.chinese && first.value == 1.0 && first.end - at == 1 && scaled == 1.0;
    if lone_one && !matches!(unit.kind, Percent | Money) {
        let after = k + unit.len;
        let measured = prefix.is_some()
            || matches!(chars.get(after), Some('多' | '来' | '半'))
            || match_word(chars, after, &["左右", "之内", "以内", "以来"]).is_some();
        if unit.kind != Duration || !measured {
            return None;
        }
    }
    // A four-digit number before 年 is a year, handled as a date.
    if unit.word == "年" && first.arabic_digits == 4 {
        return None;
    }
    // 年 after a number is a duration only when not followed by a month (that is a date),
    // nor by 代 (a decade, read as a date before this).
    if unit.kind == Duration
        && unit.word == "年"
        && (chars.get(k + 1) == Some(&'代')
            || read_small(chars, k + 1, 12.0).is_some_and(|m| chars.get(m.end) == Some(&'月')))
    {
        return None;
    }
    // `对这个家庭`: 对 before a pronoun is a preposition, not a pair.
    if unit.word == "对"
        && chars.get(k + 1).is_some_and(|&c| {
            matches!(
                c,
                '这' | '那'
                    | '于'
                    | '我'
                    | '你'
                    | '他'
                    | '她'
                    | '它'
                    | '其'
                    | '此'
                    | '自'
                    | '手'
                    | '方'
            )
        })
    {
        return bare_amount(chars, start, scale_end, value, scaled, over, approx, step);
    }
    // `月薪3000起`: from 3000 up, in 元.
    if unit.word == "起" && after_pay_word(chars, start) {
        return bare_amount(chars, start, scale_end, value, scaled, over, approx, step);
    }
    // `六号线`, `3号楼`: a numbered line or building is a name.
    if unit.word == "号"
        && chars
            .get(k + 1)
            .is_some_and(|&c| matches!(c, '线' | '楼' | '院' | '馆' | '机'))
    {
        return None;
    }
    // `列第二`, `列前三名`, `6000万列弗`: 列 ranks or opens a currency's name; it counts
    // trains only before what does not go on with it (`620列。`, `100列高速列车`).
    if unit.word == "列"
        && chars
            .get(k + 1)
            .is_some_and(|&c| "第弗入为出席举居前后于".contains(c))
    {
        return None;
    }
    // `2024届毕业生`: a class by its year is a name, not a count of 2024.
    if unit.word == "届" && first.arabic_digits == 4 && scaled == 1.0 {
        return None;
    }
    // `8.3本书`: a fraction of a thing counted is a rating or a score, not a count.
    if unit.kind == Count && unit.word != "倍" && value.fract() != 0.0 && scaled == 1.0 {
        return None;
    }
    let (unit_kind, mut unit_name, unit_len) = (unit.kind, unit.name, unit.len);
    // `三成`: tenths, a percentage; only after a digit (`两万成员` is no share).
    if unit.word == "成" {
        if scaled != 1.0 || !(1.0..=9.0).contains(&value) || value.fract() != 0.0 {
            return None;
        }
        // `这一成果`, `三成员`: 成 opening a word is no tenth.
        if chars.get(k + 1).is_some_and(|&c| opens_word_with_cheng(c)) {
            return None;
        }
        value *= 10.0;
        step *= 10.0;
        range_high = range_high.map(|h| h * 10.0);
        unit_name = "%";
    }
    k += unit_len;
    if unit.word.contains('多') {
        over = true;
    }
    // `5年半`, `一年半`: and a half.
    if unit_kind == Duration && chars.get(k) == Some(&'半') && several.is_none() {
        value += 0.5;
        k += 1;
    }
    // 两年多, 三天多: 多 after a time unit.
    if unit_kind == Duration && chars.get(k) == Some(&'多') {
        over = true;
        k += 1;
    }
    // `十年八年`: the same time unit twice, a rough number between the two.
    if unit_kind == Duration && several.is_none() && first.chinese {
        if let Some(second) = numeral::parse(chars, k).filter(|n| n.chinese) {
            if match_unit(chars, second.end).is_some_and(|u| u.word == unit.word) {
                let (low, high) = (value.min(second.value), value.max(second.value));
                several = Some((low, high));
                k = second.end + unit.len;
            }
        }
    }
    if chars.get(k) == Some(&'来') && unit_kind == Duration {
        k += 1; // 五年来: over the past five years
    }
    if let Some((word, a)) = suffix_at(chars, k) {
        approx = Some(a);
        k += word_len(word);
    }
    if over && approx.is_none() {
        approx = Some(Approx::Over);
    }
    let mut f = figure(start, k, unit_kind, chars);
    f.unit = Some(unit_name);
    // `新台币30亿元`, `港币500元`: the currency named before an amount in 元.
    if unit_name == "元" {
        if let Some((_, currency)) = CURRENCY_BEFORE
            .iter()
            .find(|(w, _)| word_before(chars, start, w))
        {
            f.unit = Some(currency);
        }
    }
    if let Some((low, high)) = several {
        let scale = scaled;
        f.value_low = Some(tidy(low * scale));
        f.value_high = Some(tidy(high * scale));
        f.approx = Some(Approx::Several);
        return Some(f);
    }
    f.value = Some(tidy(value));
    if let Some(high) = range_high {
        f.value_low = Some(tidy(value));
        f.value_high = Some(tidy(high));
    } else {
        let step_high = over.then_some(value + step);
        let (low, high) = approx_interval(value, approx, step_high);
        f.value_low = low.map(tidy);
        f.value_high = high.map(tidy);
    }
    f.approx = approx;
    Some(f)
}

/// An amount with no unit after it: money where the words around it say so (`五个亿的资金`,
/// `月薪3000起`), a count of things unnamed where it carries a scale (`24万多阿富汗人`,
/// `九亿七千五百万观众`), else no figure.
#[allow(clippy::too_many_arguments)]
fn bare_amount(
    chars: &[char],
    start: usize,
    end: usize,
    value: f64,
    scaled: f64,
    over: bool,
    approx: Option<Approx>,
    step: f64,
) -> Option<Quantity> {
    // `芮氏规模六点八`, `里氏6.5`: an earthquake's magnitude.
    if ["规模", "里氏", "芮氏"]
        .iter()
        .any(|w| word_before(chars, start, w))
        && value < 10.0
    {
        let mut f = figure(start, end, Measure, chars);
        f.unit = Some("级");
        f.value = Some(tidy(value));
        f.value_low = f.value;
        f.value_high = f.value;
        return Some(f);
    }
    let pay = after_pay_word(chars, start);
    let big = scaled >= 1e4 || chars[start..end].iter().any(|&c| c == '万' || c == '亿');
    let kind = if pay || (big && money_context(chars, start, end)) {
        Money
    } else if big {
        Count
    } else {
        return None;
    };
    let mut f = figure(start, end, kind, chars);
    if kind == Money {
        f.unit = Some("元");
    }
    let approx = if over && approx.is_none() {
        Some(Approx::Over)
    } else {
        approx
    };
    f.value = Some(tidy(value));
    let (low, high) = approx_interval(value, approx, over.then_some(value + step));
    f.value_low = low.map(tidy);
    f.value_high = high.map(tidy);
    f.approx = approx;
    Some(f)
}

/// `几十年`, `数十篇`, `数千人`, `几百万元`: 几 or 数 before a scale is a rough number: 几
/// two to nine of it, 数 one to nine (`数十` 10..90); 几 alone before a unit, two to nine.
fn several(chars: &[char], start: usize, at: usize) -> Option<Quantity> {
    let low_digit = if chars[start] == '几' { 2.0 } else { 1.0 };
    // `数以百万计`, `数以百万美元计`: by the millions.
    let by_the = chars[start] == '数' && chars.get(at) == Some(&'以');
    let mut k = if by_the { at + 1 } else { at };
    let mut scale = 1.0;
    while let Some(s) = chars.get(k).and_then(|&c| numeral::scale(c)) {
        if chars[k] == '千' && match_unit(chars, k).is_some() {
            break;
        }
        scale *= s;
        k += 1;
    }
    if scale == 1.0 && chars[start] == '数' {
        return None; // 数 alone is a noun (数据, 数字)
    }
    if by_the && scale == 1.0 {
        return None;
    }
    let (low, high) = if scale == 1.0 {
        (2.0, 9.0)
    } else {
        (low_digit * scale, 9.0 * scale)
    };
    let unit = match_unit(chars, k);
    let (kind, name, end) = match unit {
        Some(u) if u.word == "成" && scale == 1.0 => (Percent, Some("%"), k + 1),
        Some(u) if u.kind != Ordinal && u.word != "成" => (u.kind, Some(u.name), k + u.len),
        _ if scale >= 1e4 && money_context(chars, start, k) => (Money, Some("元"), k),
        // `数百万灾民`, `数以千计的平民`: a rough number of things unnamed.
        _ if scale >= 1e4 || by_the => (Count, None, k),
        _ => return None,
    };
    let (low, high) = if unit.is_some_and(|u| u.word == "成") {
        (low * 10.0, high * 10.0)
    } else {
        (low, high)
    };
    if unit.is_some_and(|u| u.word == "年" && chars.get(end) == Some(&'代')) {
        return None;
    }
    let end = if by_the && chars.get(end) == Some(&'计') {
        end + 1
    } else {
        end
    };
    let mut f = figure(start, end, kind, chars);
    f.unit = name;
    f.value_low = Some(low);
    f.value_high = Some(high);
    f.approx = Some(Approx::Several);
    Some(f)
}

fn ordinal(chars: &[char], i: usize) -> Option<Quantity> {
    let n = numeral::parse(chars, i + 1)?;
    // `第五度上升`: the fifth time.
    if chars.get(n.end) == Some(&'度') {
        let mut f = figure(i, n.end + 1, QuantityKind::Ordinal, chars);
        f.value = Some(n.value);
        f.value_low = f.value;
        f.value_high = f.value;
        f.unit = Some("度");
        return Some(f);
    }
    // Any measure or time word: 第一天, 第二年, 第一步, 第九任, 第五周.
    let unit = match_unit(chars, n.end).filter(|u| !matches!(u.kind, Percent | Money))?;
    let end = n.end + unit.len;
    let mut f = figure(i, end, QuantityKind::Ordinal, chars);
    f.value = Some(n.value);
    f.value_low = Some(n.value);
    f.value_high = Some(n.value);
    f.unit = Some(unit.name);
    Some(f)
}

/// `四分之三`, `三分之一`: a fraction, as the percentage it is.
fn fraction(chars: &[char], i: usize) -> Option<Quantity> {
    if !(i + 1..i + 4).any(|k| chars.get(k) == Some(&'分') && chars.get(k + 1) == Some(&'之')) {
        return None;
    }
    let whole = numeral::parse(chars, i)?;
    if !starts_with(chars, whole.end, "分之") || whole.value < 2.0 {
        return None;
    }
    let part = numeral::parse(chars, whole.end + 2)?;
    if part.value <= 0.0 || part.value > whole.value {
        return None;
    }
    let mut f = figure(i, part.end, QuantityKind::Percent, chars);
    let value = tidy(part.value / whole.value * 100.0);
    f.value = Some(value);
    f.value_low = Some(value);
    f.value_high = Some(value);
    f.unit = Some("%");
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
    // `百分之四十至五十`, `百分之二至百分之五`: a range with one 百分之 or two.
    let mut high = None;
    if let Some(word) = match_word(chars, k, &["至", "到"]) {
        let mut after = k + word_len(word);
        if starts_with(chars, after, "百分之") {
            after += 3;
        }
        if let Some(second) = numeral::parse(chars, after).filter(|n| n.value > value) {
            high = Some(second.value);
            k = second.end;
        }
    }
    let mut approx = None;
    if let Some((word, a)) = suffix_at(chars, k) {
        approx = Some(a);
        k += word_len(word);
    }
    let mut f = figure(i, k, QuantityKind::Percent, chars);
    f.value = Some(value);
    let (low, high) = match high {
        Some(high) => (Some(value), Some(high)),
        None => approx_interval(value, approx, None),
    };
    f.value_low = low;
    f.value_high = high;
    f.approx = approx;
    f.unit = Some("%");
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
        ("负增长", Change::Decrease),
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
        .filter(|(w, _)| word_before(chars, start, w))
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
    } else if matches!(change, Change::Increase | Change::Decrease) {
        // A rise or fall right before the figure says so with no subject to name
        // (，同比增长5%); a level (为, 达) without one is too common a word to trust.
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
        assert_eq!(f.unit, unit, "{want}");
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
        for c in ['湘', '潭', '年', '，', 'a', '1', '元', '亿'] {
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
    fn words_that_hold_figure_characters_are_no_figures() {
        none("这一成果得到各方认可。");
        none("全市今后有2024届毕业生参加招聘会。");
        t(
            "全年开行旅客列车620列。",
            "620列",
            Count,
            Some(620.0),
            Some("列"),
            None,
        );
        for ranked in ["以11秒21列第四。", "拨款6000万列弗给社会保障基金。"] {
            let found = scan(ranked, anchor());
            assert!(found.iter().all(|f| !f.text.contains('列')), "{found:?}");
        }
        t(
            "出口额占三成以上。",
            "三成以上",
            Percent,
            Some(30.0),
            Some("%"),
            Some(AtLeast),
        );
        // A quantity consumed is no sum of money, however large.
        t(
            "美国天然气消费量为63900万亿英国热量单位。",
            "63900万亿",
            Count,
            Some(6.39e16),
            None,
            None,
        );
        t(
            "全年消费支出达2.1万亿。",
            "2.1万亿",
            Money,
            Some(2.1e12),
            Some("元"),
            None,
        );
    }

    #[test]
    fn verbs_give_subject_and_change() {
        // (text, subject, change) of every figure of `text`.
        let context = |text: &str| -> Vec<(String, Option<String>, Option<Change>)> {
            scan(text, anchor())
                .into_iter()
                .map(|f| (f.text, f.subject, f.change))
                .collect()
        };
        let row = |text: &str, subject: Option<&str>, change| {
            (text.to_string(), subject.map(str::to_string), change)
        };
        assert_eq!(
            context("全口径税收增长13.4%，其中国家级园区税收增长26%，园区税收占全市比重达72%。"),
            [
                row("13.4%", Some("全口径税收"), Some(Change::Increase)),
                row("26%", Some("国家级园区税收"), Some(Change::Increase)),
                row("72%", Some("园区税收"), Some(Change::Share)),
            ]
        );
        assert_eq!(
            context("全年目标为5%左右，同比增长5%，下降3.2%，为2%，负增长1%。"),
            [
                row("5%左右", Some("全年目标"), Some(Change::Level)),
                row("5%", None, Some(Change::Increase)),
                row("3.2%", None, Some(Change::Decrease)),
                row("2%", None, None),
                row("1%", None, Some(Change::Decrease)),
            ]
        );
    }
}

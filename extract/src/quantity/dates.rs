//! Dates among the figures: calendar dates (`2025年1月至11月`, `22日`), relative ones
//! (`去年7月`, `上周`, `前天`), ranges of years and decades (`90年代`, 1990/1999; a decade
//! without its century is of the 1900s). Called by the scanner in the parent module at each
//! place a figure may start.
//!
//! Dates resolve against the article's publication date: `去年7月` is 2025-07 when it was
//! published in 2026; a month and day with no year take the year that puts them nearest
//! the publication date, a day alone the month that does, unless a year was named right
//! before (`二00三年的九月二十五日`); a week is Monday to Sunday.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::{figure, match_word, starts_with, word_len, Context};
use crate::numeral::{self, Numeral};
use crate::{Quantity, QuantityKind};

pub(super) const RELATIVE_YEARS: &[(&str, i32)] = &[
    ("前年", -2),
    ("去年", -1),
    ("今年", 0),
    ("本年", 0),
    ("明年", 1),
    ("同年", 0),
];
pub(super) const RELATIVE_MONTHS: &[(&str, i32)] = &[
    ("上个月", -1),
    ("上月", -1),
    ("本月", 0),
    ("这个月", 0),
    ("下个月", 1),
    ("下月", 1),
];
pub(super) const RELATIVE_DAYS: &[(&str, i64)] = &[
    ("前天", -2),
    ("昨天", -1),
    ("昨日", -1),
    ("今天", 0),
    ("今日", 0),
    ("明天", 1),
    ("明日", 1),
    ("后天", 2),
    ("今晚", 0),
    ("今夜", 0),
    ("今晨", 0),
    ("昨晚", -1),
    ("昨夜", -1),
    ("明晚", 1),
];

/// Weeks before, of and after the publication date.
pub(super) const RELATIVE_WEEKS: &[(&str, i64)] = &[
    ("上个星期", -1),
    ("上星期", -1),
    ("上周", -1),
    ("本周", 0),
    ("这个星期", 0),
    ("这周", 0),
    ("下个星期", 1),
    ("下星期", 1),
    ("下周", 1),
];

/// Decades: `90年代` and `1990年代` (1990/1999), `上世纪60-70年代` (1960/1979),
/// `二十世纪八十年代`, `本世纪20年代`. Without a century the decade is of the 1900s.
/// Where the run of numeral characters from `at` ends (digits, Chinese numerals and their
/// units, the zeros typed inside Chinese years).
fn numeral_end(chars: &[char], at: usize) -> usize {
    chars[at..]
        .iter()
        .position(|&c| !(numeral::starts_number(c) || matches!(c, '百' | '千' | '○' | 'O')))
        .map_or(chars.len(), |p| at + p)
}

pub(super) fn decade(chars: &[char], i: usize) -> Option<Quantity> {
    // Most numbers are no decade: none has 代 where a decade's would be (`90年代` to
    // `上个世纪60-70年代`).
    if !(i + 3..i + 12).any(|k| chars.get(k) == Some(&'代')) {
        return None;
    }
    let mut k = i;
    let mut century: Option<i32> = None;
    for (word, c) in [("上世纪", 19), ("上个世纪", 19), ("本世纪", 20)] {
        if starts_with(chars, k, word) {
            century = Some(c);
            k += word_len(word);
            break;
        }
    }
    if century.is_none() {
        if let Some(n) = numeral::parse(chars, k) {
            if starts_with(chars, n.end, "世纪") && (18.0..=22.0).contains(&n.value) {
                century = Some(n.value as i32 - 1);
                k = n.end + 2;
            }
        }
    }
    let first = numeral::parse(chars, k)?;
    let year_of = |n: f64| -> Option<i32> {
        let v = n as i32;
        if n.fract() != 0.0 {
            return None;
        }
        if (1000..=2100).contains(&v) && v % 10 == 0 {
            Some(v)
        } else if (0..100).contains(&v) && v % 10 == 0 && (v > 0 || century.is_some()) {
            Some(century.unwrap_or(19) * 100 + v)
        } else {
            None
        }
    };
    let from = year_of(first.value)?;
    let mut to = from;
    let mut end = first.end;
    if let Some(word) = match_word(chars, end, &["至", "到", "-", "—", "～", "、"]) {
        if let Some(second) = numeral::parse(chars, end + word_len(word)) {
            if let Some(y) = year_of(second.value).filter(|&y| y > from) {
                to = y;
                end = second.end;
            }
        }
    }
    if !starts_with(chars, end, "年代") {
        return None;
    }
    end += 2;
    let mut f = figure(i, end, QuantityKind::Date, chars);
    f.iso = Some(Iso::new().year(from).then('/').year(to + 9).text());
    f.date_start = NaiveDate::from_ymd_opt(from, 1, 1);
    f.date_end = NaiveDate::from_ymd_opt(to + 9, 12, 31);
    Some(f)
}
/// A calendar position: year, month and day as far as the text gives them.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct CalendarDate {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    /// The last month of a month range written with one 月 (`1-5月`).
    until_month: Option<u32>,
}

pub(super) fn read_small(chars: &[char], at: usize, max: f64) -> Option<Numeral> {
    let n = numeral::parse(chars, at)?;
    (n.value >= 1.0 && n.value <= max && n.value.fract() == 0.0).then_some(n)
}

/// Reads `[Y年][M月][D日]` at `at`, requiring a month or a four-digit year.
pub(super) fn read_calendar(chars: &[char], at: usize) -> Option<(CalendarDate, usize)> {
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
        // `1-5月`, `1至5月`: one 月 after a range of months.
        if let Some(word) = match_word(chars, m.end, &["-", "至", "到", "—", "～"]) {
            if let Some(m2) = read_small(chars, m.end + word_len(word), 12.0) {
                if chars.get(m2.end) == Some(&'月') && m2.value > m.value {
                    date.month = Some(m.value as u32);
                    date.until_month = Some(m2.value as u32);
                    return Some((date, m2.end + 1));
                }
            }
        }
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
        // A day alone (`22日`, `十八日电`), as wire copy names days of the current month.
        let d = read_small(chars, at, 31.0)?;
        if chars.get(d.end) != Some(&'日') || chars.get(d.end + 1) == Some(&'元') {
            return None;
        }
        date.day = Some(d.value as u32);
        return Some((date, d.end + 1));
    }
    Some((date, k))
}

/// The year and month that put a day of the month nearest the anchor.
pub(super) fn nearest_month(day: u32, anchor: NaiveDate) -> Option<(i32, u32)> {
    let this = NaiveDate::from_ymd_opt(anchor.year(), anchor.month(), 1)?;
    [
        this.checked_sub_months(Months::new(1)),
        Some(this),
        this.checked_add_months(Months::new(1)),
    ]
    .into_iter()
    .flatten()
    .filter_map(|m| NaiveDate::from_ymd_opt(m.year(), m.month(), day))
    .min_by_key(|d| (*d - anchor).num_days().abs())
    .map(|d| (d.year(), d.month()))
}

/// Periods after a year: 年底, 上半年, 一季度…, as (first month, last month).
pub(super) const PERIODS: &[(&str, u32, u32)] = &[
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

pub(super) fn absolute_date(
    chars: &[char],
    start: usize,
    at: usize,
    ctx: &mut Context,
) -> Option<Quantity> {
    // A date's number is followed by 年, 月 or 日 (or a range's word: 1995至1999年).
    let after_number = numeral_end(chars, at);
    if !chars
        .get(after_number)
        .is_some_and(|&c| matches!(c, '年' | '月' | '日' | '至' | '到' | '-' | '—' | '～'))
    {
        return None;
    }
    if let Some(f) = year_range(chars, start, at, ctx) {
        return Some(f);
    }
    let (date, mut k) = read_calendar(chars, at)?;
    if date.year.is_none() && date.month.is_none() {
        let day = date.day?;
        let mut f = figure(start, k, QuantityKind::Date, chars);
        match ctx.anchor.and_then(|a| nearest_month(day, a)) {
            Some((year, month)) => resolve(
                &mut f,
                Some(year),
                CalendarDate {
                    year: Some(year),
                    month: Some(month),
                    ..date
                },
                None,
                None,
            ),
            None => f.iso = Some(Iso::new().then_str("---").two(day).text()),
        }
        return Some(f);
    }
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
    // A month range: 1月至11月, 2025年1月至11月, 2015年1-5月.
    let mut until = date.until_month.map(|m| CalendarDate {
        month: Some(m),
        ..Default::default()
    });
    if date.month.is_some() && date.day.is_none() && until.is_none() {
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
    // `二00三年的九月二十五日`: a month and day right after a year named are in it.
    let year_just_named = ctx
        .year_named
        .filter(|&(_, end)| start == end || (start == end + 1 && chars[end] == '的'))
        .map(|(y, _)| y);
    let year = date
        .year
        .or(year_just_named)
        .or_else(|| nearest_year(date, ctx.anchor));
    if date.year.is_some() && date.month.is_none() && period.is_none() {
        ctx.year_named = Some((date.year.unwrap_or_default(), k));
    }
    resolve(&mut f, year, date, period, until);
    Some(f)
}

/// Years from one to another: `1995至1999年`, `1995年至1999年`, `1995-1999年`.
pub(super) fn year_range(
    chars: &[char],
    start: usize,
    at: usize,
    ctx: &mut Context,
) -> Option<Quantity> {
    let first = numeral::parse(chars, at)?;
    let is_year =
        |n: &Numeral| (n.arabic_digits == 4 || n.chinese) && (1800.0..=2200.0).contains(&n.value);
    if !is_year(&first) {
        return None;
    }
    let mut k = first.end;
    if chars.get(k) == Some(&'年') {
        k += 1;
    }
    let word = match_word(chars, k, &["至", "到", "-", "—", "～"])?;
    let second = numeral::parse(chars, k + word_len(word))?;
    // `1950-53年`: the second year written with its last two digits.
    let second_year = if is_year(&second) {
        second.value
    } else if second.arabic_digits == 2 && !first.chinese {
        (first.value / 100.0).floor() * 100.0 + second.value
    } else {
        return None;
    };
    if chars.get(second.end) != Some(&'年') || second_year <= first.value {
        return None;
    }
    // `2001年至2002年3月`: the second is a month, not a year; read_calendar takes it.
    if chars
        .get(second.end + 1)
        .is_some_and(|&c| numeral::starts_number(c))
    {
        return None;
    }
    let (from, to) = (first.value as i32, second_year as i32);
    ctx.last_year = Some(to);
    let mut f = figure(start, second.end + 1, QuantityKind::Date, chars);
    f.iso = Some(Iso::new().year(from).then('/').year(to).text());
    f.date_start = NaiveDate::from_ymd_opt(from, 1, 1);
    f.date_end = NaiveDate::from_ymd_opt(to, 12, 31);
    Some(f)
}

/// The year that puts a month (and day) nearest the anchor.
pub(super) fn nearest_year(date: CalendarDate, anchor: Option<NaiveDate>) -> Option<i32> {
    let anchor = anchor?;
    let month = date.month?;
    let day = date.day.unwrap_or(15);
    [anchor.year() - 1, anchor.year(), anchor.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day.min(28)).map(|d| (y, d)))
        .min_by_key(|(_, d)| (*d - anchor).num_days().abs())
        .map(|(y, _)| y)
}

pub(super) fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .checked_sub_days(Days::new(1))
}

pub(super) fn resolve(
    f: &mut Quantity,
    year: Option<i32>,
    date: CalendarDate,
    period: Option<(u32, u32)>,
    until: Option<CalendarDate>,
) {
    let Some(year) = year else {
        // No year anywhere: keep what the text gives, ISO style.
        f.iso = match (date.month, date.day) {
            (Some(m), Some(d)) => Some(Iso::new().then_str("--").two(m).then('-').two(d).text()),
            (Some(m), None) => Some(Iso::new().then_str("--").two(m).text()),
            _ => None,
        };
        return;
    };
    if let Some((from, to)) = period {
        f.iso = Some(if from == to {
            Iso::new().year(year).then('-').two(from).text()
        } else {
            Iso::new()
                .year(year)
                .then('-')
                .two(from)
                .then('/')
                .year(year)
                .then('-')
                .two(to)
                .text()
        });
        f.date_start = NaiveDate::from_ymd_opt(year, from, 1);
        f.date_end = month_end(year, to);
        return;
    }
    match (date.month, date.day) {
        (Some(m), Some(d)) => {
            f.iso = Some(
                Iso::new()
                    .year(year)
                    .then('-')
                    .two(m)
                    .then('-')
                    .two(d)
                    .text(),
            );
            f.date_start = NaiveDate::from_ymd_opt(year, m, d);
            f.date_end = f.date_start;
        }
        (Some(m), None) => {
            let to = until.and_then(|u| u.month).unwrap_or(m);
            let to_year = until.and_then(|u| u.year).unwrap_or(year);
            f.iso = Some(if until.is_some() {
                Iso::new()
                    .year(year)
                    .then('-')
                    .two(m)
                    .then('/')
                    .year(to_year)
                    .then('-')
                    .two(to)
                    .text()
            } else {
                Iso::new().year(year).then('-').two(m).text()
            });
            f.date_start = NaiveDate::from_ymd_opt(year, m, 1);
            f.date_end = month_end(to_year, to);
        }
        _ => {
            f.iso = Some(Iso::new().year(year).text());
            f.date_start = NaiveDate::from_ymd_opt(year, 1, 1);
            f.date_end = NaiveDate::from_ymd_opt(year, 12, 31);
        }
    }
}

pub(super) fn relative_date(chars: &[char], i: usize, ctx: &mut Context) -> Option<Quantity> {
    // Every relative date word starts with one of these; numbers never do.
    if !matches!(
        chars[i],
        '前' | '昨' | '今' | '明' | '去' | '同' | '本' | '上' | '下' | '这' | '后'
    ) {
        return None;
    }
    // The second character says which list can hold the word: a week (`上周`, `上个星期`),
    // a day (`前天`, `今晚`), a month (`上月`, `下个月`), a year (`去年`).
    let next = chars.get(i + 1).copied().unwrap_or_default();
    if matches!(next, '周' | '星' | '个') {
        if let Some(f) = relative_week(chars, i, ctx) {
            return Some(f);
        }
    }
    let day_word = matches!(next, '天' | '日' | '晚' | '夜' | '晨');
    if let Some(&(word, offset)) = RELATIVE_DAYS
        .iter()
        .filter(|_| day_word)
        .find(|(w, _)| starts_with(chars, i, w))
    {
        // `辉煌的明天`, `美好的明日`: the future, a figure of speech, not tomorrow.
        let figurative = offset > 0 && i > 0 && chars[i - 1] == '的';
        if figurative {
            return None;
        }
        let mut f = figure(i, i + word_len(word), QuantityKind::Date, chars);
        if let Some(day) = ctx
            .anchor
            .and_then(|a| a.checked_add_signed(chrono::TimeDelta::days(offset)))
        {
            f.iso = Some(Iso::new().day(day).text());
            f.date_start = Some(day);
            f.date_end = Some(day);
        }
        return Some(f);
    }
    if let Some(&(word, offset)) = RELATIVE_MONTHS
        .iter()
        .filter(|_| matches!(next, '月' | '个'))
        .find(|(w, _)| starts_with(chars, i, w))
    {
        // `本月二十六日`: a day of the month named.
        let after = i + word_len(word);
        let day = read_small(chars, after, 31.0).filter(|d| chars.get(d.end) == Some(&'日'));
        let end = day.map_or(after, |d| d.end + 1);
        let mut f = figure(i, end, QuantityKind::Date, chars);
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
                        day: day.map(|d| d.value as u32),
                        until_month: None,
                    },
                    None,
                    None,
                );
            }
        }
        return Some(f);
    }
    if next != '年' {
        return None;
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

/// `上周`, `本周`, `下周四`: a week (Monday to Sunday) before, of or after the publication
/// date, or a day of it.
pub(super) fn relative_week(chars: &[char], i: usize, ctx: &Context) -> Option<Quantity> {
    let &(word, offset) = RELATIVE_WEEKS
        .iter()
        .find(|(w, _)| starts_with(chars, i, w))?;
    let mut end = i + word_len(word);
    let weekday = match chars.get(end) {
        Some('日' | '天') => Some(6),
        Some(&c) => numeral::chinese_digit(c)
            .filter(|d| (1..=6).contains(d))
            .map(|d| d - 1),
        None => None,
    };
    if weekday.is_some() {
        end += 1;
    }
    let mut f = figure(i, end, QuantityKind::Date, chars);
    if let Some(anchor) = ctx.anchor {
        let monday = anchor
            - chrono::TimeDelta::days(i64::from(anchor.weekday().num_days_from_monday()))
            + chrono::TimeDelta::weeks(offset);
        let (from, to) = match weekday {
            Some(d) => {
                let day = monday + chrono::TimeDelta::days(i64::from(d));
                (day, day)
            }
            None => (monday, monday + chrono::TimeDelta::days(6)),
        };
        f.iso = Some(if from == to {
            Iso::new().day(from).text()
        } else {
            Iso::new().day(from).then('/').day(to).text()
        });
        f.date_start = Some(from);
        f.date_end = Some(to);
    }
    Some(f)
}

/// ISO 8601 text written digit by digit into a string sized once: a third of the figures
/// in news are dates, and `format!` (which grows its string as it goes) cost more than
/// reading them.
struct Iso(String);

impl Iso {
    fn new() -> Self {
        // The longest: `2015-01-31/2015-02-28`.
        Iso(String::with_capacity(21))
    }

    /// A year in at least four digits, as ISO 8601 writes it.
    fn year(mut self, year: i32) -> Self {
        if year < 0 {
            self.0.push('-');
        }
        self.digits(year.unsigned_abs(), 4);
        self
    }

    /// A month or day in two digits.
    fn two(mut self, n: u32) -> Self {
        self.digits(n, 2);
        self
    }

    fn day(self, day: NaiveDate) -> Self {
        self.year(day.year())
            .then('-')
            .two(day.month())
            .then('-')
            .two(day.day())
    }

    fn then(mut self, c: char) -> Self {
        self.0.push(c);
        self
    }

    fn then_str(mut self, s: &str) -> Self {
        self.0.push_str(s);
        self
    }

    fn digits(&mut self, n: u32, width: usize) {
        let mut buf = [b'0'; 10];
        let mut k = buf.len();
        let mut rest = n;
        loop {
            k -= 1;
            buf[k] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        for &b in &buf[k.min(buf.len() - width)..] {
            self.0.push(b as char);
        }
    }

    fn text(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_text_pads_years_to_four_digits_and_months_and_days_to_two() {
        let day = NaiveDate::from_ymd_opt(2015, 1, 31).expect("a date");
        let to = NaiveDate::from_ymd_opt(2015, 2, 8).expect("a date");
        assert_eq!(
            Iso::new().day(day).then('/').day(to).text(),
            "2015-01-31/2015-02-08"
        );
        assert_eq!(Iso::new().year(980).text(), "0980");
        assert_eq!(Iso::new().year(-221).text(), "-0221");
        assert_eq!(Iso::new().year(12345).text(), "12345");
        assert_eq!(Iso::new().then_str("---").two(7).text(), "---07");
        assert_eq!(
            Iso::new().then_str("--").two(12).then('-').two(3).text(),
            "--12-03"
        );
    }
}

//! Reading numbers written in Arabic digits, Chinese numerals, or both.
//!
//! Forms: `1,234.5`; `四千五百万`, `两百`, `十四`, `廿`; financial `壹贰叁…拾佰仟`; digit
//! strings such as `二〇二五`; and Arabic digits followed by scale characters (`1.2万`,
//! `19.32亿`, `3千`), which the scanner applies itself because approximation words may stand
//! between the number and its scale (`320余万`).

/// A number read from the text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Numeral {
    pub value: f64,
    /// Index after the last character read.
    pub end: usize,
    /// Written in Chinese numerals.
    pub chinese: bool,
    /// Digits read for an Arabic integer (4 for `2025`), 0 otherwise.
    pub arabic_digits: usize,
    /// The smallest unit the written number counts in: 10 for `90`, 1000 for `3600`, 0.01
    /// for `19.32`. `90余` is then 90 to 100.
    pub step: f64,
}

#[inline]
pub(crate) fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' | '○' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<f64> {
    Some(match c {
        '十' | '拾' => 10.0,
        '百' | '佰' => 100.0,
        '千' | '仟' => 1000.0,
        _ => return None,
    })
}

/// The value of a scale character that multiplies what precedes it.
pub(crate) fn scale(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1e3,
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

/// The value of an Arabic digit, ASCII or full width (`６`).
#[inline]
pub(crate) fn digit(c: char) -> Option<u32> {
    let ascii = (c as u32).wrapping_sub('0' as u32);
    if ascii < 10 {
        return Some(ascii);
    }
    let wide = (c as u32).wrapping_sub('０' as u32);
    (wide < 10).then_some(wide)
}

/// Whether `c` can start a number.
#[inline]
pub(crate) fn starts_number(c: char) -> bool {
    digit(c).is_some() || chinese_digit(c).is_some() || matches!(c, '十' | '拾' | '廿' | '卅')
}

/// Reads a number at `chars[i..]`.
pub(crate) fn parse(chars: &[char], i: usize) -> Option<Numeral> {
    let c = *chars.get(i)?;
    if digit(c).is_some() {
        parse_arabic(chars, i)
    } else {
        parse_chinese(chars, i)
    }
}

fn parse_arabic(chars: &[char], i: usize) -> Option<Numeral> {
    // The digits as one integer mantissa: 19.32 is 1932 with two decimals. Dividing an exact
    // integer by an exact power of ten rounds the same way as parsing the text would.
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut trailing_zeros = 0usize;
    let mut k = i;
    while k < chars.len() {
        let c = chars[k];
        if let Some(d) = digit(c) {
            if digits >= 18 {
                return None; // not a figure: an identifier or a run of digits
            }
            mantissa = mantissa * 10 + u64::from(d);
            digits += 1;
            trailing_zeros = if d == 0 { trailing_zeros + 1 } else { 0 };
            k += 1;
        } else if c == ','
            && chars
                .get(k + 1..k + 4)
                .is_some_and(|d| d.iter().all(char::is_ascii_digit))
            && !chars.get(k + 4).is_some_and(char::is_ascii_digit)
        {
            // A thousands separator: exactly three digits follow.
            k += 1;
        } else {
            break;
        }
    }
    let int_digits = digits;
    let mut decimals = 0i32;
    if chars.get(k) == Some(&'.') && chars.get(k + 1).is_some_and(char::is_ascii_digit) {
        k += 1;
        while k < chars.len() && chars[k].is_ascii_digit() && digits < 18 {
            mantissa = mantissa * 10 + u64::from(chars[k].to_digit(10).unwrap_or(0));
            digits += 1;
            decimals += 1;
            k += 1;
        }
        // Digits beyond what a figure can carry are read and ignored.
        while k < chars.len() && chars[k].is_ascii_digit() {
            k += 1;
        }
    }
    if int_digits == 0 {
        return None;
    }
    let value = mantissa as f64 / 10f64.powi(decimals);
    let step = if decimals > 0 {
        10f64.powi(-decimals)
    } else if trailing_zeros == int_digits {
        1.0
    } else {
        10f64.powi(trailing_zeros as i32)
    };
    Some(Numeral {
        value,
        end: k,
        chinese: false,
        arabic_digits: if decimals == 0 { int_digits } else { 0 },
        step,
    })
}

fn parse_chinese(chars: &[char], i: usize) -> Option<Numeral> {
    // A plain digit string (二〇二五) reads digit by digit.
    // Zeros are often typed as digits or letters inside one (`二00四`, `二OO一`).
    let run = chars[i..]
        .iter()
        .enumerate()
        .take_while(|&(k, &c)| {
            (chinese_digit(c).is_some() && c != '两') || (k > 0 && matches!(c, '0' | '０' | 'O'))
        })
        .count();
    if run >= 2
        && !chars
            .get(i + run)
            .is_some_and(|&c| chinese_unit(c).is_some() || c == '万' || c == '亿')
    {
        let value = chars[i..i + run].iter().fold(0.0, |acc, &c| {
            acc * 10.0 + f64::from(chinese_digit(c).unwrap_or(0))
        });
        // A run that ends on a typed zero must be a year or a code: `二00四年`.
        if chars[i + run - 1].is_ascii() && run != 4 {
            return None;
        }
        return Some(Numeral {
            value,
            end: i + run,
            chinese: true,
            arabic_digits: 0,
            step: 1.0,
        });
    }
    let (mut total, mut section, mut number) = (0.0f64, 0.0f64, 0.0f64);
    let mut last_unit = 1.0f64;
    let mut k = i;
    let mut read_any = false;
    let mut pending_digit = false;
    while k < chars.len() {
        let c = chars[k];
        if let Some(d) = chinese_digit(c) {
            if pending_digit {
                break; // 十四五: a second digit with no unit between ends the number.
            }
            number = f64::from(d);
            pending_digit = d != 0;
            last_unit = 1.0;
        } else if c == '廿' || c == '卅' {
            section += if c == '廿' { 20.0 } else { 30.0 };
            pending_digit = false;
            last_unit = 10.0;
        } else if c == '千'
            && matches!(
                chars.get(k + 1),
                Some('瓦' | '米' | '克' | '伏' | '卡' | '赫')
            )
        {
            break; // 千瓦, 千米, 千克: the unit's own 千
        } else if let Some(unit) = chinese_unit(c) {
            let n = if number == 0.0 && !pending_digit {
                1.0
            } else {
                number
            };
            // 十 alone after nothing reads as 10; 二十 as 20.
            section += n * unit;
            number = 0.0;
            pending_digit = false;
            last_unit = unit;
        } else if c == '万' || c == '亿' {
            if !read_any {
                return None;
            }
            let unit = if c == '万' { 1e4 } else { 1e8 };
            if c == '亿' {
                total = (total + section + number) * unit;
            } else {
                total += (section + number) * unit;
            }
            section = 0.0;
            number = 0.0;
            pending_digit = false;
            last_unit = unit;
        } else {
            break;
        }
        read_any = true;
        k += 1;
    }
    if !read_any {
        return None;
    }
    // Bare 万 or 亿 is a word (万物, 亿万), and a Chinese zero alone is one too (零部件,
    // 零距离): figures of zero are written in digits.
    let value = total + section + number;
    if value == 0.0 {
        return None;
    }
    // 四千五: a trailing digit after a unit counts in the next unit down.
    let step = if number > 0.0 && last_unit > 1.0 {
        last_unit / 10.0
    } else if number > 0.0 {
        1.0
    } else {
        last_unit.max(1.0)
    };
    Some(Numeral {
        value,
        end: k,
        chinese: true,
        arabic_digits: 0,
        step,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Option<(f64, usize)> {
        let chars: Vec<char> = s.chars().collect();
        parse(&chars, 0).map(|n| (n.value, n.end))
    }

    #[test]
    fn numerals() {
        let cases: &[(&str, f64, usize)] = &[
            ("227项", 227.0, 3),
            ("19.32亿", 19.32, 5),
            ("1,234,567元", 1_234_567.0, 9),
            ("95.72%", 95.72, 5),
            ("四千五百万", 45_000_000.0, 5),
            ("两百", 200.0, 2),
            ("十四五", 14.0, 2),
            ("二十条", 20.0, 2),
            ("三亿五千万", 350_000_000.0, 5),
            ("二〇二五年", 2025.0, 4),
            ("廿三", 23.0, 2),
            ("壹佰贰拾", 120.0, 4),
            ("五年来", 5.0, 1),
            ("两个", 2.0, 1),
        ];
        for &(text, value, end) in cases {
            assert_eq!(read(text), Some((value, end)), "{text}");
        }
        assert_eq!(read("万物"), None);
        assert_eq!(read("零部件"), None);
    }

    #[test]
    fn steps_follow_the_last_written_digit() {
        let step = |s: &str| {
            let chars: Vec<char> = s.chars().collect();
            parse(&chars, 0).map(|n| n.step)
        };
        assert_eq!(step("90"), Some(10.0));
        assert_eq!(step("3600"), Some(100.0));
        assert_eq!(step("19.32"), Some(0.01));
        assert_eq!(step("两百"), Some(100.0));
        assert_eq!(step("4"), Some(1.0));
    }
}

//! A newspaper page's running head, known by its shape: the paper's name, the date with its
//! weekday, the page number (`人民日报 2003年3月12日 星期三 第4版`), at the top of the page
//! (or its foot). Furniture learning finds it too, but only once a run holds enough pages of
//! one paper; this rule takes it off a single page.

use std::sync::OnceLock;

use regex::Regex;

/// Whether `line` is a running head: short, no sentence, a full date or a weekday, and a
/// weekday or a page number (`第4版`, `A4版`).
pub(crate) fn is_running_head(line: &str) -> bool {
    static DATE: OnceLock<Option<Regex>> = OnceLock::new();
    static PAGE: OnceLock<Option<Regex>> = OnceLock::new();
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 40 || crate::chars::ends_sentence(line) {
        return false;
    }
    // (Every running head has a weekday or a page: most first lines have neither.)
    if !line.contains("星期") && !line.contains('周') && !line.contains('版') {
        return false;
    }
    let date = DATE.get_or_init(|| {
        Regex::new(r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|星期[一二三四五六日天]|周[一二三四五六日])").ok()
    });
    let page = PAGE.get_or_init(|| {
        Regex::new(r"(?:第\s*[0-9A-Z一二三四五六七八九十]{1,4}\s*版|\b[A-Z]?\d{1,2}\s*版|星期[一二三四五六日天])").ok()
    });
    let matches = |re: &Option<Regex>| re.as_ref().is_some_and(|re| re.is_match(line));
    matches(date) && matches(page)
}

/// The date a running head prints (`2003年3月12日`), when it prints the year.
pub(crate) fn date(line: &str) -> Option<chrono::NaiveDate> {
    static FULL: OnceLock<Option<Regex>> = OnceLock::new();
    let re = FULL
        .get_or_init(|| Regex::new(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").ok())
        .as_ref()?;
    let c = re.captures(line)?;
    let number = |k: usize| c.get(k)?.as_str().parse::<u32>().ok();
    chrono::NaiveDate::from_ymd_opt(number(1)? as i32, number(2)?, number(3)?)
}

/// The lines of `normalized` that are its running heads: among its first two lines and its
/// last line (a page's head, or a foot line), with the lines of the same head around a top
/// one: the paper's name over it (`人民日报`), the page under it (`第1版`).
pub(crate) fn running_heads(normalized: &str) -> Vec<usize> {
    // Only the first three lines with text and the last are asked: the page is not split
    // into lines for them.
    let mut lines: Vec<(usize, &str)> = Vec::with_capacity(3);
    for (i, line) in normalized.lines().enumerate() {
        if !line.trim().is_empty() {
            lines.push((i, line));
            if lines.len() == 3 {
                break;
            }
        }
    }
    let mut heads = Vec::new();
    if let Some(k) = (0..lines.len().min(2)).find(|&k| is_running_head(lines[k].1)) {
        if k == 1 && is_paper_name(lines[0].1) {
            heads.push(lines[0].0);
        }
        heads.push(lines[k].0);
        if lines.get(k + 1).is_some_and(|(_, l)| is_page_number(l)) {
            heads.push(lines[k + 1].0);
        }
    }
    if lines.len() == 3 {
        // The last line with text, read from the end; the page's lines are counted for its
        // number only when it is a running head.
        let last = normalized
            .lines()
            .rev()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty());
        if let Some((from_end, line)) = last {
            if is_running_head(line) {
                let last = normalized.lines().count() - 1 - from_end;
                if !heads.contains(&last) {
                    heads.push(last);
                }
            }
        }
    }
    heads
}

/// A paper's name alone on its line (`人民日报`, `南方周末报`).
fn is_paper_name(line: &str) -> bool {
    let line = line.trim();
    line.ends_with('报') && (2..=10).contains(&line.chars().count())
}

/// A page number alone on its line, or after its section's name (`第1版`, `第 12 版`,
/// `A4版`, `要闻 第1版`).
fn is_page_number(line: &str) -> bool {
    let line = line.trim();
    let line = match line.rsplit_once(' ') {
        Some((section, page)) if section.chars().count() <= 6 => page,
        _ => line,
    };
    let inner = line.strip_prefix('第').unwrap_or(line);
    line.chars().count() <= 8
        && inner.ends_with('版')
        && inner
            .trim_end_matches('版')
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "一二三四五六七八九十".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_heads_are_known_by_date_and_page_and_text_is_not() {
        for head in [
            "人民日报 2003年3月12日 星期三 第4版",
            "经济参考报  2003年9月12日  星期四  第4版",
            "2026年1月21日 星期三",
            "湖南日报 2026年1月21日 A4版",
        ] {
            assert!(is_running_head(head), "{head}");
        }
        for text in [
            "新华社北京3月11日电",
            "2003年3月12日，十届全国人大一次会议在北京举行。",
            "第4版",
            "本报记者 王明",
            "会议定于2003年3月12日召开，为期两周，共安排三次全体会议",
        ] {
            assert!(!is_running_head(text), "{text}");
        }
    }

    #[test]
    fn only_the_top_two_lines_and_the_last_are_looked_at() {
        let page = "人民日报 2003年3月12日 星期三 第4版\n\n标题\n正文。\n2003年3月12日 星期三\n正文又一句。\n";
        assert_eq!(running_heads(page), [0]);
        // A head over three lines: the paper, the date, the page.
        let page = "人民日报\n\n1998年1月1日 星期一\n\n第1版\n\n标题\n\n正文。\n";
        assert_eq!(running_heads(page), [0, 2, 4]);
        let page = "湖南日报\n\n2026年1月3日 星期三\n\n要闻 第3版\n\n标题\n\n正文。\n";
        assert_eq!(running_heads(page), [0, 2, 4]);
        // A headline over a web page's date line stays.
        let page = "春耕时节农机忙\n2003年3月12日 星期三 来源：新华网\n正文。\n";
        assert_eq!(running_heads(page), [1]);
    }
}

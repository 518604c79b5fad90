//! The user's own furniture: patterns named in the run's options
//! (`[[clean.drop]] name = "sohu-footer"  pattern = "返回搜狐.*$"` in `newsprint.toml`,
//! or `--drop NAME=PATTERN`), each match cut out of the line it is in as a `removed` row of
//! kind `furniture` with method `pattern:NAME`. Patterns are `regex` syntax, matched against
//! each line of the normalised page (full-width punctuation between Chinese characters), so
//! matching takes time linear in the page.

use regex::Regex;

/// A named pattern whose matches are taken out of every page.
#[derive(Clone, Debug)]
pub struct DropPattern {
    name: String,
    regex: Regex,
    builtin: bool,
    /// For newsprint's own patterns, its place in [`BUILTIN`] (see [`may_match`]).
    builtin_index: Option<usize>,
}

/// The lines newsprint takes out of every page unless told not to (`run
/// --no-builtin-drop`): what web pages and digitised papers print around an article that
/// no reader of it wants, too rare on any one site for furniture learning to find. Each
/// matches a whole line, or a bracketed note closing one, never words inside a sentence:
///
/// - `editor-line`: `责任编辑：王明`, `责任编辑 王明`, `（责编：李华）`, `本版编辑：赵敏`,
///   `编辑：孙丽`
/// - `editor-note`: `（责任编辑：王明）` closing a paragraph
/// - `statement`: `特别声明：以上文章内容仅代表作者本人观点…` to the end of its line
/// - `cover-picture`: `题图：网络配图`
/// - `loading`: `读取内容中，请等待..`
/// - `save-attachment`: `下载附件保存到相册`
/// - `markup`: a stray `"/>` left by a scraper
/// - `original-title`: `原标题：…` (a web page's note of the headline it was first
///   published under; the body keeps its own copy of any sentence it repeats)
pub const BUILTIN: [(&str, &str); 8] = [
    (
        "editor-line",
        r"^[（(]?(?:(?:责任编辑|责编|本版编辑)[:：\s]|编辑[:：])\s*[\p{Han}·A-Za-z ]{1,16}[）)]?$",
    ),
    (
        "editor-note",
        r"[（(](?:责任编辑|责编|编辑)[:：]\s*[\p{Han}·A-Za-z ]{1,16}[）)]$",
    ),
    ("statement", r"特别声明[:：]以上.*$"),
    ("cover-picture", r"^题图[:：].{0,30}$"),
    ("loading", r"^读取内容中.{0,12}$"),
    ("save-attachment", r"^下载附件.{0,12}$"),
    ("markup", r#"^["'“”]?\s*/\s*>$"#),
    ("original-title", r"^原标题[:：].*$"),
];

/// Whether a line may hold a match of the pattern of [`BUILTIN`] at `index`: how its line
/// opens, ends or what it holds, checked before the pattern (most lines of most pages have
/// none of them).
fn may_match(index: usize, line: &str) -> bool {
    let opened = line.trim_start_matches(['（', '(']);
    match index {
        0 => ["责任编辑", "责编", "本版编辑", "编辑"]
            .iter()
            .any(|w| opened.starts_with(w)),
        1 => line.ends_with(['）', ')']) && line.contains('编'),
        2 => line.contains("特别声明"),
        3 => line.starts_with("题图"),
        4 => line.starts_with("读取内容中"),
        5 => line.starts_with("下载附件"),
        6 => line.len() <= 12 && line.contains("/"),
        7 => line.starts_with("原标题"),
        _ => true,
    }
}

/// Whether a page may hold a line that [`may_match`] lets through for the pattern at
/// `index`: what every such line holds, looked for once in the whole page (most pages hold
/// none of it, and their lines are then not asked one by one).
fn may_occur(index: usize, page: &str) -> bool {
    match index {
        // Every opening of pattern 0 (责任编辑, 责编, 本版编辑, 编辑) holds 编, as 1 asks.
        0 | 1 => page.contains('编'),
        2 => page.contains("特别声明"),
        3 => page.contains("题图"),
        4 => page.contains("读取内容中"),
        5 => page.contains("下载附件"),
        6 => page.contains('/'),
        7 => page.contains("原标题"),
        _ => true,
    }
}

impl DropPattern {
    /// Whether the pattern may match some line of `page`: `false` only when no line of it
    /// can hold a match (a user's pattern is always asked).
    pub(crate) fn may_occur_in(&self, page: &str) -> bool {
        self.builtin_index.is_none_or(|k| may_occur(k, page))
    }

    /// Compiles `pattern`; the error names what is wrong with it.
    pub fn new(name: &str, pattern: &str) -> Result<Self, regex::Error> {
        Ok(DropPattern {
            name: name.to_string(),
            regex: Regex::new(pattern)?,
            builtin: false,
            builtin_index: None,
        })
    }

    /// The patterns of [`BUILTIN`].
    pub fn builtin() -> Vec<DropPattern> {
        BUILTIN
            .iter()
            .enumerate()
            .filter_map(|(index, (name, pattern))| {
                // (Tested to compile: `every_builtin_pattern_finds_its_line_and_no_prose`.)
                Regex::new(pattern).ok().map(|regex| DropPattern {
                    name: name.to_string(),
                    regex,
                    builtin: true,
                    builtin_index: Some(index),
                })
            })
            .collect()
    }

    /// Whether this is one of newsprint's own patterns ([`BUILTIN`]).
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// The name the `removed` rows give (`pattern:NAME`, `builtin:NAME`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pattern as given.
    pub fn pattern(&self) -> &str {
        self.regex.as_str()
    }

    /// The spans of `line` this pattern matches (none empty).
    pub(crate) fn spans(&self, line: &str) -> Vec<std::ops::Range<usize>> {
        if self.builtin_index.is_some_and(|k| !may_match(k, line)) {
            return Vec::new();
        }
        self.regex
            .find_iter(line)
            .filter(|m| !m.is_empty())
            .map(|m| m.range())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_pattern_finds_its_line_and_no_prose() {
        let builtin = DropPattern::builtin();
        assert_eq!(builtin.len(), BUILTIN.len(), "every pattern compiles");
        let found = |line: &str| -> Vec<String> {
            builtin
                .iter()
                .filter(|p| !p.spans(line).is_empty())
                .map(|p| p.name().to_string())
                .collect()
        };
        for (line, name) in [
            ("责任编辑：王明", "editor-line"),
            ("（责编：李华）", "editor-line"),
            ("本版编辑：赵敏", "editor-line"),
            ("责任编辑 王晓明", "editor-line"),
            ("编辑：孙丽", "editor-line"),
            ("全文完。（责任编辑：王明）", "editor-note"),
            (
                "特别声明：以上文章内容仅代表作者本人观点，不代表新浪网观点或立场。",
                "statement",
            ),
            ("题图：网络配图", "cover-picture"),
            ("读取内容中，请等待..", "loading"),
            ("下载附件保存到相册", "save-attachment"),
            ("\"/>", "markup"),
            ("原标题：凯迪拉克XT5降价促销", "original-title"),
        ] {
            // (The first that matches cuts it.)
            assert_eq!(
                found(line).first().map(String::as_str),
                Some(name),
                "{line}"
            );
        }
        for prose in [
            "他担任责任编辑多年，经手的稿件数以千计。",
            "编辑部的同事们说，新版面更清楚了。",
            "记者看到，题图是一张老照片。",
            "他表示，读取内容中的错误已经修复。",
            "原标题中的错别字已经更正。",
            "我们需要下载附件后再核对。",
        ] {
            assert!(found(prose).is_empty(), "{prose}: {:?}", found(prose));
        }
    }

    #[test]
    fn a_pattern_finds_its_spans_and_a_bad_one_says_why() {
        let footer = DropPattern::new("sohu-footer", "返回搜狐.*$").expect("compiles");
        let line = "记者从会上获悉，项目明年开工。返回搜狐，查看更多";
        let spans = footer.spans(line);
        assert_eq!(spans.len(), 1);
        assert_eq!(&line[spans[0].clone()], "返回搜狐，查看更多");
        let error = DropPattern::new("broken", "责任编辑：(").expect_err("unclosed group");
        assert!(error.to_string().contains("unclosed"), "{error}");
    }
}

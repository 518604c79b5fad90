//! The user's own furniture: patterns named in the run's options
//! (`[[clean.drop]] name = "sohu-footer"  pattern = "返回搜狐.*$"` in `newsprint.toml`,
//! or `--drop NAME=PATTERN`), each match cut out of the line it is in as a `removed` row of
//! kind `noise` with method `pattern:NAME`. Patterns are `regex` syntax, matched against
//! each line of the normalised page (full-width punctuation between Chinese characters), so
//! matching takes time linear in the page.

use regex::Regex;

/// A named pattern whose matches are taken out of every page.
#[derive(Clone, Debug)]
pub struct DropPattern {
    name: String,
    regex: Regex,
}

impl DropPattern {
    /// Compiles `pattern`; the error names what is wrong with it.
    pub fn new(name: &str, pattern: &str) -> Result<Self, regex::Error> {
        Ok(DropPattern {
            name: name.to_string(),
            regex: Regex::new(pattern)?,
        })
    }

    /// The name the `removed` rows give (`pattern:NAME`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pattern as given.
    pub fn pattern(&self) -> &str {
        self.regex.as_str()
    }

    /// The spans of `line` this pattern matches (none empty).
    pub(crate) fn spans(&self, line: &str) -> Vec<std::ops::Range<usize>> {
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

//! Values and helpers the subcommands share on their command lines: the log format and its
//! set-up, and the parsers of option values (thread counts, fractions, dates, patterns).

use std::io::IsTerminal;

use chrono::NaiveDate;
use clap::ValueEnum;

/// Log output format.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The largest `--max-document-mb`: a document is held whole in memory, and 64 GiB is more
/// than any machine newsprint runs on should hold for one page.
pub(crate) const MAX_DOCUMENT_MB: u64 = 65_536;

/// The most worker threads: each holds a batch's documents, and a thread per core is the
/// useful number on any machine sold today.
pub(crate) const MAX_THREADS: usize = 1024;

pub(crate) fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "{s:?} is not a thread count from 1 to {MAX_THREADS}"
        )),
    }
}

pub(crate) fn parse_fraction(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!("{s:?} is not a similarity in (0, 1]")),
    }
}

/// `NAME=PATTERN` of `--drop`: a bad pattern is a usage error that names it.
pub(crate) fn parse_drop(s: &str) -> Result<clean::DropPattern, String> {
    let (name, pattern) = s
        .split_once('=')
        .filter(|(name, pattern)| !name.trim().is_empty() && !pattern.is_empty())
        .ok_or_else(|| format!("{s:?} is not NAME=PATTERN"))?;
    clean::DropPattern::new(name.trim(), pattern)
        .map_err(|e| format!("the pattern {:?} does not compile: {e}", name.trim()))
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a YYYY-MM-DD date: {e}"))
}

pub(crate) fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEWSPRINT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR"),
        ))
        .with_target(false);
    // A second initialisation (tests calling run twice in one process) is harmless.
    let _ = match format {
        LogFormat::Text => builder.without_time().try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Whether logs are coloured: only on a terminal, and never when `NO_COLOR` is set to
/// anything (no-color.org): a log file or a CI log gets plain text.
fn colour(stderr_is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// A fraction as the decimal it was typed as (0.8, not the f32's 0.800000011920929).
pub(crate) fn decimal(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_are_bounded() {
        assert_eq!(parse_threads("8"), Ok(8));
        assert!(parse_threads("0").is_err());
        assert!(parse_threads("100000").is_err());
    }

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("".into())));
        assert!(!colour(true, Some("1".into())));
        assert!(!colour(false, None));
    }
}

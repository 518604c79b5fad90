//! `newsprint run --dry-run`: what a run would process, one line an input, nothing written.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ingest::Shard;

use super::{LogFormat, RunArgs};

use super::read_account::Unchanged;

/// `--dry-run`: reads and hashes the inputs and lists, on stdout, those a run would process.
/// A source as one field of a tab-separated line: backslash, tab, newline and carriage
/// return written as `\\`, `\t`, `\n` and `\r`, so that any file name stays one field of
/// one line.
pub(super) fn escape_field(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\\', '\t', '\n', '\r']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.into()
}

pub(super) fn dry_run(
    args: &RunArgs,
    output: &super::Output,
    shard: Option<Shard>,
    sources: Vec<ingest::Source>,
    unchanged_files: Unchanged,
    read_options: ingest::ReadOptions,
) -> Result<ExitCode> {
    let seen = aggregate::Seen::read(&output.dir, shard, args.full)
        .with_context(|| format!("cannot read the dataset {}", output.name))?;
    let reader = ingest::read(sources, read_options).with_known(seen.contents());
    let (mut new, mut unchanged, mut bytes) = (0u64, unchanged_files.documents, 0u64);
    let stdout = std::io::stdout();
    let mut listing = std::io::BufWriter::new(stdout.lock());
    for raw in reader {
        if seen.contains(&raw.source, &raw.doc_id) {
            unchanged += 1;
            continue;
        }
        new += 1;
        bytes += raw.bytes.len() as u64;
        let line = if args.log_format == LogFormat::Json {
            serde_json::json!({"event": "would_process", "source": raw.source, "doc_id": raw.doc_id, "bytes": raw.bytes.len()})
                .to_string()
        } else {
            format!(
                "{}\t{}\t{}",
                escape_field(&raw.source),
                raw.doc_id,
                raw.bytes.len()
            )
        };
        if writeln!(listing, "{line}").is_err() {
            // The reader closed the pipe (`| head`): nothing more to say.
            return Ok(ExitCode::SUCCESS);
        }
    }
    let _ = listing.flush();
    tracing::info!(
        new,
        unchanged,
        mb = bytes as f64 / 1e6,
        out = %output.name,
        "dry run: {new} documents would be processed, {unchanged} are in the dataset already; nothing written"
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dry_run_fields_escape_what_would_break_a_line() {
        assert_eq!(escape_field("a/b.txt"), "a/b.txt");
        assert_eq!(escape_field("a\tb\nc\\d\re"), "a\\tb\\nc\\\\d\\re");
    }
}

//! `newsprint config`: the effective settings of `newsprint run`, as a `newsprint.toml`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::run::RunArgs;

/// Arguments of `newsprint config`: the options of `newsprint run`, to see what they add up
/// to with the configuration file.
#[derive(Args, Debug)]
#[command(after_long_help = "\
Prints, as TOML, the settings `newsprint run` would use: the defaults, overridden by the
[run] table of the configuration file (--config FILE, else $NEWSPRINT_CONFIG, else
./newsprint.toml), overridden by the options given here. The output is itself a valid
newsprint.toml.

Example:
  newsprint --config nightly.toml config --threads 4")]
pub struct ConfigArgs {
    /// Options of `newsprint run` (inputs, --out, --threads, ...; `newsprint run --help`
    /// lists them), to see what they add up to with the file.
    #[arg(
        value_name = "RUN OPTIONS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    run: Vec<std::ffi::OsString>,
}

/// `newsprint run`'s options as given to `config` (the global `--config` left out: it names
/// the file, which is already read).
fn run_args(given: Vec<std::ffi::OsString>) -> Result<RunArgs> {
    use clap::{Args as _, FromArgMatches as _};
    let mut args = Vec::with_capacity(given.len());
    let mut given = given.into_iter();
    while let Some(arg) = given.next() {
        if arg == "--config" {
            given.next();
        } else if !arg.to_string_lossy().starts_with("--config=") {
            args.push(arg);
        }
    }
    let command = RunArgs::augment_args(clap::Command::new("newsprint config"));
    let matches = command
        .try_get_matches_from(std::iter::once("config".into()).chain(args))
        .map_err(|e| super::Usage(e.to_string().trim_end().to_string()))?;
    RunArgs::from_arg_matches(&matches).map_err(|e| super::Usage(e.to_string()).into())
}

/// Prints the effective settings; see [`ConfigArgs`].
pub fn config(args: ConfigArgs, source: Option<std::path::PathBuf>) -> Result<ExitCode> {
    let mut run = run_args(args.run)?;
    run.take_old_names();
    let table = settings(&run);
    let header = match source {
        Some(path) => format!(
            "# newsprint run: defaults, then {}, then the options given\n",
            path.display()
        ),
        None => "# newsprint run: defaults, then the options given (no configuration file)\n"
            .to_string(),
    };
    let unset = unset_options(&table);
    let mut body = toml::Table::new();
    body.insert("run".to_string(), toml::Value::Table(table));
    // The options with no value (TOML has no null) follow as comments, so that the output
    // is a whole template of the [run] table.
    let text = format!("{header}{}{unset}", toml::to_string(&body)?);
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// `run`'s options that `table` gives no value, as commented-out lines naming their values.
fn unset_options(table: &toml::Table) -> String {
    use clap::Args as _;
    let command = RunArgs::augment_args(clap::Command::new("run"));
    let mut lines = String::new();
    for arg in command.get_arguments() {
        let id = arg.get_id().as_str();
        if arg.is_hide_set() || id == "help" || table.contains_key(id) {
            continue;
        }
        let value = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map_or("VALUE".to_string(), |name| name.to_string());
        lines.push_str(&format!("# {id} = \"{value}\"   (not set)\n"));
    }
    lines
}

/// Every option of `newsprint run`, as a TOML table under the names the file uses.
pub fn settings(run: &RunArgs) -> toml::Table {
    use toml::Value;
    let mut t = toml::Table::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            t.insert(key.to_string(), value);
        }
    };
    let path = |p: &std::path::Path| Value::String(p.display().to_string());
    put(
        "inputs",
        Some(Value::Array(run.inputs.iter().map(|p| path(p)).collect())),
    );
    put("out", run.out.as_deref().map(path));
    put("work_dir", run.work_dir.as_deref().map(path));
    put("full", Some(Value::Boolean(run.full)));
    put("rehash", Some(Value::Boolean(run.rehash)));
    put("shard", run.shard.map(|s| Value::String(s.to_string())));
    put(
        "shard_count",
        run.shard_count.map(|n| Value::Integer(n.into())),
    );
    put("dry_run", Some(Value::Boolean(run.dry_run)));
    put(
        "max_errors",
        run.max_errors
            .map(|n| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))),
    );
    put(
        "threads",
        run.threads
            .map(|n| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))),
    );
    put(
        "published_date",
        run.published_date.map(|d| Value::String(d.to_string())),
    );
    put("encoding", run.encoding.clone().map(Value::String));
    put("strict", Some(Value::Boolean(run.strict)));
    put(
        "log_format",
        Some(Value::String(
            format!("{:?}", run.log_format).to_ascii_lowercase(),
        )),
    );
    let int = |n: u64| Some(Value::Integer(i64::try_from(n).unwrap_or(i64::MAX)));
    put("batch_docs", int(run.batch_docs as u64));
    put("batch_mb", int(run.batch_mb));
    put("rows_per_part", int(run.rows_per_part as u64));
    put("max_document_mb", int(run.max_document_mb));
    put(
        "text_field",
        Some(Value::Array(
            run.text_field.iter().cloned().map(Value::String).collect(),
        )),
    );
    put(
        "near_dup_threshold",
        Some(Value::Float(super::cli::decimal(run.near_dup_threshold))),
    );
    put("no_near_dup", Some(Value::Boolean(run.no_near_dup)));
    put("furniture_min_docs", int(u64::from(run.furniture_min_docs)));
    put("no_furniture", Some(Value::Boolean(run.no_furniture)));
    put("no_builtin_drop", Some(Value::Boolean(run.no_builtin_drop)));
    put(
        "entities",
        Some(Value::String(run.entities.as_str().to_string())),
    );
    put(
        "no_follow_symlinks",
        Some(Value::Boolean(run.no_follow_symlinks)),
    );
    put(
        "drop",
        Some(Value::Array(
            run.drop
                .iter()
                .map(|d| Value::String(format!("{}={}", d.name(), d.pattern())))
                .collect(),
        )),
    );
    put(
        "storage_option",
        Some(Value::Array(
            run.storage
                .storage_option
                .iter()
                .map(|(key, value)| {
                    // Credentials are not printed: the output may land in a log.
                    let secret = ["secret", "token", "password", "access_key_id"]
                        .iter()
                        .any(|s| key.to_ascii_lowercase().contains(s));
                    let shown = if secret { "(hidden)" } else { value.as_str() };
                    Value::String(format!("{key}={shown}"))
                })
                .collect(),
        )),
    );
    t
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    /// `newsprint run` as a stand-alone command, to list and parse its options.
    #[derive(Parser)]
    struct Run {
        #[command(flatten)]
        run: super::RunArgs,
    }

    #[test]
    fn every_run_option_is_printed() {
        // Every option that has no default is given, so that each has a value to print.
        let run = Run::parse_from([
            "run",
            "pages",
            "--out",
            "ds",
            "--work-dir",
            "work",
            "--threads",
            "2",
            "--shard",
            "0/2",
            "--shard-count",
            "2",
            "--max-errors",
            "3",
            "--published-date",
            "2026-01-21",
            "--encoding",
            "GBK",
        ]);
        let printed = super::settings(&run.run);
        for arg in Run::command().get_arguments() {
            let key = match arg.get_long() {
                Some(long) => long.replace('-', "_"),
                None => arg.get_id().to_string(),
            };
            // (`--entity-tagger` is a hidden alias of `--entities tagger`, printed as that.)
            if key == "help" || arg.is_hide_set() {
                continue;
            }
            assert!(
                printed.contains_key(&key),
                "`newsprint config` leaves out {key}"
            );
        }
    }
}

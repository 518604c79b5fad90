//! `newsprint.toml`: options kept in a file, one table per subcommand, flags overriding them.
//!
//! ```toml
//! [run]
//! inputs = ["/archive/pages"]
//! out = "/shared/newsprint/dataset"
//! threads = 8
//! log_format = "json"
//! near_dup_threshold = 0.8
//!
//! [merge]
//! near_dup_threshold = 0.8
//!
//! [[clean.drop]]            # for run and eval: text to take out of every page
//! name = "sohu-footer"
//! pattern = "返回搜狐.*$"
//! ```
//!
//! Keys are the subcommand's long option names (`near_dup_threshold` or
//! `near-dup-threshold`), plus `inputs` for `run`. The file's options are turned into
//! arguments placed before the ones typed, so clap checks them exactly as it checks flags and
//! an option given on the command line is never also taken from the file. The file is the one
//! `--config FILE` names, else `$NEWSPRINT_CONFIG`, else `newsprint.toml` in the working
//! folder if there is one.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};

/// The table of cleaning options every subcommand that cleans reads: `[[clean.drop]]`
/// patterns, given to `run` and `eval` as `--drop NAME=PATTERN`.
const CLEAN: &str = "clean";

/// The `[[clean.drop]]` patterns as `NAME=PATTERN` arguments, for the subcommands that clean.
fn clean_drops(
    file: &toml::Table,
    subcommand: &str,
    path: &std::path::Path,
) -> Result<Vec<String>> {
    if !matches!(subcommand, "run" | "eval") {
        return Ok(Vec::new());
    }
    let Some(clean) = file.get(CLEAN) else {
        return Ok(Vec::new());
    };
    let bad = || {
        anyhow!(
            "{}: [clean] holds `[[clean.drop]]` tables, each with a `name` and a `pattern`",
            path.display()
        )
    };
    let clean = clean.as_table().ok_or_else(bad)?;
    let mut drops = Vec::new();
    for (key, value) in clean {
        if key != "drop" {
            return Err(bad());
        }
        for entry in value.as_array().ok_or_else(bad)? {
            let entry = entry.as_table().ok_or_else(bad)?;
            let field = |k: &str| entry.get(k).and_then(toml::Value::as_str).ok_or_else(bad);
            let name = field("name")?;
            // Given on as `--drop NAME=PATTERN`: the first `=` ends the name.
            if name.contains('=') {
                bail!(
                    "{}: [[clean.drop]] name {name:?} may not hold `=`",
                    path.display()
                );
            }
            drops.push(format!("{name}={}", field("pattern")?));
        }
    }
    Ok(drops)
}

/// The file in the working folder read when no other is named.
pub const DEFAULT_FILE: &str = "newsprint.toml";

/// Where the configuration comes from, if anywhere.
pub fn locate(argv: &[OsString]) -> Option<PathBuf> {
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    if let Some(path) = std::env::var_os("NEWSPRINT_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let default = PathBuf::from(DEFAULT_FILE);
    default.is_file().then_some(default)
}

/// The arguments with the options of the configuration at `path` (see [`locate`]) for the
/// chosen subcommand inserted after the subcommand's name. `command` describes the CLI;
/// `section_of` maps a subcommand to its table in the file (`config` reads `[run]`).
pub fn apply(
    argv: Vec<OsString>,
    path: Option<&std::path::Path>,
    command: &clap::Command,
    section_of: impl Fn(&str) -> &str,
) -> Result<Vec<OsString>> {
    let Some(path) = path else {
        return Ok(argv);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration {}", path.display()))?;
    let file: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    for key in file.keys() {
        if key != CLEAN && !command.get_subcommands().any(|s| s.get_name() == key) {
            bail!(
                "{}: [{key}] is not a newsprint subcommand (tables: [run], [merge], [stats], ...)",
                path.display()
            );
        }
    }
    // The subcommand: the first argument naming one, past the global options.
    let mut position = None;
    let mut k = 1;
    while k < argv.len() {
        let arg = argv[k].to_string_lossy();
        if arg == "--config" {
            k += 2;
            continue;
        }
        if command.get_subcommands().any(|s| s.get_name() == arg) {
            position = Some(k);
            break;
        }
        if !arg.starts_with('-') {
            break;
        }
        k += 1;
    }
    let Some(position) = position else {
        return Ok(argv);
    };
    let name = argv[position].to_string_lossy().into_owned();
    let section = section_of(&name);
    let drops = clean_drops(&file, section, path)?;
    let empty = toml::Value::Table(toml::Table::new());
    let table = match file.get(section) {
        Some(table) => table,
        None if drops.is_empty() => return Ok(argv),
        None => &empty,
    };
    let table = table
        .as_table()
        .ok_or_else(|| anyhow!("{}: [{section}] must be a table", path.display()))?;
    // The options are those of the section's subcommand (`config` shows `run`'s).
    let sub = command
        .find_subcommand(section)
        .ok_or_else(|| anyhow!("unknown subcommand {section}"))?;
    let typed = given_on_command_line(sub, &argv[position + 1..]);

    let mut inserted: Vec<OsString> = Vec::new();
    let mut positional: Vec<OsString> = Vec::new();
    for (key, value) in table {
        let id = key.replace('-', "_");
        let arg = sub
            .get_arguments()
            .find(|a| a.get_id().as_str() == id && a.get_id() != "config")
            .ok_or_else(|| {
                anyhow!(
                    "{}: [{section}] has no option `{key}` (see `newsprint {section} --help`)",
                    path.display()
                )
            })?;
        let bad = |what: &str| anyhow!("{}: [{section}] {key} must be {what}", path.display());
        if arg.is_positional() {
            if typed.positional {
                continue;
            }
            match value {
                toml::Value::Array(items) => {
                    for item in items {
                        positional.push(scalar(item).ok_or_else(|| bad("a list of paths"))?.into());
                    }
                }
                other => positional.push(scalar(other).ok_or_else(|| bad("a path"))?.into()),
            }
            continue;
        }
        let Some(long) = arg.get_long() else { continue };
        if typed.longs.iter().any(|l| l == long) {
            continue;
        }
        let takes_value = arg.get_action().takes_values();
        match value {
            toml::Value::Boolean(on) if !takes_value => {
                if *on {
                    inserted.push(format!("--{long}").into());
                }
            }
            toml::Value::Array(items) if takes_value => {
                // A repeatable option (`drop = ["name=pattern", ...]`): the flag once an item.
                for item in items {
                    let text = scalar(item).ok_or_else(|| bad("a list of strings"))?;
                    inserted.push(format!("--{long}").into());
                    inserted.push(text.into());
                }
            }
            other if takes_value => {
                let text = scalar(other).ok_or_else(|| bad("a string or a number"))?;
                inserted.push(format!("--{long}").into());
                inserted.push(text.into());
            }
            _ => return Err(bad("true or false")),
        }
    }
    if !typed.longs.iter().any(|l| l == "drop") {
        for drop in drops {
            inserted.push("--drop".into());
            inserted.push(drop.into());
        }
    }
    let mut out: Vec<OsString> = argv[..=position].to_vec();
    out.extend(inserted);
    out.extend(argv[position + 1..].iter().cloned());
    out.extend(positional);
    Ok(out)
}

fn scalar(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Float(x) => Some(x.to_string()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

/// What the typed arguments of a subcommand set: long option names, and whether any
/// positional argument was given.
struct Typed {
    longs: Vec<String>,
    positional: bool,
}

fn given_on_command_line(sub: &clap::Command, args: &[OsString]) -> Typed {
    let mut typed = Typed {
        longs: Vec::new(),
        positional: false,
    };
    let mut k = 0;
    while k < args.len() {
        let arg = args[k].to_string_lossy();
        if arg == "--" {
            typed.positional |= k + 1 < args.len();
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            let takes_value = sub
                .get_arguments()
                .find(|a| a.get_long() == Some(name))
                .is_some_and(|a| a.get_action().takes_values());
            typed.longs.push(name.to_string());
            k += if takes_value && !inline { 2 } else { 1 };
            continue;
        }
        if !arg.starts_with('-') || arg == "-" {
            typed.positional = true;
        }
        k += 1;
    }
    typed
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction, Command};

    fn cli() -> Command {
        Command::new("newsprint")
            .arg(Arg::new("config").long("config").global(true))
            .subcommand(
                Command::new("run")
                    .arg(Arg::new("inputs").num_args(1..))
                    .arg(Arg::new("out").long("out"))
                    .arg(Arg::new("threads").long("threads"))
                    .arg(Arg::new("strict").long("strict").action(ArgAction::SetTrue)),
            )
    }

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    fn applied(file: &str, typed: &[&str]) -> Result<Vec<String>> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("n.toml");
        std::fs::write(&path, file).expect("write");
        let mut argv: Vec<OsString> = vec!["newsprint".into(), "--config".into(), path.into()];
        argv.extend(typed.iter().map(OsString::from));
        let path = locate(&argv);
        apply(argv, path.as_deref(), &cli(), |s| s).map(|a| strings(&a[3..]))
    }

    #[test]
    fn the_file_fills_in_what_the_command_line_does_not_say() {
        let file = "[run]\ninputs = [\"a\", \"b\"]\nout = \"ds\"\nthreads = 4\nstrict = true\n";
        assert_eq!(
            applied(file, &["run"]).expect("applied"),
            ["run", "--out", "ds", "--strict", "--threads", "4", "a", "b"]
        );
        assert_eq!(
            applied(file, &["run", "c", "--threads=8", "--out", "x"]).expect("applied"),
            ["run", "--strict", "c", "--threads=8", "--out", "x"]
        );
        assert_eq!(
            applied("[run]\nstrict = false\n", &["run", "a"]).expect("applied"),
            ["run", "a"]
        );
    }

    #[test]
    fn mistakes_in_the_file_are_named() {
        let unknown = applied("[run]\nthreds = 4\n", &["run"]).expect_err("unknown key");
        assert!(
            unknown.to_string().contains("no option `threds`"),
            "{unknown}"
        );
        let section = applied("[rnu]\n", &["run"]).expect_err("unknown table");
        assert!(section.to_string().contains("[rnu]"), "{section}");
        let flag = applied("[run]\nstrict = \"yes\"\n", &["run"]).expect_err("bad flag");
        assert!(flag.to_string().contains("true or false"), "{flag}");
        assert!(applied("[run\n", &["run"]).is_err());
    }
}

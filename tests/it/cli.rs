//! The command line: usage errors and help, strict mode, logs for schedulers, stats, dry
//! runs, configuration files, datasets never replaced.

use super::util::*;

#[test]
fn strict_mode_fails_and_leaves_the_previous_output_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    broken_folder(&inputs);
    let out = tmp.path().join("out");
    run_ok(&[&root().join(SAMPLE)], &out, &[]);
    let before = std::fs::read(out.join("manifest.json")).expect("manifest");
    let output = newsprint(&[
        "run",
        &inputs.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--strict",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("e_broken.txt.gz"));
    assert_eq!(
        std::fs::read(out.join("manifest.json")).expect("manifest"),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        leftovers.iter().all(|n| !n.contains("newsprint-tmp")),
        "{leftovers:?}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_teaches() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out").display().to_string();
    let missing = newsprint(&["run", "no/such/folder", "--out", &out]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/folder"));
    let bad_date = newsprint(&[
        "run",
        "data/pages",
        "--out",
        &out,
        "--published-date",
        "21/01/2026",
    ]);
    assert_eq!(bad_date.status.code(), Some(2));
    let bad_encoding = newsprint(&["run", "data/pages", "--out", &out, "--encoding", "klingon"]);
    assert_eq!(bad_encoding.status.code(), Some(2));
    let help = newsprint(&["run", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "Exit codes",
        "newsprint run data/pages --out out",
        "quantities/",
    ] {
        assert!(help.contains(needle), "--help mentions {needle}");
    }
}

#[test]
fn a_folder_that_is_not_a_dataset_is_never_replaced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("precious");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("thesis.tex"), "keep").expect("write");
    let output = newsprint(&["run", SAMPLE, "--out", &out.display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a newsprint dataset"));
    assert!(out.join("thesis.tex").exists());
}

#[test]
fn json_logs_end_with_a_summary_line_for_schedulers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let output = run_ok(&[&root().join(SAMPLE)], &out, &["--log-format", "json"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last: serde_json::Value =
        serde_json::from_str(stdout.lines().last().expect("a line")).expect("json");
    assert_eq!(last["event"], "finished");
    assert_eq!(last["documents"]["ok"], 1);
    assert_eq!(last["rows"]["articles"], 5);
    // Where the time went, wall and processor seconds by phase, for a scheduler's metrics.
    for phase in ["furniture_pass", "process", "commit_and_corpus_step"] {
        assert!(last["phases"][phase].as_f64() >= Some(0.0), "{last}");
        assert!(
            last["phase_cpu_seconds"][phase].as_f64() >= Some(0.0),
            "{last}"
        );
    }
    // And by the job of each thread, the threads beside the workers included.
    for job in [
        "workers",
        "read-ahead",
        "writer",
        "furniture counter",
        "main",
        "other",
    ] {
        assert!(
            last["thread_cpu_seconds"][job].as_f64() >= Some(0.0),
            "{job}: {last}"
        );
    }
}

#[test]
fn stats_read_a_dataset_written_before_furniture_had_its_name() {
    use polars::prelude::*;
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    run_ok(&[&root().join("data/pages")], &out, &["--drop", "x=湘潭"]);
    let dir = out.display().to_string();
    let json = |dir: &str| -> serde_json::Value {
        let output = newsprint(&["stats", dir, "--json"]);
        assert_ok(&output);
        serde_json::from_slice(&output.stdout).expect("json")
    };
    let now = json(&dir)["chars"]["removed_furniture"].clone();
    assert!(now.as_u64() > Some(0), "{now}");
    // The dataset as schema 5 wrote it: the column under its old name.
    for part in std::fs::read_dir(out.join("documents")).expect("documents") {
        let path = part.expect("part").path();
        let mut df = table_part(&path);
        df.rename("chars_removed_furniture", "chars_removed_noise".into())
            .expect("rename");
        ParquetWriter::new(std::fs::File::create(&path).expect("create"))
            .finish(&mut df)
            .expect("write");
    }
    let manifest_path = out.join("manifest.json");
    let mut manifest = manifest_of(&manifest_path);
    manifest["schema_version"] = 5.into();
    std::fs::write(&manifest_path, manifest.to_string()).expect("manifest");
    let old = json(&dir);
    assert_eq!(old["schema_version"], 5);
    assert_eq!(old["chars"]["removed_furniture"], now);
}

fn table_part(path: &std::path::Path) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    ParquetReader::new(std::fs::File::open(path).expect("open"))
        .finish()
        .expect("read part")
}

#[test]
fn stats_summarise_a_dataset_from_its_parquet() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    run_ok(&[&root().join("data/pages")], &out, &[]);
    let dir = out.display().to_string();
    let text = newsprint(&["stats", &dir]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("documents  1 ok"), "{text}");
    assert!(text.contains("top person"), "{text}");
    let json = newsprint(&["stats", &dir, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(json["rows"]["articles"], 5);
    assert_eq!(json["schema_version"], 6);
    assert!(json["chars"]["removed_duplicate"].as_u64() > Some(0));
    // A reader that stops early (`newsprint stats out | head`) is not a failure.
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsprint"))
        .args(["stats", &dir])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let closed = child.wait_with_output().expect("wait");
    assert_ok(&closed);
    let missing = newsprint(&["stats", &tmp.path().join("none").display().to_string()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read the dataset"));
}

#[test]
fn dry_run_lists_what_would_be_processed_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..3);
    let out = tmp.path().join("out");
    let dir = out.display().to_string();
    let input_dir = inputs.display().to_string();
    let listed = newsprint(&["run", &input_dir, "--out", &dir, "--dry-run"]);
    assert!(listed.status.success());
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 3);
    assert!(!out.exists(), "a dry run writes nothing");
    run_ok(&[&inputs], &out, &[]);
    varied_pages(&inputs, 3..4);
    let listed = newsprint(&["run", &input_dir, "--out", &dir, "--dry-run"]);
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("p0003.txt"));
}

#[test]
fn a_configuration_file_holds_options_and_flags_override_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let file = tmp.path().join("nightly.toml");
    std::fs::write(
        &file,
        format!(
            "[run]\ninputs = [{:?}]\nout = {:?}\nthreads = 1\npublished_date = \"2026-01-21\"\nno_boilerplate = true\n",
            root().join(SAMPLE).display().to_string(),
            out.display().to_string()
        ),
    )
    .expect("write");
    let config = file.display().to_string();
    let shown = newsprint(&["--config", &config, "config", "--threads", "2"]);
    assert!(shown.status.success());
    let shown: toml::Table = String::from_utf8_lossy(&shown.stdout)
        .parse()
        .expect("newsprint config prints TOML");
    assert_eq!(
        shown["run"]["threads"].as_integer(),
        Some(2),
        "the flag wins"
    );
    assert_eq!(shown["run"]["published_date"].as_str(), Some("2026-01-21"));
    // (The file says `no_boilerplate`, the old name, which is still read.)
    assert_eq!(shown["run"]["no_furniture"].as_bool(), Some(true));

    let ran = newsprint(&["--config", &config, "run", "--threads", "2"]);
    assert_ok(&ran);
    let manifest = manifest_of(&out.join("manifest.json"));
    let options = &manifest["runs"][0]["options"];
    assert_eq!(options["threads"], 2);
    assert_eq!(options["published_date"], "2026-01-21");
    assert_eq!(options["furniture_min_docs"], serde_json::Value::Null);

    // The example shipped in deploy/ is a valid configuration.
    let example = newsprint(&["--config", "deploy/newsprint.toml", "config"]);
    assert_ok(&example);
    assert!(String::from_utf8_lossy(&example.stdout).contains("threads = 8"));

    std::fs::write(&file, "[run]\nthreds = 1\n").expect("write");
    let typo = newsprint(&["--config", &config, "run", SAMPLE, "--out", "x"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("threds"));
}

#[test]
fn the_users_own_patterns_are_taken_out_as_furniture_and_a_bad_one_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(
        inputs.join("web.txt"),
        "深圳强制推行中水应用\n\n作为建设节水型城市的重大举措，深圳将在较大规模的楼宇和小区强制推行中水应用。责任编辑：王明返回搜狐，查看更多\n",
    )
    .expect("write");
    // Named in newsprint.toml, as [[clean.drop]] tables.
    let config = tmp.path().join("newsprint.toml");
    std::fs::write(
        &config,
        "[[clean.drop]]\nname = \"sohu-footer\"\npattern = \"返回搜狐.*$\"\n\n[[clean.drop]]\nname = \"editor\"\npattern = \"责任编辑[:：]\\\\p{Han}{2,4}\"\n",
    )
    .expect("write config");
    let out = tmp.path().join("out");
    let (config_arg, inputs_arg, out_arg) = (
        config.display().to_string(),
        inputs.display().to_string(),
        out.display().to_string(),
    );
    let ran = newsprint(&[
        "--config",
        &config_arg,
        "run",
        &inputs_arg,
        "--out",
        &out_arg,
    ]);
    assert_ok(&ran);
    let removed = table(&out, "removed");
    let methods: Vec<_> = strings(&removed, "method").into_iter().flatten().collect();
    let texts: Vec<_> = strings(&removed, "text").into_iter().flatten().collect();
    assert!(
        methods.contains(&"pattern:sohu-footer".to_string()),
        "{methods:?}"
    );
    assert!(
        methods.contains(&"pattern:editor".to_string()),
        "{methods:?}"
    );
    assert!(
        texts.contains(&"返回搜狐，查看更多".to_string()),
        "{texts:?}"
    );
    let articles = table(&out, "articles");
    let text: String = strings(&articles, "text").into_iter().flatten().collect();
    assert!(
        !text.contains("返回搜狐") && !text.contains("责任编辑"),
        "{text}"
    );
    assert!(text.ends_with("强制推行中水应用。"), "{text}");
    let manifest = manifest_of(&out.join("manifest.json"));
    assert!(manifest.to_string().contains("sohu-footer"), "{manifest}");

    // A pattern that does not compile stops the run before it starts, naming the pattern.
    let bad = newsprint(&[
        "run",
        &inputs_arg,
        "--out",
        &out_arg,
        "--drop",
        "broken=返回(",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("\"broken\"") && stderr.contains("unclosed"),
        "{stderr}"
    );
}

/// The part names `run --help` gives are the names a run writes.
#[test]
fn the_part_names_in_the_help_are_those_a_run_writes() {
    let help = newsprint(&["run", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    let named: Vec<&str> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| w.starts_with("part-") && w.ends_with(".parquet"))
        .collect();
    assert!(named.len() >= 3, "{help}");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    run_ok(&[&root().join("data/pages")], &out, &[]);
    let written = |table: &str| -> Vec<String> {
        std::fs::read_dir(out.join(table))
            .expect("table folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    let run_part = named[0];
    assert!(
        written("documents").iter().any(|n| n == run_part),
        "{run_part}"
    );
    let summary_part = named
        .iter()
        .find(|n| n.starts_with("part-c"))
        .expect("a summary part");
    assert!(
        written("entity_counts").iter().any(|n| n == summary_part),
        "{summary_part} not in {:?}",
        written("entity_counts")
    );
    // The shard's name is the one a shard writes.
    let shard_part = named
        .iter()
        .find(|n| n.starts_with("part-s"))
        .expect("a shard part");
    let sharded = tmp.path().join("sharded");
    let dir = sharded.display().to_string();
    let inputs = root().join("data/pages").display().to_string();
    let shard = newsprint(&["run", &inputs, "--out", &dir, "--shard", "3/16"]);
    assert_ok(&shard);
    let prefix = &shard_part[.."part-s003of016-".len()];
    let shard_names: Vec<String> = std::fs::read_dir(sharded.join("documents"))
        .expect("documents")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        shard_names.iter().all(|n| n.starts_with(prefix)),
        "{shard_names:?} vs {shard_part}"
    );
}

/// A log written to a file or a CI log is plain text (no colour codes), and says from the
/// first second what the run is doing.
#[test]
fn logs_off_a_terminal_are_plain_and_say_each_pass_and_its_size() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out").display().to_string();
    let inputs = root().join("data/pages").display().to_string();
    let output = command(&["run", &inputs, "--out", &out])
        .env("NEWSPRINT_LOG", "info")
        .output()
        .expect("newsprint runs");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("newsprint run"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    // Each pass says it started, and over how many megabytes, from its first second.
    let started: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("pass started"))
        .collect();
    assert_eq!(started.len(), 2, "{stderr}");
    assert!(started[0].contains("learning furniture"), "{stderr}");
    assert!(started[1].contains("processing"), "{stderr}");
    assert!(started.iter().all(|l| l.contains("stored_mb=")), "{stderr}");
}

#[test]
fn the_reports_examples_of_removed_passages_are_distinct() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    // The same pages' credits and captions, removed on every page.
    varied_pages(&inputs, 0..6);
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &[]);
    let page = tmp.path().join("report.html");
    assert_ok(&newsprint(&[
        "report",
        &out.display().to_string(),
        "--out",
        &page.display().to_string(),
    ]));
    let html = std::fs::read_to_string(&page).expect("report");
    let examples: Vec<&str> = html
        .split("<div class=\"ex\">")
        .skip(1)
        .map(|rest| rest.split("</div>").next().unwrap_or(""))
        .collect();
    assert!(!examples.is_empty(), "no examples in the report");
    let mut distinct = examples.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), examples.len(), "{examples:#?}");
}

#[test]
fn help_is_consistent_and_an_out_that_is_a_file_is_bad_usage() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let output = newsprint(&["run", "data/pages", "--out", &file.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is a file"));

    let help = |args: &[&str]| String::from_utf8_lossy(&newsprint(args).stdout).into_owned();
    for sub in ["run", "stats", "report"] {
        assert!(help(&[sub, "--help"]).contains("Exit codes"), "{sub}");
    }
    // `config` takes run's options without repeating their help.
    let config = help(&["config", "--help"]);
    assert!(!config.contains("--near-dup-threshold"), "{config}");
    assert!(config.contains("RUN OPTIONS"), "{config}");
    // One name for one kind of value across subcommands.
    let all: String = ["run", "merge", "stats", "report", "bench", "eval", "config"]
        .iter()
        .map(|sub| help(&[sub, "--help"]))
        .collect();
    for odd in ["<THREADS>", "<PAGES>", "<GOLD>", "<ARTICLES>", "<CORPUS>"] {
        assert!(!all.contains(odd), "{odd}");
    }
    assert!(!help(&["bench", "--help"]).contains("from sample pages"));
    // `config` is a whole template: the options without a value follow as comments.
    let template = help(&["config"]);
    for key in ["# out = ", "# published_date = ", "# max_errors = "] {
        assert!(template.contains(key), "{key} in {template}");
    }
    assert!(template.parse::<toml::Table>().is_ok(), "{template}");
}

#[test]
fn the_old_names_of_the_furniture_options_still_work_and_say_the_new_ones() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let output = run_ok(&[&root().join(SAMPLE)], &out, &["--no-boilerplate"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is now --no-furniture"), "{stderr}");
    let manifest = manifest_of(&out.join("manifest.json"));
    let options = &manifest["runs"][0]["options"];
    assert_eq!(options["furniture_min_docs"], serde_json::Value::Null);
    let output = newsprint(&[
        "run",
        "data/pages",
        "--out",
        "x",
        "--boilerplate-min-docs",
        "12",
        "--furniture-min-docs",
        "12",
    ]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "the two names of one option conflict"
    );
}

//! End-to-end tests of what a scheduled run must survive: hostile page shapes, special
//! files, a second writer, a damaged state file, inputs that keep failing.

use super::util::*;

/// Asserts the (source file name, status) of every documents row, in name order.
fn assert_statuses(out: &Path, expected: &[(&str, &str)]) {
    let df = table(out, "documents");
    let sources = df.column("source").expect("source");
    let statuses = df.column("status").expect("status");
    let mut rows: Vec<(String, String)> = sources
        .str()
        .expect("str")
        .iter()
        .zip(statuses.str().expect("str").iter())
        .map(|(s, t)| {
            let s = s.unwrap_or_default();
            let name = s.rsplit('/').next().unwrap_or_default().to_string();
            (name, t.unwrap_or_default().to_string())
        })
        .collect();
    rows.sort();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|&(n, t)| (n.to_string(), t.to_string()))
        .collect();
    assert_eq!(rows, expected);
}

/// Writes pages `range` into `dir`: the sample page with its year changed to
/// `1900 + i % years`, so that pages differ (or repeat, every `years` pages).
fn write_pages(dir: &Path, range: std::ops::Range<usize>, years: usize) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let page = sample();
    for i in range {
        std::fs::write(
            dir.join(format!("{i:03}.txt")),
            page.replace("2025", &format!("{}", 1900 + i % years)),
        )
        .expect("write");
    }
}

/// `newsprint run INPUTS --out OUT --threads 1 EXTRA` started in the background.
fn spawn_run(inputs: &Path, out: &Path, extra: &[&str]) -> std::process::Child {
    let (inputs, out) = (inputs.to_string_lossy(), out.to_string_lossy());
    let mut args = vec!["run", &inputs, "--out", &out, "--threads", "1"];
    args.extend(extra);
    command(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

fn sample() -> String {
    std::fs::read_to_string(root().join(SAMPLE)).expect("sample page")
}

#[test]
fn hostile_page_shapes_finish_in_about_linear_time() {
    // At 1 MB a shape that costs quadratic time takes minutes (text without line breaks,
    // thousands of copies of one line); linear, the whole bench takes seconds.
    let output = newsprint_within(
        &["bench", "--hostile", "--hostile-mb", "0.05,1"],
        Duration::from_secs(240),
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for shape in [
        "prose-without-newlines",
        "headings-between-paragraphs",
        "title-line-copies",
        "stock-listing-lines",
        "blank-lines-jsonl-gz",
    ] {
        assert!(text.contains(shape), "{shape} not benched: {text}");
    }
}

#[test]
fn special_files_and_jsonl_without_records_each_get_a_row() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(inputs.join("a-page.txt"), sample()).expect("write");
    std::fs::write(inputs.join("b-empty.jsonl"), "").expect("write");
    std::fs::write(inputs.join("c-blank.jsonl"), "\n\n  \n").expect("write");
    let made = Command::new("mkfifo")
        .arg(inputs.join("d-pipe"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = tmp.path().join("out");
    // A FIFO opened for reading waits for a writer: the run must not open it.
    run_ok(&[&inputs], &out, &[]);
    assert_statuses(
        &out,
        &[
            ("a-page.txt", "ok"),
            ("b-empty.jsonl", "empty"),
            ("c-blank.jsonl", "empty"),
            ("d-pipe", "error"),
        ],
    );
}

#[test]
fn thread_counts_and_document_limits_out_of_range_are_usage_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let out = out.to_string_lossy();
    for bad in [
        vec!["--threads", "100000"],
        vec!["--threads", "0"],
        vec!["--max-document-mb", "18446744073709551615"],
        vec!["--max-document-mb", "0"],
    ] {
        let mut args = vec!["run", SAMPLE, "--out", &out];
        args.extend(&bad);
        let output = newsprint_within(&args, Duration::from_secs(30));
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(!Path::new(out.as_ref()).exists(), "{bad:?} wrote a dataset");
    }
}

#[test]
fn a_second_writer_is_refused_at_once_naming_the_holder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let sample_path = root().join(SAMPLE);
    run_ok(&[&sample_path], &out, &[]);
    // Another writer (this test) holds the dataset.
    let lock =
        dataset::DatasetLock::acquire(&out, &["lock".to_string()], "a test writer").expect("lock");
    let output = run(&[&sample_path], &out, &["--full"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("busy"), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", std::process::id())),
        "the message names the holder: {stderr}"
    );
    drop(lock);
    // Released: the next writer goes ahead.
    run_ok(&[&sample_path], &out, &["--full"]);
}

#[test]
fn two_runs_started_together_one_refuses_and_the_dataset_stays_whole() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    write_pages(&inputs, 0..60, 1000);
    let out = tmp.path().join("out");
    let spawn = || spawn_run(&inputs, &out, &[]);
    let first = spawn();
    // The second starts once the first holds the lock.
    let lock_file = out.join("_newsprint").join("lock");
    let started = Instant::now();
    while std::fs::read_to_string(&lock_file).map_or(true, |s| s.is_empty()) {
        assert!(started.elapsed() < Duration::from_secs(60), "no lock taken");
        std::thread::sleep(Duration::from_millis(1));
    }
    let second = spawn().wait_with_output().expect("second");
    let first = first.wait_with_output().expect("first");
    assert_ok(&first);
    assert_eq!(
        second.status.code(),
        Some(1),
        "the second writer is refused"
    );
    assert!(String::from_utf8_lossy(&second.stderr).contains("busy"));
    // What the first wrote is whole: the next run adds nothing and fails nothing.
    let again = run_ok(&[&inputs], &out, &["--log-format", "json"]);
    let last = String::from_utf8_lossy(&again.stdout);
    assert!(last.contains("\"new_documents\":0"), "{last}");
}

#[test]
fn shards_started_together_on_a_new_dataset_all_succeed_and_merge() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    write_pages(&inputs, 0..16, 1000);
    let out = tmp.path().join("out");
    let shards: Vec<_> = (0..8)
        .map(|i| spawn_run(&inputs, &out, &["--shard", &format!("{i}/8")]))
        .collect();
    for (i, shard) in shards.into_iter().enumerate() {
        let output = shard.wait_with_output().expect("shard");
        assert!(
            output.status.success(),
            "shard {i}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let merged = newsprint(&["merge", &out.to_string_lossy()]);
    assert_ok(&merged);
    assert_eq!(table(&out, "documents").height(), 16);
}

#[test]
fn merge_beside_a_running_shard_is_busy() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let sample_path = root().join(SAMPLE);
    for i in 0..2 {
        run_ok(&[&sample_path], &out, &["--shard", &format!("{i}/2")]);
    }
    let shard = dataset::DatasetLock::acquire(&out, &["lock-s001of002".to_string()], "shard")
        .expect("lock");
    let output = newsprint(&["merge", &out.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("busy"));
    drop(shard);
    let output = newsprint(&["merge", &out.to_string_lossy()]);
    assert_ok(&output);
}

#[test]
fn a_damaged_sketch_file_is_rebuilt_from_the_parts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let page = sample();
    std::fs::write(inputs.join("a.txt"), &page).expect("write");
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &["--no-furniture"]);
    // Replace the sketches with a file of other rows (and, below, with garbage).
    let sketches = out.join("_newsprint").join("sketches");
    let file = std::fs::read_dir(&sketches)
        .expect("sketches")
        .next()
        .expect("one")
        .expect("entry")
        .path();
    let bytes = std::fs::read(&file).expect("read");
    std::fs::write(&file, &bytes[..bytes.len() - 100]).expect("truncate");
    // A reprint in a second run makes the corpus step read every sketch.
    std::fs::write(inputs.join("b.txt"), format!("{page}\n")).expect("write");
    let output = run_ok(&[&inputs], &out, &["--no-furniture"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("rebuilt"), "a warning says so: {stderr}");
    let articles = table(&out, "articles");
    let copies = articles
        .column("duplicate_of")
        .expect("column")
        .str()
        .expect("str")
        .iter()
        .flatten()
        .count();
    assert!(
        copies > 0,
        "the reprint is found against the rebuilt sketches"
    );
    std::fs::write(&file, b"garbage").expect("garbage");
    std::fs::write(inputs.join("c.txt"), format!("{page}\n\n")).expect("write");
    run_ok(&[&inputs], &out, &["--no-furniture"]);
}

#[test]
fn a_folder_with_an_empty_shards_folder_is_not_a_dataset() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("shards")).expect("mkdir");
    std::fs::create_dir_all(out.join("articles")).expect("mkdir");
    std::fs::write(out.join("articles").join("keep.parquet.new"), "mine").expect("write");
    let output = run(&[&root().join(SAMPLE)], &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a newsprint dataset"));
    assert!(out.join("articles").join("keep.parquet.new").exists());
}

#[test]
fn a_failed_first_run_leaves_every_table_loadable() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(inputs.join("a.txt.gz"), b"\x1f\x8b broken gzip").expect("write");
    let out = tmp.path().join("out");
    let output = run(&[&inputs], &out, &["--strict"]);
    assert_eq!(output.status.code(), Some(1));
    for name in TABLES {
        assert_eq!(table(&out, name).height(), 0, "{name}");
    }
}

#[test]
fn an_input_has_one_current_row_however_often_it_failed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(inputs.join("a.txt"), sample()).expect("write");
    std::fs::write(inputs.join("b.txt.gz"), b"\x1f\x8b broken").expect("write");
    std::fs::write(inputs.join("c.txt.gz"), b"\x1f\x8b broken too").expect("write");
    let out = tmp.path().join("out");
    for _ in 0..3 {
        run_ok(&[&inputs], &out, &["--rehash"]);
    }
    // b is repaired; c still fails.
    std::fs::write(
        inputs.join("b.txt.gz"),
        ingest::fixtures::gzip(sample().replace("2025", "1999").as_bytes()),
    )
    .expect("write");
    run_ok(&[&inputs], &out, &[]);
    assert_statuses(
        &out,
        &[("a.txt", "ok"), ("b.txt.gz", "ok"), ("c.txt.gz", "error")],
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["documents"]["error"], 1);
    assert_eq!(manifest["rows"]["documents"], 3);
}

#[test]
fn folder_readers_never_see_a_part_being_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    write_pages(&inputs, 0..40, 7);
    let out = tmp.path().join("out");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (out, stop) = (out.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut odd = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for table in ["documents", "articles", "entity_counts"] {
                    for entry in std::fs::read_dir(out.join(table))
                        .into_iter()
                        .flatten()
                        .flatten()
                    {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let hidden = name.starts_with('_') || name.starts_with('.');
                        if !name.ends_with(".parquet") && !hidden {
                            odd.push(name);
                        }
                    }
                }
            }
            odd
        })
    };
    // Two runs: the second's corpus step rewrites articles parts whose copies change.
    run_ok(
        &[&inputs],
        &out,
        &["--rows-per-part", "50", "--threads", "1"],
    );
    write_pages(&inputs, 40..60, 7);
    run_ok(
        &[&inputs],
        &out,
        &["--rows-per-part", "50", "--threads", "1"],
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let odd = poller.join().expect("poller");
    assert!(odd.is_empty(), "folder readers saw {odd:?}");
}

#[test]
fn an_input_index_that_cannot_be_saved_is_a_warning_after_the_commit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(inputs.join("a.txt"), sample()).expect("write");
    // Only files settled for two seconds before a run are recorded in the index.
    std::thread::sleep(Duration::from_millis(2100));
    let out = tmp.path().join("out");
    // The index's place is taken by a folder: saving it fails as a full disk would.
    std::fs::create_dir_all(out.join("_newsprint").join("inputs.bin").join("x")).expect("mkdir");
    let output = run(&[&inputs], &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("the run is committed"), "{stderr}");
    assert_eq!(table(&out, "documents").height(), 1);
}

#[test]
fn the_entity_tagger_finds_bare_names_the_rules_cannot() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("news.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"江泽民在北京会见了南非总统曼德拉。有人表示，两国关系很好。\"}\n",
    )
    .expect("write");
    let people = |out: &Path| -> Vec<String> {
        let df = table(out, "entities");
        let kinds = df.column("kind").expect("kind").str().expect("str").clone();
        let names = df.column("name").expect("name").str().expect("str").clone();
        kinds
            .iter()
            .zip(names.iter())
            .filter(|(k, _)| *k == Some("person"))
            .map(|(_, n)| n.unwrap_or_default().to_string())
            .collect()
    };
    let rules = tmp.path().join("rules");
    run_ok(&[&input], &rules, &["--entities", "rules"]);
    // The tagger is the default.
    let tagged = tmp.path().join("tagged");
    run_ok(&[&input], &tagged, &[]);
    let found = people(&tagged);
    assert!(found.contains(&"江泽民".to_string()), "{found:?}");
    assert!(!found.contains(&"有人".to_string()), "{found:?}");
    assert!(!people(&rules).contains(&"江泽民".to_string()));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tagged.join("manifest.json")).expect("manifest"))
            .expect("json");
    let options = &manifest["runs"][0]["options"];
    assert_eq!(options["entities"], "tagger");
    assert!(
        options["entity_model"]
            .as_str()
            .is_some_and(|v| v.starts_with("entities.npner@")),
        "{options}"
    );
}

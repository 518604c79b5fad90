//! Runs that add to a dataset: only what is new, unchanged files not read again, a killed
//! run completed by the next, all equal to one full run.

use super::util::*;

#[test]
fn incremental_runs_add_only_what_is_new_and_equal_one_full_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..4);
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &[]);
    varied_pages(&inputs, 4..7);
    let second = run_ok(&[&inputs], &out, &["--log-format", "json"]);
    let last: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&second.stdout)
            .lines()
            .last()
            .expect("a line"),
    )
    .expect("json");
    assert_eq!(last["run"], 2);
    assert_eq!(last["new_documents"], 3);
    assert_eq!(last["unchanged_documents"], 4);

    // The same inputs again add nothing, and leave no run behind: no number taken, no
    // record in the manifest, and a summary that says so.
    let before: Vec<Vec<String>> = TABLES.iter().map(|t| row_set(&out, t)).collect();
    let manifest_before = std::fs::read(out.join("manifest.json")).expect("manifest");
    let third = run_ok(&[&inputs], &out, &["--log-format", "json"]);
    let after: Vec<Vec<String>> = TABLES.iter().map(|t| row_set(&out, t)).collect();
    assert!(
        before == after,
        "a rerun on the same inputs changed the dataset"
    );
    let summary = last_json(&third);
    assert_eq!(summary["recorded"], false);
    assert_eq!(summary["run"], serde_json::Value::Null);
    assert_eq!(summary["unchanged_documents"], 7);
    let manifest = manifest_of(&out.join("manifest.json"));
    assert_eq!(manifest["runs"].as_array().map(Vec::len), Some(2));
    assert_eq!(manifest["rows"]["documents"], 7);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&manifest_before).expect("json")["runs"],
        manifest["runs"]
    );
    let text = run_ok(&[&inputs], &out, &[]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("nothing new"));

    // The runs hold what one run over all the inputs holds, copies and summaries included.
    let full = tmp.path().join("full");
    run_ok(&[&inputs], &full, &[]);
    assert_same_dataset(
        &out,
        &full,
        "runs 1+2 (+ two that added nothing) vs one run",
    );
    let runs = numbers(&table(&out, "documents"), "run", Column::u32);
    assert_eq!(runs.iter().filter(|r| **r == Some(2)).count(), 3);

    // A changed page is processed again; a copy of a page under a new name is a duplicate.
    let changed = std::fs::read_to_string(inputs.join("p0000.txt")).expect("page");
    std::fs::write(inputs.join("p0000.txt"), changed.replace("园区", "园 区")).expect("write");
    std::fs::copy(inputs.join("p0001.txt"), inputs.join("p9999-copy.txt")).expect("copy");
    run_ok(&[&inputs], &out, &[]);
    let documents = table(&out, "documents");
    assert_eq!(documents.height(), 9);
    let statuses = status_of(&documents);
    assert!(statuses.contains(&("p9999-copy.txt".to_string(), "duplicate".to_string())));

    // --full rebuilds from the inputs given, replacing the old parts.
    run_ok(&[&inputs], &out, &["--full"]);
    assert_eq!(table(&out, "documents").height(), 8);
}

#[test]
fn files_unchanged_since_the_run_that_read_them_are_not_read_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..3);
    let out = tmp.path().join("out");
    let json = ["--log-format", "json"];
    // Files written in the two seconds before a run are read again by the next one.
    let first = run_ok(&[&inputs], &out, &json);
    assert_eq!(last_json(&first)["unread_files"], 0);
    let again = last_json(&run_ok(&[&inputs], &out, &json));
    assert_eq!(
        (&again["unread_files"], &again["unchanged_documents"]),
        (&serde_json::json!(0), &serde_json::json!(3)),
        "just written: read and hashed"
    );
    std::thread::sleep(std::time::Duration::from_millis(2100));
    run_ok(&[&inputs], &out, &[]);
    let settled = last_json(&run_ok(&[&inputs], &out, &json));
    assert_eq!(settled["unread_files"], 3, "{settled}");
    assert_eq!(settled["unchanged_documents"], 3);
    assert_eq!(settled["new_documents"], 0);
    assert!(out.join("_newsprint/inputs.bin").is_file());

    // A file rewritten is read again, and its new bytes are a new document.
    let page = std::fs::read_to_string(inputs.join("p0001.txt")).expect("page");
    std::fs::write(
        inputs.join("p0001.txt"),
        format!(
            "{page}
补记：本版稿件有更正。
"
        ),
    )
    .expect("write");
    let changed = last_json(&run_ok(&[&inputs], &out, &json));
    assert_eq!(changed["unread_files"], 2, "{changed}");
    assert_eq!(changed["new_documents"], 1);
    let listed = newsprint(&[
        "run",
        inputs.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--dry-run",
    ]);
    assert!(listed.status.success());
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 0);

    // --rehash reads every file; nothing is new.
    let rehashed = last_json(&run_ok(
        &[&inputs],
        &out,
        &["--rehash", "--log-format", "json"],
    ));
    assert_eq!(
        (
            &rehashed["unread_files"],
            &rehashed["unchanged_documents"],
            &rehashed["new_documents"]
        ),
        (
            &serde_json::json!(0),
            &serde_json::json!(3),
            &serde_json::json!(0)
        )
    );
    assert_eq!(table(&out, "documents").height(), 4);
}

#[test]
fn a_night_that_adds_earlier_copies_matches_as_one_run_would() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..6);
    std::fs::copy(
        root().join("data/gold/pages/own_articles.txt"),
        inputs.join("q-other.txt"),
    )
    .expect("copy");
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &[]);
    // A page that sorts first repeats p0001's articles: it becomes the copy kept, and the
    // articles that named p0001 now name it.
    let early = std::fs::read_to_string(inputs.join("p0001.txt")).expect("page");
    std::fs::write(inputs.join("a-early.txt"), early.replace("。", "。\n")).expect("write");
    run_ok(&[&inputs], &out, &[]);
    let manifest = manifest_of(&out.join("manifest.json"));
    let corpus = &manifest["corpus"];
    let articles = table(&out, "articles").height() as u64;
    let settled = corpus["settled_articles"].as_u64().expect("settled");
    assert!(
        settled > 0 && settled < articles,
        "the articles p0001's copies do not touch keep their matches: {corpus}"
    );
    let full = tmp.path().join("full");
    run_ok(&[&inputs], &full, &[]);
    assert_same_dataset(&out, &full, "two runs vs one");
    let documents = table(&out, "documents");
    let early_doc = {
        let sources = strings(&documents, "source");
        let at = sources
            .iter()
            .position(|s| s.as_deref().is_some_and(|s| s.ends_with("a-early.txt")))
            .expect("a-early");
        strings(&documents, "doc_id")[at].clone().expect("doc_id")
    };
    let kept = strings(&table(&out, "articles"), "duplicate_of");
    assert!(kept.iter().flatten().any(|k| k.starts_with(&early_doc)));
}

#[test]
fn a_run_killed_midway_is_completed_by_the_next_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..240);
    // A furniture line on exactly as many pages as it takes (10), the first ones: the run
    // that completes the killed one must count the pages the killed one committed.
    editor_lines(&inputs, 10);
    let whole = tmp.path().join("whole");
    let small = [
        "--threads",
        "1",
        "--batch-docs",
        "2",
        "--rows-per-part",
        "300",
    ];
    run_ok(&[&inputs], &whole, &small);
    assert_eq!(
        editor_lines_removed(&whole),
        10,
        "learned as furniture in one run"
    );

    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsprint"))
        .env("NEWSPRINT_LOG", "warn")
        .arg("run")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .args(small)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it (SIGKILL) as soon as it has committed a segment.
    let manifest_path = out.join("manifest.json");
    let started = std::time::Instant::now();
    let committed_rows = || {
        std::fs::read(&manifest_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|m| m["rows"]["documents"].as_u64())
            .unwrap_or(0)
    };
    loop {
        if committed_rows() > 0 {
            break;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the run ended before committing a first segment"
        );
        assert!(
            started.elapsed().as_secs() < 120,
            "no commit within 2 minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().expect("kill");
    child.wait().expect("reaped");

    // What the killed run left: whole segments, each named by the manifest and complete.
    let manifest = manifest_of(&manifest_path);
    assert_eq!(manifest["runs"][0]["completed"], false, "killed mid-run");
    let committed = manifest["rows"]["documents"].as_u64().expect("rows");
    assert!(
        committed > 0 && committed < 240,
        "{committed} documents committed"
    );
    let mut rows = 0;
    for part in manifest["parts"]["documents"].as_array().expect("parts") {
        let file = out
            .join("documents")
            .join(part["file"].as_str().expect("file"));
        let df = ParquetReader::new(File::open(file).expect("part"))
            .finish()
            .expect("a whole part");
        rows += df.height() as u64;
    }
    assert_eq!(rows, committed);

    // The next run goes on from there; the result is the uninterrupted run's.
    let rerun = run_ok(&[&inputs], &out, &small);
    let summary = String::from_utf8_lossy(&rerun.stdout);
    assert!(
        summary.contains(&format!("{} already in the dataset", committed)),
        "{summary}"
    );
    assert_same_dataset(&out, &whole, "killed and rerun vs uninterrupted");
    let leftovers: Vec<_> = std::fs::read_dir(out.join("_newsprint"))
        .expect("state")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

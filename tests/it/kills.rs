//! A writer killed at each step of the commit protocol (a fault point, `NEWSPRINT_FAULT`),
//! then run again: every table and the manifest's figures equal one uninterrupted run, and
//! while the killed writer's leftovers lie there, a reader of the table folders counts no
//! row the manifest does not name.

use super::util::*;

/// `newsprint ARGS` with `NEWSPRINT_FAULT=point`: it must stop there.
fn killed_at(point: &str, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = command(&args)
        .env("NEWSPRINT_FAULT", point)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("NEWSPRINT_FAULT"),
        "{args:?} did not stop at {point}: {stderr}"
    );
}

fn run_args(inputs: &Path, out: &Path) -> Vec<String> {
    [
        "run",
        &inputs.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(["--rows-per-part", "40", "--threads", "1"].map(String::from))
    .collect()
}

type Named = BTreeMap<String, Vec<String>>;

/// The parts every manifest of `out` names, by table: the top manifest's and, for a sharded
/// dataset, the shards'.
fn named(out: &Path) -> (Named, Option<serde_json::Value>) {
    let mut named: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut manifests = Vec::new();
    let top = out.join("manifest.json");
    let top = top.is_file().then(|| manifest_of(&top));
    manifests.extend(top.clone());
    for entry in std::fs::read_dir(out.join("shards"))
        .into_iter()
        .flatten()
        .flatten()
    {
        manifests.push(manifest_of(&entry.path()));
    }
    for manifest in manifests {
        for (table, parts) in manifest["parts"].as_object().expect("parts") {
            for part in parts.as_array().expect("list") {
                let file = part["file"].as_str().expect("file").to_string();
                named.entry(table.clone()).or_default().push(file);
            }
        }
    }
    (named, top)
}

/// A part's segment: its name less `.parquet` and a rewrite's mark (`-g00002`, `-u00003`).
fn segment_of(file: &str) -> &str {
    let stem = file.trim_end_matches(".parquet");
    match stem.rsplit_once('-') {
        Some((segment, mark))
            if mark.len() == 6
                && (mark.starts_with('g') || mark.starts_with('u'))
                && mark[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            segment
        }
        _ => stem,
    }
}

const SUMMARIES: [&str; 2] = ["entity_counts", "quantity_counts"];

/// What a folder reader (`TABLE/*.parquet`) sees of `out` right now: no part that no
/// manifest names — except, after a kill between a commit and its renames, the committed
/// versions the commit replaced (named by `before`, the manifests before the command, or
/// the version a rewrite replaces), in their stead, never beside them — and no more rows in
/// any row table than the dataset's manifest counts.
fn assert_folders_hold_only_committed_rows(out: &Path, before: &Named, when: &str) {
    let (named, top) = named(out);
    for (table, files) in &named {
        let present: Vec<String> = std::fs::read_dir(out.join(table))
            .expect("table folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".parquet"))
            .collect();
        let mut rows = 0u64;
        let mut segments = std::collections::HashSet::new();
        for name in &present {
            let summary = SUMMARIES.contains(&table.as_str());
            let stands_in = files
                .iter()
                .any(|f| !present.contains(f) && (summary || segment_of(f) == segment_of(name)));
            // (Or a new dataset's first, empty part, which its first data commit replaced.)
            let replaced = before.get(table).is_some_and(|f| f.contains(name))
                || name.ends_with("-r00001-empty.parquet");
            assert!(
                files.contains(name) || stands_in || replaced,
                "{when}: {table}/{name} is in the folder, and no manifest names it"
            );
            assert!(
                segments.insert(segment_of(name)),
                "{when}: {table} holds two versions of {name}'s segment"
            );
            let df = ParquetReader::new(File::open(out.join(table).join(name)).expect("open"))
                .finish()
                .expect("read");
            rows += df.height() as u64;
        }
        if let (Some(top), false) = (&top, SUMMARIES.contains(&table.as_str())) {
            let committed = top["rows"][table.as_str()].as_u64().expect("rows");
            assert!(
                rows <= committed,
                "{when}: a folder reader counts {rows} {table} rows, the manifest {committed}"
            );
        }
    }
}

/// The manifest's figures that must not depend on how the dataset was written.
fn figures(out: &Path) -> serde_json::Value {
    let m = manifest_of(&out.join("manifest.json"));
    serde_json::json!({
        "rows": m["rows"],
        "documents": m["documents"],
        "near_duplicate_articles": m["corpus"]["near_duplicate_articles"],
        "corpus_current": m["corpus_current"],
    })
}

fn assert_same(out: &Path, reference: &Path, what: &str) {
    assert_same_dataset(out, reference, what);
    assert_eq!(figures(out), figures(reference), "{what}: manifest figures");
}

#[test]
fn a_run_killed_at_each_commit_step_then_run_again_is_one_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..12);
    // The second run adds pages whose articles repeat the first run's: its corpus step
    // rewrites articles parts, and its retries nothing.
    let reference = tmp.path().join("reference");
    run_ok(
        &[&inputs],
        &reference,
        &["--rows-per-part", "40", "--threads", "1"],
    );
    let before = tmp.path().join("before");
    run_ok(
        &[&inputs],
        &before,
        &["--rows-per-part", "40", "--threads", "1"],
    );
    varied_pages(&inputs, 12..20);
    run_ok(
        &[&inputs],
        &reference,
        &["--rows-per-part", "40", "--threads", "1"],
    );
    assert!(figures(&reference)["near_duplicate_articles"].as_u64() > Some(0));

    for point in [
        "committed@1",
        "committed@2",
        "run-data-committed",
        "corpus-staged",
        "run-committed",
    ] {
        let out = tmp.path().join(format!("out-{point}"));
        copy_dir(&before, &out);
        let before = named(&out).0;
        killed_at(point, &run_args(&inputs, &out));
        assert_folders_hold_only_committed_rows(&out, &before, &format!("killed at {point}"));
        // `stats` reads the committed dataset, parts still waiting in staging included.
        assert_ok(&newsprint(&["stats", &out.display().to_string()]));
        run_ok(
            &[&inputs],
            &out,
            &["--rows-per-part", "40", "--threads", "1"],
        );
        assert_folders_hold_only_committed_rows(
            &out,
            &Named::new(),
            &format!("rerun after {point}"),
        );
        assert_same(&out, &reference, &format!("killed at {point}, run again"));
    }
    // A new dataset killed as it is created, run again.
    let out = tmp.path().join("created");
    killed_at("created", &run_args(&inputs, &out));
    assert_folders_hold_only_committed_rows(&out, &Named::new(), "killed as it was created");
    run_ok(
        &[&inputs],
        &out,
        &["--rows-per-part", "40", "--threads", "1"],
    );
    assert_same(&out, &reference, "killed as it was created, run again");
    // A rebuild killed after its commit, run again.
    let out = tmp.path().join("full");
    copy_dir(&before, &out);
    let mut args = run_args(&inputs, &out);
    args.push("--full".into());
    for point in ["run-data-committed", "corpus-staged"] {
        let before = named(&out).0;
        killed_at(point, &args);
        assert_folders_hold_only_committed_rows(
            &out,
            &before,
            &format!("rebuild killed at {point}"),
        );
    }
    run_ok(
        &[&inputs],
        &out,
        &["--rows-per-part", "40", "--threads", "1"],
    );
    assert_same(&out, &reference, "rebuild killed, run again");
}

#[test]
fn a_merge_killed_at_each_step_then_merged_again_keeps_every_repeat_marked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..16);
    let shards = |out: &Path| {
        for i in 0..4 {
            let shard = format!("{i}/4");
            run_ok(&[&inputs], out, &["--shard", &shard, "--threads", "1"]);
        }
    };
    let merge = |out: &Path| assert_ok(&newsprint(&["merge", &out.display().to_string()]));
    let reference = tmp.path().join("reference");
    shards(&reference);
    merge(&reference);
    let marked = figures(&reference)["near_duplicate_articles"].clone();
    assert!(marked.as_u64() > Some(0));
    // A shard killed after its first commit, and after its data commit, run again.
    for point in ["committed@1", "run-data-committed"] {
        let out = tmp.path().join(format!("shard-{point}"));
        let mut args = run_args(&inputs, &out);
        args.truncate(4);
        args.extend([
            "--shard".to_string(),
            "1/4".to_string(),
            "--rows-per-part".into(),
            "20".into(),
        ]);
        killed_at(point, &args);
        assert_folders_hold_only_committed_rows(
            &out,
            &Named::new(),
            &format!("shard killed at {point}"),
        );
        shards(&out);
        merge(&out);
        assert_same(
            &out,
            &reference,
            &format!("a shard killed at {point}, run again, merged"),
        );
    }
    for point in ["corpus-staged", "merge-committed", "merge-shards-updated"] {
        // A first merge killed, and a second one.
        for again in [false, true] {
            let out = tmp.path().join(format!("out-{point}-{again}"));
            shards(&out);
            if again {
                merge(&out);
            }
            let before = named(&out).0;
            killed_at(point, &["merge".into(), out.display().to_string()]);
            assert_folders_hold_only_committed_rows(
                &out,
                &before,
                &format!("merge killed at {point}"),
            );
            merge(&out);
            assert_folders_hold_only_committed_rows(
                &out,
                &Named::new(),
                &format!("merged after {point}"),
            );
            assert_same(
                &out,
                &reference,
                &format!("merge killed at {point}, merged again"),
            );
            let kept = strings(&table(&out, "articles"), "duplicate_of");
            assert_eq!(
                kept.iter().flatten().count() as u64,
                marked.as_u64().expect("count"),
                "articles marked as repeats after a merge killed at {point}"
            );
            // And the next merge keeps them.
            merge(&out);
            assert_same(
                &out,
                &reference,
                &format!("merge after {point}, merged twice"),
            );
        }
    }
}

/// Copies a dataset folder (no links in it).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every part file a reader polling `out`'s table folders saw that no manifest it read
/// before or after named: parts of commits that never happened.
fn poll_folders(out: PathBuf, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Vec<String> {
    let mut named: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut unnamed = Vec::new();
    let note = |named: &mut std::collections::HashSet<String>| {
        // (A manifest being renamed over is read whole or not at all.)
        if let Ok(bytes) = std::fs::read(out.join("manifest.json")) {
            if let Ok(m) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                for (table, parts) in m["parts"].as_object().into_iter().flatten() {
                    for p in parts.as_array().into_iter().flatten() {
                        named.insert(format!("{table}/{}", p["file"].as_str().unwrap_or("")));
                    }
                }
            }
        }
    };
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        note(&mut named);
        let mut seen = Vec::new();
        for table in TABLES {
            for entry in std::fs::read_dir(out.join(table))
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".parquet") {
                    seen.push(format!("{table}/{name}"));
                }
            }
        }
        note(&mut named);
        unnamed.extend(seen.into_iter().filter(|f| !named.contains(f)));
    }
    unnamed.sort();
    unnamed.dedup();
    unnamed
}

#[test]
fn a_folder_reader_polling_through_runs_kills_and_rebuilds_counts_only_committed_parts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..10);
    let out = tmp.path().join("out");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (out, stop) = (out.clone(), stop.clone());
        std::thread::spawn(move || poll_folders(out, stop))
    };
    let extra = ["--rows-per-part", "20", "--threads", "1"];
    run_ok(&[&inputs], &out, &extra);
    for (pages, point, full) in [
        (10..16, "corpus-staged", false),
        (16..20, "committed@2", false),
        (20..24, "run-data-committed", true),
        (24..26, "run-committed", false),
    ] {
        varied_pages(&inputs, pages);
        let mut args = run_args(&inputs, &out);
        args[5] = "20".to_string();
        if full {
            args.push("--full".into());
        }
        killed_at(point, &args);
        run_ok(&[&inputs], &out, &extra);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let unnamed = poller.join().expect("poller");
    assert!(
        unnamed.is_empty(),
        "a folder reader counted parts no manifest named: {unnamed:?}"
    );
}

#[test]
fn an_interrupted_run_commits_what_it_did_says_so_and_a_rerun_goes_on() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..400);
    let reference = tmp.path().join("reference");
    let options = [
        "--rows-per-part",
        "40",
        "--threads",
        "1",
        "--batch-docs",
        "2",
    ];
    run_ok(&[&inputs], &reference, &options);
    let out = tmp.path().join("out");
    let (inputs_arg, out_arg) = (inputs.display().to_string(), out.display().to_string());
    let mut args = vec!["run", inputs_arg.as_str(), "--out", out_arg.as_str()];
    args.extend(options);
    let child = command(&args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    // Interrupted once it has committed a segment, as a user's Ctrl-C would.
    let manifest = out.join("manifest.json");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let committed = || {
        let Ok(bytes) = std::fs::read(&manifest) else {
            return false;
        };
        let manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        manifest["parts"]["documents"]
            .as_array()
            .is_some_and(|parts| parts.iter().any(|p| p["rows"].as_u64() > Some(0)))
    };
    while !committed() {
        assert!(std::time::Instant::now() < deadline, "no segment committed");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let signal = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(signal.success());
    let output = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("stopped. Run 1 committed"), "{stderr}");
    assert!(stderr.contains("Run the same command again"), "{stderr}");
    // What it committed is a dataset that says it is unfinished.
    let stats = newsprint(&["stats", &out_arg]);
    assert_ok(&stats);
    let text = String::from_utf8_lossy(&stats.stdout);
    assert!(text.contains("unfinished: run 1 did not finish"), "{text}");
    // The lock was released: the rerun takes over nothing, and ends as one run would.
    let rerun = run_ok(&[&inputs], &out, &options);
    let log = String::from_utf8_lossy(&rerun.stderr);
    assert!(!log.contains("took over"), "{log}");
    assert_same(&out, &reference, "interrupted, run again");
    let stats = newsprint(&["stats", &out_arg]);
    assert!(!String::from_utf8_lossy(&stats.stdout).contains("unfinished"));
}

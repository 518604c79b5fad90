//! Sharded runs: shards chosen by flag, Slurm or Kubernetes, merged, equal to one run.

use super::util::*;

#[test]
fn shards_merged_equal_one_unsharded_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    varied_pages(&inputs, 0..24);
    // Furniture on 12 pages: more than the threshold (10) over the run, fewer on any shard.
    editor_lines(&inputs, 12);
    let one = tmp.path().join("one");
    run_ok(&[&inputs], &one, &[]);
    assert_eq!(editor_lines_removed(&one), 12);

    let sharded = tmp.path().join("sharded");
    let shard_run = |extra: &[&str], env: &[(&str, &str)]| {
        let output = Command::new(env!("CARGO_BIN_EXE_newsprint"))
            .env("NEWSPRINT_LOG", "info")
            .envs(env.iter().copied())
            .arg("run")
            .arg(&inputs)
            .arg("--out")
            .arg(&sharded)
            .args(extra)
            .output()
            .expect("runs");
        assert_ok(&output);
        output
    };
    // Four shards: 0 and 3 by flag, 1 from a Slurm array numbered from 1, 2 from a
    // Kubernetes Indexed Job.
    shard_run(&["--shard", "0/4"], &[]);
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
    ];
    let from_slurm = shard_run(&[], &slurm);
    assert!(String::from_utf8_lossy(&from_slurm.stderr).contains("1/4"));
    shard_run(&["--shard", "3/4"], &[]);

    // A merge before the last shard is there says which one is missing.
    let early = newsprint(&["merge", &sharded.display().to_string()]);
    assert_eq!(early.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&early.stderr).contains("shard 2/4"));

    shard_run(&["--shard-count", "4"], &[("JOB_COMPLETION_INDEX", "2")]);

    // A shard whose lease (object storage) reserves a run its manifest has not completed
    // has one under way, or was killed: merge waits for it.
    let shard_manifest = sharded.join("shards/shard-001-of-004.json");
    let saved = std::fs::read(&shard_manifest).expect("manifest");
    let mut leased: serde_json::Value = serde_json::from_slice(&saved).expect("json");
    leased["writer"] = serde_json::json!({"run": 7, "host": "h", "pid": 1, "started_unix": 0});
    std::fs::write(&shard_manifest, leased.to_string()).expect("write");
    let under_way = newsprint(&["merge", &sharded.display().to_string()]);
    assert_eq!(under_way.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&under_way.stderr)
            .contains("shard 1/4 did not complete its last run (or has one under way)"),
        "{}",
        String::from_utf8_lossy(&under_way.stderr)
    );
    std::fs::write(&shard_manifest, saved).expect("restore");
    for i in 0..4 {
        let manifest = manifest_of(&sharded.join(format!("shards/shard-{i:03}-of-004.json")));
        assert_eq!(manifest["shard"]["index"], i);
    }
    let merged = newsprint(&["merge", &sharded.display().to_string()]);
    assert_ok(&merged);
    assert_eq!(
        editor_lines_removed(&sharded),
        12,
        "each shard learns the run's furniture"
    );
    assert_same_dataset(&sharded, &one, "4 shards + merge vs one run");
    let success: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sharded.join("_SUCCESS")).expect("_SUCCESS"))
            .expect("json");
    assert_eq!(success["shards_merged"], 4);
    assert_eq!(
        success["rows"],
        manifest_of(&sharded.join("manifest.json"))["rows"]
    );
    // A damaged state file is rebuilt by a merge too, and its warning is seen.
    let sketch = std::fs::read_dir(sharded.join("_newsprint").join("sketches"))
        .expect("sketches")
        .next()
        .expect("one")
        .expect("entry")
        .path();
    std::fs::write(&sketch, b"garbage").expect("garbage");
    let again = newsprint(&["merge", &sharded.display().to_string()]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(
        stderr.contains("rebuilt"),
        "a merge's warnings are logged: {stderr}"
    );
    assert_eq!(
        manifest_of(&sharded.join("manifest.json"))["shards_merged"],
        4
    );

    // A shard with no inputs says so and still records its run.
    let lonely = tmp.path().join("lonely");
    let mut empty_shard = None;
    for i in 0..2 {
        let out = lonely.join(format!("try{i}"));
        let output = newsprint(&[
            "run",
            SAMPLE,
            "--out",
            &out.display().to_string(),
            "--shard",
            &format!("{i}/2"),
        ]);
        assert!(output.status.success());
        if String::from_utf8_lossy(&output.stdout).contains("0 new documents") {
            empty_shard = Some(i);
        }
    }
    assert!(
        empty_shard.is_some(),
        "one of two shards of one input has none"
    );

    // An unsharded run into a sharded dataset is refused.
    let mixed = newsprint(&["run", SAMPLE, "--out", &sharded.display().to_string()]);
    assert_eq!(mixed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("sharded"));
}

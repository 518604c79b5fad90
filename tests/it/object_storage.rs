//! Inputs in object storage, against a real S3 protocol server started by the test on
//! loopback (moto's server, `pip install 'moto[server]'`), behind a proxy that injects
//! throttling: the same tables as the same files read from disk, retries logged, and an
//! object that cannot be read is its document's error row.
//!
//! They need moto, so they are ignored by a plain `cargo test` (its summary counts them as
//! ignored, and says why): `cargo test --release --test it -- --ignored object_storage` runs
//! them (CI does, after installing moto), and fails them if moto is missing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use polars::prelude::*;

use super::util::*;

/// A moto server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start_moto() -> Moto {
    let available = Command::new("python3")
        .args(["-c", "import moto.server, boto3"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        available,
        "the object storage tests need moto's S3 server: pip install 'moto[server]'"
    );
    let port = free_port();
    let child = Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto { child, port }
}

/// Runs `body` in Python with `s3`, a boto3 client of the server on `port`; its stdout.
fn boto3(port: u16, body: &str) -> String {
    let script = format!(
        r#"
import boto3, pathlib
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:{port}", region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
{body}
"#
    );
    let output = Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "boto3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Puts every file under `dir` into `bucket` under `prefix`, keyed by its path relative to
/// `dir`.
fn upload(port: u16, bucket: &str, prefix: &str, dir: &std::path::Path) {
    boto3(
        port,
        &format!(
            r#"
s3.create_bucket(Bucket="{bucket}")
root = pathlib.Path(r"{dir}")
for p in sorted(root.rglob("*")):
    if p.is_file():
        s3.put_object(Bucket="{bucket}", Key="{prefix}" + p.relative_to(root).as_posix(),
                      Body=p.read_bytes())
"#,
            dir = dir.display()
        ),
    );
}

/// What a [`proxy`] does to the requests it passes on.
#[derive(Clone, Copy)]
struct Faults {
    /// Every this-many-th request is answered 503 Slow Down by the proxy itself (a
    /// transient error the client must retry).
    throttle_every: usize,
    /// A GET for a key containing this is answered 403 (a permanent error).
    forbidden: &'static str,
    /// Every request waits this long first: a slow store.
    delay: Duration,
    /// Every this-many-th PUT reaches the store, which does it, but its answer is lost: the
    /// client is told 503 and sends it again.
    lose_answer_every: usize,
    /// A PUT of a key containing this is answered 403 (writing refused).
    refuse_puts: &'static str,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            throttle_every: usize::MAX,
            forbidden: "no-such-key",
            delay: Duration::ZERO,
            lose_answer_every: usize::MAX,
            refuse_puts: "no-such-key",
        }
    }
}

/// Requests a [`proxy`] answered itself: (throttled, answers lost).
#[derive(Default)]
struct Injected {
    throttled: AtomicUsize,
    lost: AtomicUsize,
}

/// A proxy in front of `upstream` that throttles every `throttle_every`-th request and
/// refuses keys containing `forbidden` (see [`Faults`]).
fn proxy(upstream: u16, throttle_every: usize, forbidden: &'static str) -> (u16, Arc<Injected>) {
    proxy_with(
        upstream,
        Faults {
            throttle_every,
            forbidden,
            ..Faults::default()
        },
    )
}

/// A proxy in front of `upstream` that injects `faults`.
fn proxy_with(upstream: u16, faults: Faults) -> (u16, Arc<Injected>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let counts = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let injected = Arc::new(Injected::default());
    let out = Arc::clone(&injected);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let counts = Arc::clone(&counts);
            let injected = Arc::clone(&injected);
            std::thread::spawn(move || {
                std::thread::sleep(faults.delay);
                let _ = serve(client, upstream, faults, &counts, &injected);
            });
        }
    });
    (port, out)
}

fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok(Some((buf, rest)));
        }
        let n = stream.read(&mut byte)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&byte[..n]);
    }
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0)
}

/// `head` with `Connection: close` in place of any connection header.
fn closing(head: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn serve(
    mut client: TcpStream,
    upstream: u16,
    faults: Faults,
    (requests, puts): &(AtomicUsize, AtomicUsize),
    injected: &Injected,
) -> std::io::Result<()> {
    let Some((head, mut body)) = read_head(&mut client)? else {
        return Ok(());
    };
    let want = content_length(&head);
    while body.len() < want {
        let mut more = vec![0u8; want - body.len()];
        let n = client.read(&mut more)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&more[..n]);
    }
    let request_line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let answer = |status: &str, code: &str| {
        let xml = format!(
            "<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>"
        );
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
            xml.len()
        )
    };
    let refused = (request_line.starts_with("GET") && request_line.contains(faults.forbidden))
        || (request_line.starts_with("PUT") && request_line.contains(faults.refuse_puts));
    if refused {
        client.write_all(answer("403 Forbidden", "AccessDenied").as_bytes())?;
        return Ok(());
    }
    if (requests.fetch_add(1, Ordering::SeqCst) + 1).is_multiple_of(faults.throttle_every) {
        injected.throttled.fetch_add(1, Ordering::SeqCst);
        client.write_all(answer("503 Slow Down", "SlowDown").as_bytes())?;
        return Ok(());
    }
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    server.write_all(&closing(&head))?;
    server.write_all(&body)?;
    let Some((head, rest)) = read_head(&mut server)? else {
        return Ok(());
    };
    let is_put = request_line.starts_with("PUT");
    if is_put && (puts.fetch_add(1, Ordering::SeqCst) + 1).is_multiple_of(faults.lose_answer_every)
    {
        // The store did it; the client hears otherwise.
        std::io::copy(&mut server, &mut std::io::sink())?;
        injected.lost.fetch_add(1, Ordering::SeqCst);
        client.write_all(answer("503 Service Unavailable", "ServiceUnavailable").as_bytes())?;
        return Ok(());
    }
    client.write_all(&closing(&head))?;
    client.write_all(&rest)?;
    std::io::copy(&mut server, &mut client)?;
    Ok(())
}

/// A table with the columns that name where a document came from left out (`source`, and
/// the keys hashed from it), which are all a store and a folder may differ in.
fn content(out: &std::path::Path, name: &str) -> DataFrame {
    let df = table(out, name);
    let keep: Vec<String> = df
        .get_column_names()
        .into_iter()
        .map(|c| c.to_string())
        .filter(|c| {
            !matches!(
                c.as_str(),
                "doc_id" | "source" | "article_id" | "duplicate_of"
            )
        })
        .collect();
    df.select(keep).expect("columns")
}

/// `newsprint ARGS` against the S3 server on `port`: its endpoint as storage options, test
/// credentials in the environment, logs at info (where retries are).
fn newsprint_s3(args: &[&str], port: u16) -> std::process::Output {
    s3_command(args, port).output().expect("newsprint runs")
}

/// `newsprint ARGS` against the server on `port` (its endpoint, test credentials), logging
/// at info, ready to run.
fn s3_command(args: &[&str], port: u16) -> Command {
    let endpoint = format!("endpoint=http://127.0.0.1:{port}");
    let mut args = args.to_vec();
    args.extend([
        "--storage-option",
        &endpoint,
        "--storage-option",
        "allow_http=true",
    ]);
    let mut command = command(&args);
    command
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("NEWSPRINT_LOG", "info");
    command
}

/// Fails the test unless `output` is of a process that `NEWSPRINT_FAULT` stopped.
fn assert_stopped(output: &std::process::Output, what: &str) {
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("NEWSPRINT_FAULT"),
        "{what} did not stop at its fault point: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Copies every object under `prefix` in `bucket` into `dir`, as a folder: a reader that
/// globs the table folders sees what is there, committed or not. Returns the keys, sorted.
fn download(port: u16, bucket: &str, prefix: &str, dir: &std::path::Path) -> Vec<String> {
    let listed = boto3(
        port,
        &format!(
            r#"
root = pathlib.Path(r"{dir}")
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="{bucket}", Prefix="{prefix}"):
    for o in page.get("Contents", []):
        key = o["Key"][len("{prefix}"):]
        print(key)
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(s3.get_object(Bucket="{bucket}", Key=o["Key"])["Body"].read())
"#,
            dir = dir.display()
        ),
    );
    let mut keys: Vec<String> = listed.lines().map(str::to_string).collect();
    keys.sort();
    keys
}

/// Makes `bucket` on the server.
fn bucket(port: u16, bucket: &str) {
    boto3(port, &format!(r#"s3.create_bucket(Bucket="{bucket}")"#));
}

/// Checks that every part the manifest of a dataset downloaded into `dir` names is there:
/// what a reader following the manifest finds is whole (leftovers may be there too).
fn assert_named_parts_present(dir: &std::path::Path) {
    // (A run killed before its first commit reached the store leaves no manifest: a reader
    // finds no dataset there yet.)
    if !dir.join("manifest.json").is_file() {
        return;
    }
    let manifest = manifest_of(&dir.join("manifest.json"));
    for (table, parts) in manifest["parts"].as_object().expect("parts") {
        for part in parts.as_array().expect("list") {
            let file = part["file"].as_str().expect("file");
            // (Or where it waits to be placed, when the writer was killed right after
            // putting the manifest: readers following the manifest look there too.)
            let waiting = dir.join("_newsprint/pending").join(table).join(file);
            assert!(
                dir.join(table).join(file).is_file() || waiting.is_file(),
                "{table}/{file}"
            );
        }
    }
}

/// Checks what a reader globbing the tables of a dataset downloaded into `dir` counts:
/// only parts the manifest names — never a killed or losing writer's uploads. Killed
/// between its last commit and the deletes before its placing, a writer leaves what that
/// commit replaced (an empty table's first part, old summaries, a part its rewrite replaces)
/// in their stead: `replaced_allowed`.
fn assert_tables_hold_only_named(dir: &std::path::Path, when: &str) {
    assert_tables_hold(dir, when, false)
}

fn assert_tables_hold(dir: &std::path::Path, when: &str, replaced_allowed: bool) {
    let named: std::collections::BTreeSet<String> = if dir.join("manifest.json").is_file() {
        let manifest = manifest_of(&dir.join("manifest.json"));
        manifest["parts"]
            .as_object()
            .expect("parts")
            .iter()
            .flat_map(|(table, parts)| {
                parts
                    .as_array()
                    .expect("list")
                    .iter()
                    .map(move |p| format!("{table}/{}", p["file"].as_str().expect("file")))
            })
            .collect()
    } else {
        Default::default()
    };
    for table in TABLES {
        for entry in std::fs::read_dir(dir.join(table)).into_iter().flatten() {
            let file = entry.expect("entry").file_name();
            let key = format!("{table}/{}", file.to_string_lossy());
            let file = file.to_string_lossy();
            // What the last commit replaced: the table's first, empty part, the summaries
            // of the step before, or the part that a rewrite waiting in pending replaces.
            let segment = |f: &str| {
                let stem = f.trim_end_matches(".parquet");
                stem.split("-g").next().unwrap_or(stem).to_string()
            };
            let pending = dir.join("_newsprint/pending").join(table);
            let rewrite_waits = std::fs::read_dir(pending).into_iter().flatten().any(|e| {
                segment(&e.expect("entry").file_name().to_string_lossy()) == segment(&file)
            });
            let replaced =
                file.ends_with("-empty.parquet") || table.ends_with("_counts") || rewrite_waits;
            assert!(
                named.contains(&key) || (replaced_allowed && replaced),
                "{when}: a glob counts {key}, named by no manifest"
            );
        }
    }
}

/// Checks a dataset downloaded whole into `dir`: every part a manifest names is there, and
/// every part there is named by one (no leftovers: a folder reader sees the dataset).
fn assert_parts_are_named(dir: &std::path::Path) {
    let mut named = std::collections::BTreeSet::new();
    let mut manifests = vec![dir.join("manifest.json")];
    if let Ok(entries) = std::fs::read_dir(dir.join("shards")) {
        manifests.extend(entries.map(|e| e.expect("entry").path()));
    }
    for path in manifests.iter().filter(|p| p.is_file()) {
        let manifest = manifest_of(path);
        for (table, parts) in manifest["parts"].as_object().expect("parts") {
            for part in parts.as_array().expect("list") {
                let file = part["file"].as_str().expect("file");
                assert!(
                    dir.join(table).join(file).is_file(),
                    "{} names {table}/{file}, which is not in the store",
                    path.display()
                );
                named.insert(format!("{table}/{file}"));
            }
        }
    }
    for table in TABLES {
        for entry in std::fs::read_dir(dir.join(table)).expect("table folder") {
            let file = entry.expect("entry").file_name();
            let key = format!("{table}/{}", file.to_string_lossy());
            assert!(named.contains(&key), "{key} is named by no manifest");
        }
    }
}

fn run_s3(url: &str, out: &std::path::Path, port: u16) -> std::process::Output {
    newsprint_s3(&["run", url, "--out", &out.display().to_string()], port)
}

#[test]
#[ignore = "needs moto's S3 server (pip install 'moto[server]'): cargo test --release --test it -- --ignored object_storage"]
fn objects_read_as_files_do_through_throttling_and_a_refused_object_is_an_error_row() {
    let moto = start_moto();
    let tmp = tempfile::tempdir().expect("tempdir");
    let local = tmp.path().join("pages");
    std::fs::create_dir_all(&local).expect("mkdir");
    for entry in std::fs::read_dir(root().join("data/gold/pages")).expect("gold pages") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, local.join(path.file_name().expect("name"))).expect("copy");
    }
    std::fs::write(
        local.join("z_records.jsonl.gz"),
        ingest::fixtures::gzip(
            "{\"id\": 1, \"text\": \"新华社北京3月1日电 国务院总理李鹏今天会见了客人。\"}\n{\"text\": 5}\n"
                .as_bytes(),
        ),
    )
    .expect("jsonl");
    upload(moto.port, "news", "pages/", &local);
    // Only objects settled before a run began are recorded as read (as for files).
    std::thread::sleep(Duration::from_millis(2100));

    // Through a proxy that throttles every fourth request: the store retries, logs each
    // retry, and the tables are those of the same files read from disk.
    let (port, throttled) = proxy(moto.port, 4, "no-such-key");
    let from_store = tmp.path().join("from-store");
    let output = run_s3("s3://news/pages/", &from_store, port);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        throttled.throttled.load(Ordering::SeqCst) > 0,
        "the proxy throttled nothing"
    );
    assert!(stderr.contains("retry"), "retries are logged: {stderr}");
    let from_disk = tmp.path().join("from-disk");
    run_ok(&[&local], &from_disk, &[]);
    for name in TABLES {
        let (a, b) = (content(&from_store, name), content(&from_disk, name));
        assert!(a.height() > 0, "{name} is empty");
        assert!(a.equals_missing(&b), "{name} differs:\n{a:?}\n{b:?}");
    }
    let sources = strings(&table(&from_store, "documents"), "source");
    assert!(
        sources[0]
            .as_deref()
            .is_some_and(|s| s.starts_with("s3://news/pages/")),
        "{sources:?}"
    );

    // A second night reads none of the objects but the one holding a failed record (a
    // failed input is tried again by every run): each is known unchanged by its size, time
    // and ETag.
    let objects = std::fs::read_dir(&local).expect("pages").count();
    let output = run_s3("s3://news/pages/", &from_store, moto.port);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("({} files known unchanged, not read", objects - 1)),
        "{stdout}"
    );

    // An object the store refuses is that document's error row; the run goes on.
    let (port, _) = proxy(moto.port, usize::MAX, "z_records");
    let refused = tmp.path().join("refused");
    let output = run_s3("s3://news/pages/", &refused, port);
    assert_ok(&output);
    let documents = table(&refused, "documents");
    let rows = status_of(&documents);
    let last = rows.last().expect("rows");
    assert!(
        last.0.ends_with("z_records.jsonl.gz") && last.1 == "error",
        "{rows:?}"
    );

    // A prefix with nothing under it is a clear error before anything is written.
    let output = run_s3("s3://news/nothing/", &tmp.path().join("none"), moto.port);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no object at or under this URL"),
        "{stderr}"
    );

    // A dataset copied into object storage is read by `stats` and `report` as on disk.
    upload(moto.port, "datasets", "night/", &from_disk);
    let stats = |output: std::process::Output| -> serde_json::Value {
        assert_ok(&output);
        serde_json::from_slice(&output.stdout).expect("json")
    };
    let remote = stats(newsprint_s3(
        &["stats", "s3://datasets/night", "--json"],
        moto.port,
    ));
    let on_disk = stats(newsprint(&[
        "stats",
        &from_disk.display().to_string(),
        "--json",
    ]));
    assert_eq!(remote, on_disk);
    assert!(remote["rows"]["articles"].as_u64() > Some(0));
    let page = tmp.path().join("night.html");
    let page_arg = page.display().to_string();
    let output = newsprint_s3(
        &["report", "s3://datasets/night", "--out", &page_arg],
        moto.port,
    );
    assert_ok(&output);
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("s3://datasets/night") && html.contains("id=\"runs\""));
}

/// `newsprint run` of `inputs` into the dataset at `url`, through the server on `port`.
fn run_into(
    url: &str,
    inputs: &[&std::path::Path],
    port: u16,
    extra: &[&str],
) -> std::process::Output {
    let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let mut args: Vec<&str> = vec!["run"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["--out", url]);
    args.extend(extra);
    newsprint_s3(&args, port)
}

#[test]
#[ignore = "needs moto's S3 server (pip install 'moto[server]'): cargo test --release --test it -- --ignored object_storage"]
fn a_dataset_in_object_storage_holds_what_a_folder_would_run_after_run() {
    let moto = start_moto();
    bucket(moto.port, "lake");
    let tmp = tempfile::tempdir().expect("tempdir");
    let (first, second) = (tmp.path().join("first"), tmp.path().join("second"));
    varied_pages(&first, 0..6);
    varied_pages(&second, 6..12);
    std::fs::copy(root().join(SAMPLE), second.join("sample.txt")).expect("sample");

    // Two runs into the store, through a proxy that throttles every fifth request and loses
    // the answer to every seventh PUT (the store did it; the client sends it again, and its
    // conditional put then finds its own object); the same two runs into a folder.
    let (port, injected) = proxy_with(
        moto.port,
        Faults {
            throttle_every: 5,
            lose_answer_every: 7,
            ..Faults::default()
        },
    );
    let url = "s3://lake/night";
    let small = ["--rows-per-part", "40"];
    let output = run_into(url, &[&first], port, &small);
    assert_ok(&output);
    let output = run_into(url, &[&first, &second], port, &small);
    assert_ok(&output);
    assert!(
        injected.throttled.load(Ordering::SeqCst) > 0,
        "nothing throttled"
    );
    assert!(injected.lost.load(Ordering::SeqCst) > 0, "no answer lost");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("retry"), "retries are logged: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("run 2 into s3://lake/night"), "{stdout}");
    let local = tmp.path().join("local");
    run_ok(&[&first], &local, &small);
    run_ok(&[&first, &second], &local, &small);

    // Every table holds the folder's rows, and the store holds the parts the manifest
    // names, no others: the runs' replaced parts and the first run's empty ones are gone.
    let copy = tmp.path().join("copy");
    let keys = download(moto.port, "lake", "night/", &copy);
    assert_same_dataset(&copy, &local, "the store vs a folder");
    assert_parts_are_named(&copy);
    assert!(
        keys.iter().any(|k| k.contains("-g00002")),
        "the second corpus step rewrote a part under a new name: {keys:?}"
    );
    assert!(
        !keys
            .iter()
            .any(|k| k.contains("pending") || k.contains("lock")),
        "{keys:?}"
    );
    let manifest = manifest_of(&copy.join("manifest.json"));
    assert_eq!(manifest["runs"].as_array().map(Vec::len), Some(2));
    assert_eq!(manifest["writer"]["run"], 2, "the second run's lease");
    // The lease reserves the corpus step's generation too, which names its parts.
    assert_eq!(manifest["writer"]["generation"], 2);
    assert_eq!(manifest["corpus"]["generation"], 2);

    // `stats` reads it where it is, as it reads the folder.
    let stats = newsprint_s3(&["stats", url, "--json"], moto.port);
    assert_ok(&stats);
    let remote: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("json");
    assert_eq!(
        remote["rows"],
        manifest_of(&local.join("manifest.json"))["rows"]
    );

    // A dry run reads the dataset where it is and writes nothing (not even a lease).
    let dry = run_into(url, &[&first, &second], moto.port, &["--dry-run"]);
    assert_ok(&dry);
    assert!(
        String::from_utf8_lossy(&dry.stderr).contains("out=s3://lake/night"),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let unchanged = tmp.path().join("unchanged");
    download(moto.port, "lake", "night/", &unchanged);
    assert_eq!(
        std::fs::read(unchanged.join("manifest.json")).expect("manifest"),
        std::fs::read(copy.join("manifest.json")).expect("manifest"),
        "a dry run changed the manifest"
    );

    // A run with nothing new reads nothing and leaves the tables as they were; with a work
    // folder kept, the next one copies none of the parts in again.
    let work = tmp.path().join("work");
    let work_arg = work.display().to_string();
    let kept = ["--work-dir", work_arg.as_str()];
    for (round, held) in [(1, false), (2, true)] {
        let output = run_into(url, &[&first, &second], moto.port, &kept);
        assert_ok(&output);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let holds = stderr.contains("held=0");
        assert_eq!(!holds, held, "round {round}: {stderr}");
    }
    let again = tmp.path().join("again");
    download(moto.port, "lake", "night/", &again);
    assert_same_dataset(&again, &local, "after runs with nothing new");
    assert_parts_are_named(&again);

    // A store that refuses to take the parts fails the run (exit 1), and the dataset stays
    // as it was: its manifest names the parts it named, all there.
    let (refusing, _) = proxy_with(
        moto.port,
        Faults {
            refuse_puts: ".parquet",
            ..Faults::default()
        },
    );
    let third = tmp.path().join("third");
    varied_pages(&third, 12..14);
    let output = run_into(url, &[&first, &second, &third], refusing, &small);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("403") || stderr.contains("Forbidden"),
        "{stderr}"
    );
    let after = tmp.path().join("after-refusal");
    download(moto.port, "lake", "night/", &after);
    assert_same_dataset(&after, &local, "after a run the store refused");
    assert_named_parts_present(&after);

    // A prefix that holds something else is not taken for a dataset.
    upload(moto.port, "lake", "photos/", &first);
    let output = run_into("s3://lake/photos", &[&first], moto.port, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not a newsprint dataset"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Waits until the run writing through `work` has committed `segments` segments there, or
/// has exited.
fn wait_for_segments(work: &std::path::Path, segments: usize, child: &mut Child) {
    let started = Instant::now();
    loop {
        let committed = std::fs::read(work.join("manifest.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|m| m["parts"]["documents"].as_array().map(Vec::len))
            .unwrap_or(0);
        if committed >= segments {
            return;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the run ended before committing {segments} segments"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "no commit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn_into(url: &str, inputs: &std::path::Path, port: u16, work: &std::path::Path) -> Child {
    let endpoint = format!("endpoint=http://127.0.0.1:{port}");
    command(&[
        "run",
        &inputs.display().to_string(),
        "--out",
        url,
        "--work-dir",
        &work.display().to_string(),
        "--rows-per-part",
        "1",
        "--storage-option",
        &endpoint,
        "--storage-option",
        "allow_http=true",
    ])
    .env("AWS_ACCESS_KEY_ID", "test")
    .env("AWS_SECRET_ACCESS_KEY", "test")
    .env("AWS_REGION", "us-east-1")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn")
}

#[test]
#[ignore = "needs moto's S3 server (pip install 'moto[server]'): cargo test --release --test it -- --ignored object_storage"]
fn a_killed_writer_and_a_writer_that_lost_the_dataset_leave_it_whole() {
    let moto = start_moto();
    bucket(moto.port, "lake");
    let tmp = tempfile::tempdir().expect("tempdir");
    let pages = tmp.path().join("pages");
    varied_pages(&pages, 0..24);
    let more = tmp.path().join("more");
    varied_pages(&more, 24..48);
    let url = "s3://lake/killed";
    // A slow store: every request waits, so that the runs below are caught mid-way.
    let (slow, _) = proxy_with(
        moto.port,
        Faults {
            delay: Duration::from_millis(40),
            ..Faults::default()
        },
    );

    // Killed (SIGKILL) after a few segments: what a reader following the manifest finds is
    // whole, and the next run carries on, deleting what the killed one left.
    let work = tmp.path().join("work-killed");
    let mut child = spawn_into(url, &pages, slow, &work);
    wait_for_segments(&work, 3, &mut child);
    child.kill().expect("kill");
    let _ = child.wait();
    let snapshot = tmp.path().join("snapshot");
    download(moto.port, "lake", "killed/", &snapshot);
    assert_named_parts_present(&snapshot);
    assert_tables_hold_only_named(&snapshot, "a writer killed mid-way");
    std::thread::sleep(Duration::from_millis(1100));
    let output = run_into(url, &[&pages], moto.port, &["--rows-per-part", "1"]);
    assert_ok(&output);
    let local = tmp.path().join("local");
    run_ok(&[&pages], &local, &["--rows-per-part", "1"]);
    let copy = tmp.path().join("after-kill");
    download(moto.port, "lake", "killed/", &copy);
    assert_same_dataset(&copy, &local, "killed, then run again");
    assert_parts_are_named(&copy);

    // A part no manifest names (a writer's, killed after uploading it) is deleted by the
    // next writer to commit.
    let stray = tmp.path().join("stray");
    std::fs::create_dir_all(stray.join("documents")).expect("mkdir");
    std::fs::write(stray.join("documents/part-r00099-00000.parquet"), "half").expect("part");
    upload(moto.port, "lake", "killed/", &stray);
    std::thread::sleep(Duration::from_millis(1100));

    // Two writers: while the first, slow, is committing, a second starts. One of them loses
    // the dataset (the second, if the first commits while it reads the manifest, else the
    // first at its next commit) and stops with exit 1, naming the writer that took it; the
    // other completes. The dataset stays whole.
    let work = tmp.path().join("work-first");
    let mut first = spawn_into(url, &more, slow, &work);
    wait_for_segments(&work, copy_parts(&copy) + 2, &mut first);
    let second = run_into(url, &[&pages], moto.port, &[]);
    let first = first.wait_with_output().expect("wait");
    let codes = (first.status.code(), second.status.code());
    assert!(
        codes == (Some(1), Some(0)) || codes == (Some(0), Some(1)),
        "one writer must lose, one complete: {codes:?}"
    );
    let loser = if codes.0 == Some(1) { &first } else { &second };
    let stderr = String::from_utf8_lossy(&loser.stderr);
    assert!(
        stderr.contains("was committed by the writer on"),
        "{stderr}"
    );
    let between = tmp.path().join("between");
    download(moto.port, "lake", "killed/", &between);
    assert_named_parts_present(&between);
    assert_tables_hold_only_named(&between, "after a writer lost the dataset");
    // A run after both adds what the loser did not commit and deletes what it left.
    std::thread::sleep(Duration::from_millis(1100));
    let output = run_into(url, &[&pages, &more], moto.port, &[]);
    assert_ok(&output);
    run_ok(&[&pages, &more], &local, &["--rows-per-part", "1"]);
    let last = tmp.path().join("last");
    download(moto.port, "lake", "killed/", &last);
    assert_same_dataset(&last, &local, "after two writers and a third run");
    assert_parts_are_named(&last);
}

#[test]
#[ignore = "needs moto's S3 server (pip install 'moto[server]'): cargo test --release --test it -- --ignored object_storage"]
fn a_writer_killed_between_a_manifest_put_and_its_parts_is_finished_by_the_next() {
    let moto = start_moto();
    bucket(moto.port, "lake");
    let tmp = tempfile::tempdir().expect("tempdir");
    let pages = tmp.path().join("pages");
    varied_pages(&pages, 0..12);
    let local = tmp.path().join("local");
    run_ok(&[&pages], &local, &["--rows-per-part", "40"]);
    for (n, point) in ["store-committed@2", "store-finished"].iter().enumerate() {
        let url = format!("s3://lake/placed{n}");
        let pages_arg = pages.display().to_string();
        let args = ["run", &pages_arg, "--out", &url, "--rows-per-part", "40"];
        let output = s3_command(&args, moto.port)
            .env("NEWSPRINT_FAULT", point)
            .output()
            .expect("runs");
        assert_stopped(&output, point);
        // The manifest names parts that still wait to be placed: a glob of the tables
        // counts none of them, a reader following the manifest finds them all.
        let killed = tmp.path().join(format!("killed{n}"));
        let keys = download(moto.port, "lake", &format!("placed{n}/"), &killed);
        assert!(
            keys.iter().any(|k| k.starts_with("_newsprint/pending/")),
            "{point}: {keys:?}"
        );
        assert_named_parts_present(&killed);
        assert_tables_hold(&killed, &format!("killed at {point}"), n == 1);
        assert_ok(&newsprint_s3(&["stats", &url], moto.port));
        // The next writer places them first, and the run goes on to one run's dataset.
        std::thread::sleep(Duration::from_millis(1100));
        assert_ok(&run_into(
            &url,
            &[&pages],
            moto.port,
            &["--rows-per-part", "40"],
        ));
        let copy = tmp.path().join(format!("copy{n}"));
        let keys = download(moto.port, "lake", &format!("placed{n}/"), &copy);
        assert!(
            !keys.iter().any(|k| k.starts_with("_newsprint/pending/")),
            "{point}: {keys:?}"
        );
        assert_same_dataset(&copy, &local, &format!("killed at {point}, run again"));
        assert_parts_are_named(&copy);
    }
}

#[test]
#[ignore = "needs moto's S3 server (pip install 'moto[server]'): cargo test --release --test it -- --ignored object_storage"]
fn a_killed_writers_multipart_upload_is_aborted_by_the_next_writer() {
    let moto = start_moto();
    bucket(moto.port, "lake");
    let tmp = tempfile::tempdir().expect("tempdir");
    let pages = tmp.path().join("pages");
    varied_pages(&pages, 0..12);
    let url = "s3://lake/multipart";
    let pages_arg = pages.display().to_string();
    // Every part over 10 kB goes up in a multipart upload.
    let run = |fault: Option<&str>| {
        let mut command = s3_command(&["run", &pages_arg, "--out", url], moto.port);
        command.env("NEWSPRINT_MULTIPART_FROM", "10000");
        if let Some(point) = fault {
            command.env("NEWSPRINT_FAULT", point);
        }
        command.output().expect("runs")
    };
    let uploads = || {
        boto3(
            moto.port,
            r#"print(len(s3.list_multipart_uploads(Bucket="lake", Prefix="multipart/").get("Uploads", [])))"#,
        )
        .trim()
        .parse::<usize>()
        .expect("a count")
    };
    // Killed with its upload's chunks stored and the upload not completed.
    let killed = run(Some("store-multipart"));
    assert_stopped(&killed, "a run with a multipart upload");
    let left = uploads();
    // (Uploads go up eight at a time: one the kill caught between its start and its record
    // cannot be found again; the lifecycle rule of docs/object-storage.md is for those.)
    let recorded = boto3(
        moto.port,
        r#"print(len(s3.list_objects_v2(Bucket="lake", Prefix="multipart/_newsprint/uploads/").get("Contents", [])))"#,
    )
    .trim()
    .parse::<usize>()
    .expect("a count");
    assert!(
        recorded >= 1 && left >= recorded,
        "uploads {left}, recorded {recorded}"
    );
    std::thread::sleep(Duration::from_millis(1100));
    let again = run(None);
    assert_ok(&again);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("aborted the unfinished multipart uploads")
    );
    assert_eq!(
        uploads(),
        left - recorded,
        "the next writer aborted the recorded ones, and completed its own"
    );
    let local = tmp.path().join("local");
    run_ok(&[&pages], &local, &[]);
    let copy = tmp.path().join("copy");
    let keys = download(moto.port, "lake", "multipart/", &copy);
    assert!(!keys.iter().any(|k| k.contains("/uploads/")), "{keys:?}");
    assert_same_dataset(&copy, &local, "after a killed multipart upload");
    assert_parts_are_named(&copy);
}

/// The documents parts a downloaded dataset's manifest names.
fn copy_parts(dir: &std::path::Path) -> usize {
    manifest_of(&dir.join("manifest.json"))["parts"]["documents"]
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
#[ignore = "needs moto's S3 server (pip install 'moto[server]'): cargo test --release --test it -- --ignored object_storage"]
fn shards_write_to_object_storage_and_merge_joins_them_there() {
    let moto = start_moto();
    bucket(moto.port, "lake");
    let tmp = tempfile::tempdir().expect("tempdir");
    let pages = tmp.path().join("pages");
    varied_pages(&pages, 0..10);
    std::fs::copy(root().join(SAMPLE), pages.join("sample.txt")).expect("sample");
    let url = "s3://lake/sharded";
    let (port, _) = proxy(moto.port, 6, "no-such-key");
    // The shards run side by side, as the pods of an Indexed Job do, into one new dataset.
    let outputs: Vec<std::process::Output> = std::thread::scope(|scope| {
        let runs: Vec<_> = ["0/2", "1/2"]
            .into_iter()
            .map(|shard| scope.spawn(|| run_into(url, &[&pages], port, &["--shard", shard])))
            .collect();
        runs.into_iter().map(|r| r.join().expect("shard")).collect()
    });
    outputs.iter().for_each(assert_ok);
    // Read before the merge: said so, not the store's raw answer.
    let early = newsprint_s3(&["stats", url], moto.port);
    let stderr = String::from_utf8_lossy(&early.stderr);
    assert_eq!(early.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not merged yet") && stderr.contains("newsprint merge s3://lake/sharded"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("<?xml") && !stderr.contains("<Error>"),
        "{stderr}"
    );
    // A merge of a prefix that holds nothing names the URL, not its work folder.
    let empty = newsprint_s3(&["merge", "s3://lake/empty"], moto.port);
    let stderr = String::from_utf8_lossy(&empty.stderr);
    assert_eq!(empty.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("s3://lake/empty") && stderr.contains("holds no shards"),
        "{stderr}"
    );
    let error = stderr
        .lines()
        .find(|l| l.contains("holds no shards"))
        .unwrap_or_default();
    assert!(!error.contains("newsprint-work-"), "{error}");
    // Merged twice: the second merge of the same shards gives the same dataset.
    let merged = newsprint_s3(&["merge", url], port);
    assert_ok(&merged);
    let merged = newsprint_s3(&["merge", url], port);
    assert_ok(&merged);
    assert!(String::from_utf8_lossy(&merged.stdout).contains("merged s3://lake/sharded"));

    let local = tmp.path().join("local");
    for shard in ["0/2", "1/2"] {
        run_ok(&[&pages], &local, &["--shard", shard]);
    }
    assert_ok(&newsprint(&["merge", &local.display().to_string()]));
    assert!(local.join("_SUCCESS").is_file());

    let copy = tmp.path().join("copy");
    let keys = download(moto.port, "lake", "sharded/", &copy);
    assert!(keys.contains(&"_SUCCESS".to_string()), "{keys:?}");
    assert!(keys.contains(&"shards/shard-001-of-002.json".to_string()));
    assert_same_dataset(&copy, &local, "shards + merge, store vs folder");
    assert_parts_are_named(&copy);
    // The merged dataset holds what one unsharded run would.
    let one = tmp.path().join("one");
    run_ok(&[&pages], &one, &[]);
    assert_same_dataset(&copy, &one, "shards + merge vs one run");

    // A merge killed right after it put the merged manifest, its rewrites still waiting
    // and the shards' manifests not yet brought to them: a glob of the tables never
    // counts a part beside its rewrite, and the next merge gives the same dataset.
    let url = "s3://lake/killed-merge";
    for shard in ["0/2", "1/2"] {
        assert_ok(&run_into(url, &[&pages], moto.port, &["--shard", shard]));
    }
    let killed = s3_command(&["merge", url], moto.port)
        .env("NEWSPRINT_FAULT", "store-finished")
        .output()
        .expect("runs");
    assert_stopped(&killed, "merge");
    let after_kill = tmp.path().join("after-kill");
    download(moto.port, "lake", "killed-merge/", &after_kill);
    assert_named_parts_present(&after_kill);
    let segment = |f: &str| -> String {
        let stem = f.trim_end_matches(".parquet");
        stem.split("-g").next().unwrap_or(stem).to_string()
    };
    for table in ["articles", "documents"] {
        let files: Vec<String> = std::fs::read_dir(after_kill.join(table))
            .expect("table")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        let mut segments: Vec<String> = files.iter().map(|f| segment(f)).collect();
        segments.sort();
        let n = segments.len();
        segments.dedup();
        assert_eq!(segments.len(), n, "a part beside its rewrite: {files:?}");
    }
    std::thread::sleep(Duration::from_millis(1100));
    assert_ok(&newsprint_s3(&["merge", url], moto.port));
    let merged = tmp.path().join("merged-again");
    let keys = download(moto.port, "lake", "killed-merge/", &merged);
    assert!(!keys.iter().any(|k| k.contains("/pending/")), "{keys:?}");
    assert_same_dataset(
        &merged,
        &local,
        "a merge killed after its put, merged again",
    );
    assert_parts_are_named(&merged);
}

#[test]
fn a_file_url_out_is_the_folder_it_names() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("dataset");
    let url = format!("file://{}", out.display());
    let output = newsprint(&[
        "run",
        &root().join(SAMPLE).display().to_string(),
        "--out",
        &url,
    ]);
    assert_ok(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains(&format!("run 1 into {url}")));
    assert_eq!(table(&out, "documents").height(), 1);
    assert!(
        out.join("_newsprint").join("lock").exists(),
        "written with the local protocol"
    );
}

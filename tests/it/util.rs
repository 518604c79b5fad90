//! What the end-to-end tests share: starting the binary, with a watchdog; reading a table
//! back the way a folder reader does; the pages and datasets the tests build.

pub use std::collections::BTreeMap;
pub use std::fs::File;
pub use std::path::{Path, PathBuf};
pub use std::process::{Command, Output, Stdio};
pub use std::time::{Duration, Instant};

pub use polars::prelude::*;

/// The checkout, where the binary runs (so `data/...` paths resolve).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `newsprint ARGS`, ready to run, logging warnings and errors only.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsprint"));
    command
        .current_dir(root())
        .env("NEWSPRINT_LOG", "warn")
        .args(args);
    command
}

/// Runs newsprint to the end.
pub fn newsprint(args: &[&str]) -> Output {
    command(args).output().expect("newsprint runs")
}

/// Runs newsprint, failing the test if it has not finished within `limit`: what a hang
/// (or time far worse than linear) looks like from outside.
pub fn newsprint_within(args: &[&str], limit: Duration) -> Output {
    let mut child = command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("newsprint {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// `newsprint run INPUTS --out OUT EXTRA`, within five minutes.
pub fn run(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["run".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.push("--out".into());
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    newsprint_within(&args, Duration::from_secs(300))
}

/// Fails the test unless `output` is a success, showing its stderr.
pub fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// [`run`], which must succeed.
pub fn run_ok(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let output = run(inputs, out, extra);
    assert!(
        output.status.success(),
        "newsprint run {inputs:?} --out {out:?} {extra:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Every part of a table that a folder reader finds (`*.parquet`), in name order.
pub fn table(out: &Path, name: &str) -> DataFrame {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(out.join(name))
        .expect("table folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    parts.sort();
    assert!(!parts.is_empty(), "{name} has no parts");
    let mut frames = parts.iter().map(|p| {
        ParquetReader::new(File::open(p).expect("open part"))
            .finish()
            .expect("read part")
    });
    let mut df = frames.next().expect("one part");
    for f in frames {
        df.vstack_mut(&f).expect("same schema");
    }
    df
}

/// A string column's values.
pub fn strings(df: &DataFrame, column: &str) -> Vec<Option<String>> {
    df.column(column)
        .expect("column")
        .str()
        .expect("string column")
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

pub const SAMPLE: &str = "data/pages/000_5e6263fb01fcad50.txt";

/// Every table of the output contract.
pub const TABLES: [&str; 8] = [
    "documents",
    "articles",
    "paragraphs",
    "entities",
    "quantities",
    "removed",
    "entity_counts",
    "quantity_counts",
];

/// A numeric column's values: `numbers(&df, "value", Column::f64)`.
pub fn numbers<T: PolarsNumericType>(
    df: &DataFrame,
    column: &str,
    as_type: fn(&Column) -> PolarsResult<&ChunkedArray<T>>,
) -> Vec<Option<T::Native>> {
    as_type(df.column(column).expect("column"))
        .expect("numeric column")
        .iter()
        .collect()
}

pub fn status_of(df: &DataFrame) -> Vec<(String, String)> {
    let sources = strings(df, "source");
    let statuses = strings(df, "status");
    sources
        .into_iter()
        .zip(statuses)
        .map(|(s, t)| {
            let s = s.expect("source");
            let name = Path::new(&s)
                .file_name()
                .map_or(s.clone(), |n| n.to_string_lossy().into_owned());
            (name, t.expect("status"))
        })
        .collect()
}

pub fn dtype_name(dtype: &DataType) -> String {
    match dtype {
        DataType::String => "str".into(),
        DataType::UInt32 => "u32".into(),
        DataType::UInt64 => "u64".into(),
        DataType::Float32 => "f32".into(),
        DataType::Float64 => "f64".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date => "date".into(),
        DataType::List(inner) => format!("list<{}>", dtype_name(inner)),
        other => format!("{other:?}"),
    }
}

pub fn broken_folder(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::copy(root().join(SAMPLE), dir.join("a_page.txt")).expect("copy");
    std::fs::copy(root().join(SAMPLE), dir.join("b_same_page.txt")).expect("copy");
    std::fs::write(dir.join("c_photo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("png");
    std::fs::write(dir.join("d_empty.txt"), b"").expect("empty");
    let gz = ingest::fixtures::gzip("一页被截断的压缩文件，内容不完整。".repeat(20).as_bytes());
    std::fs::write(dir.join("e_broken.txt.gz"), &gz[..gz.len() / 2]).expect("gz");
    let mut invalid = "园区改革成效明显。".repeat(10).into_bytes();
    invalid.insert(12, 0xFF);
    std::fs::write(dir.join("f_invalid_utf8.txt"), invalid).expect("invalid");
    std::fs::write(
        dir.join("g_docs.jsonl"),
        "{\"id\": \"x1\", \"text\": \"湖南日报讯 第一篇稿件。\", \"published_date\": \"2026-01-21\"}\n{\"text\": broken\n{\"id\": \"x3\", \"text\": \"第三篇稿件。\"}\n",
    )
    .expect("jsonl");
}

/// The sample page as another scan might give it: CRLF line ends, full-width digits, ASCII
/// commas.
pub fn rescanned(page: &str) -> String {
    page.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            '，' => ',',
            _ => c,
        })
        .collect::<String>()
        .replace('\n', "\r\n")
}

/// The page with about `per_thousand` in a thousand Han characters replaced (a misread).
pub fn misread(page: &str, per_thousand: u64) -> String {
    let mut state = 0x5EEDu64;
    page.chars()
        .map(|c| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if ('\u{4E00}'..='\u{9FFF}').contains(&c) && (state >> 33) % 1000 < per_thousand {
                '丁'
            } else {
                c
            }
        })
        .collect()
}

/// Pages that differ from the sample in their year and place, so that each is a document of
/// its own (and most of their articles near-duplicates of each other's).
pub fn varied_pages(dir: &Path, range: std::ops::Range<usize>) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let page = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    for i in range {
        let varied = page
            .replace("2025", &format!("{}", 1900 + i))
            .replace("湘潭", ["湘潭", "株洲", "衡阳"][i % 3]);
        std::fs::write(dir.join(format!("p{i:04}.txt")), varied).expect("write");
    }
}

/// Closes the first `pages` of `dir`'s varied pages with a sentence of their own and an
/// editor line, as different articles end different pages: the line is furniture once it is
/// on `--furniture-min-docs` (10) pages.
pub fn editor_lines(dir: &Path, pages: usize) {
    let closing = [
        "春耕时节，田间地头一片繁忙景象。",
        "夜色中的江边步道游人如织。",
        "山区学校的孩子们用上了新电脑。",
        "老街改造后，小店的生意好了起来。",
        "社区食堂每天为老人供应热饭菜。",
        "大雪过后，公路养护工连夜除冰。",
        "博物馆新展厅迎来第一批参观者。",
        "果园里的橙子挂满枝头等待采摘。",
        "志愿者在车站为旅客指路送水。",
        "新建的体育公园成了市民健身的好去处。",
        "图书馆延长了周末的开放时间。",
        "河道整治后，白鹭又飞回来了。",
    ];
    assert!(pages <= closing.len());
    for (i, sentence) in closing.iter().take(pages).enumerate() {
        let path = dir.join(format!("p{i:04}.txt"));
        let page = std::fs::read_to_string(&path).expect("page");
        // (The sample page stops mid-sentence where its column ends: close that sentence.)
        let page = format!("{}。\n{sentence}\n本版编辑 李明\n", page.trim_end());
        std::fs::write(&path, page).expect("write");
    }
}

/// How many `removed` rows of a dataset hold the editor line of [`editor_lines`].
pub fn editor_lines_removed(out: &Path) -> usize {
    strings(&table(out, "removed"), "text")
        .iter()
        .filter(|t| t.as_deref() == Some("本版编辑 李明"))
        .count()
}

/// A table's rows as sorted strings, leaving out `documents.run` (which counts the runs that
/// built the dataset): two datasets with the same rows, in whatever order, compare equal.
pub fn row_set(out: &Path, name: &str) -> Vec<String> {
    let mut df = table(out, name);
    if name == "documents" {
        df = df.drop("run").expect("run column");
    }
    let mut rows: Vec<String> = (0..df.height())
        .map(|i| {
            let cells: Vec<String> = df
                .columns()
                .iter()
                .map(|c| format!("{:?}", c.get(i).expect("cell")))
                .collect();
            cells.join("|")
        })
        .collect();
    rows.sort();
    rows
}

pub fn assert_same_dataset(a: &Path, b: &Path, what: &str) {
    for name in TABLES {
        let (x, y) = (row_set(a, name), row_set(b, name));
        assert_eq!(x.len(), y.len(), "{what}: {name} rows");
        assert!(x == y, "{what}: {name} differs");
    }
}

pub fn manifest_of(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("manifest")).expect("json")
}

pub fn last_json(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().expect("a line")).expect("json")
}

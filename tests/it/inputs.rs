//! Inputs: every encoding and compression, every input accounted for once with its status,
//! runs of broken inputs.

use super::util::*;

#[test]
fn every_encoding_and_compression_decodes_to_the_same_articles() {
    let page = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    let tmp = tempfile::tempdir().expect("tempdir");
    let baseline_out = tmp.path().join("baseline");
    run_ok(&[&root().join(SAMPLE)], &baseline_out, &[]);
    let baseline = strings(&table(&baseline_out, "articles"), "text");

    let variants: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "page.gb18030.txt",
            ingest::fixtures::encode(&page, "gb18030").expect("gb18030"),
            "GB18030",
        ),
        (
            "page.utf16.txt",
            ingest::fixtures::encode(&page, "utf-16le-bom").expect("utf-16"),
            "UTF-16LE",
        ),
        (
            "page.bom.txt",
            ingest::fixtures::encode(&page, "utf-8-bom").expect("bom"),
            "UTF-8",
        ),
        (
            "page.txt.gz",
            ingest::fixtures::gzip(page.as_bytes()),
            "UTF-8",
        ),
    ];
    for (name, bytes, encoding) in variants {
        let input = tmp.path().join(name);
        std::fs::write(&input, bytes).expect("write variant");
        let out = tmp.path().join(format!("out-{name}"));
        run_ok(&[&input], &out, &[]);
        let documents = table(&out, "documents");
        assert_eq!(
            strings(&documents, "encoding"),
            [Some(encoding.to_string())],
            "{name}"
        );
        assert_eq!(
            strings(&documents, "status"),
            [Some("ok".to_string())],
            "{name}"
        );
        assert_eq!(
            strings(&table(&out, "articles"), "text"),
            baseline,
            "{name}"
        );
    }
}

#[test]
fn every_input_is_accounted_for_once_with_its_status() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    broken_folder(&inputs);
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &[]);
    let documents = table(&out, "documents");
    let got = status_of(&documents);
    let want: Vec<(String, String)> = [
        ("a_page.txt", "ok"),
        ("b_same_page.txt", "duplicate"),
        ("c_photo.png", "binary"),
        ("d_empty.txt", "empty"),
        ("e_broken.txt.gz", "error"),
        ("f_invalid_utf8.txt", "ok"),
        ("g_docs.jsonl#L1", "ok"),
        ("g_docs.jsonl#L2", "error"),
        ("g_docs.jsonl#L3", "ok"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let errors = strings(&documents, "error");
    assert!(
        errors[4].as_deref().unwrap_or("").starts_with("gzip:"),
        "{:?}",
        errors[4]
    );
    assert!(
        errors[7].as_deref().unwrap_or("").contains("invalid JSON"),
        "{:?}",
        errors[7]
    );
    assert_eq!(
        numbers(&documents, "decode_errors", Column::u32)[5],
        Some(1)
    );
    assert_eq!(strings(&documents, "external_id")[6].as_deref(), Some("x1"));
    let doc_ids = strings(&documents, "doc_id");
    assert_eq!(strings(&documents, "duplicate_of")[1], doc_ids[0]);
}

#[test]
fn max_errors_stops_a_run_of_broken_inputs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    broken_folder(&inputs);
    let out = tmp.path().join("out");
    let dir = out.display().to_string();
    let input_dir = inputs.display().to_string();
    let stopped = newsprint(&["run", &input_dir, "--out", &dir, "--max-errors", "0"]);
    assert_eq!(stopped.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stopped.stderr).contains("--max-errors 0"));
    run_ok(&[&inputs], &out, &["--max-errors", "5"]);
}

#[test]
fn a_records_own_fields_are_kept_on_documents_and_fill_its_article() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(
        inputs.join("export.jsonl"),
        concat!(
            r#"{"id":"a1","title":"园区去行政化改革见成效","url":"https://example.cn/a1","source":"湘潭日报","#,
            r#""author":["张三","李四"],"published_at":"2024-03-05T23:30:00+08:00","section":"经济","#,
            r#""text":"湘潭经开区推进园区去行政化改革。\n改革以来，园区新增企业127家。","views":12}"#,
            "\n",
            r#"{"id":"a2","title":["not","a","string"],"text":"第二篇。"}"#,
            "\n",
        ),
    )
    .expect("jsonl");
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &[]);
    let documents = table(&out, "documents");
    assert_eq!(
        strings(&documents, "title")[0].as_deref(),
        Some("园区去行政化改革见成效")
    );
    assert_eq!(
        strings(&documents, "url")[0].as_deref(),
        Some("https://example.cn/a1")
    );
    assert_eq!(
        strings(&documents, "outlet")[0].as_deref(),
        Some("湘潭日报")
    );
    assert_eq!(strings(&documents, "section")[0].as_deref(), Some("经济"));
    assert_eq!(
        strings(&documents, "published_at")[0].as_deref(),
        Some("2024-03-05T23:30:00+08:00")
    );
    assert_eq!(
        strings(&documents, "extra")[0].as_deref(),
        Some(r#"{"views":12}"#)
    );
    let authors = documents.column("authors").expect("authors");
    let first = authors.list().expect("list").get_as_series(0).expect("row");
    let names: Vec<_> = first.str().expect("strings").iter().flatten().collect();
    assert_eq!(names, ["张三", "李四"]);
    // A field of the wrong type is the record's error row, naming the field.
    assert_eq!(strings(&documents, "status")[1].as_deref(), Some("error"));
    let error = strings(&documents, "error")[1].clone().unwrap_or_default();
    assert!(error.contains("\"title\" must be a string"), "{error}");

    let articles = table(&out, "articles");
    assert_eq!(
        strings(&articles, "title"),
        [Some("园区去行政化改革见成效".to_string())]
    );
    let dates = articles.column("published_date").expect("date");
    assert_eq!(dates.get(0).expect("row").to_string(), "2024-03-05");
    let authors = articles.column("authors").expect("authors");
    let first = authors.list().expect("list").get_as_series(0).expect("row");
    assert_eq!(first.len(), 2);
}

#[test]
fn a_jsonl_whose_records_have_no_text_field_fails_the_run_naming_the_field() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(
        inputs.join("export.jsonl"),
        "{\"content\": \"正文。\", \"title\": \"标题\"}\n{\"content\": \"又一篇。\"}\n",
    )
    .expect("jsonl");
    let out = tmp.path().join("out");
    let output = run(&[&inputs], &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("\"text\" field"), "{stderr}");
    assert!(stderr.contains("content, title"), "{stderr}");
    assert!(stderr.contains("--text-field"), "{stderr}");
    assert!(!out.join("manifest.json").exists(), "nothing is written");

    // Named, the field is read, and a list of strings is the article's paragraphs.
    std::fs::write(
        inputs.join("export.jsonl"),
        concat!(
            "{\"content\": [\"第一段说的是一件事情的开头。\", \"捐赠电话为010-65139999(24小时值班)\", \"帐号:中国工商银行东四南分理处02000010090144132-52\", \"第二段接着说这件事情的经过。\"], \"title\": \"标题\"}\n",
            "{\"body\": \"只有正文的一篇。\"}\n",
        ),
    )
    .expect("jsonl");
    run_ok(
        &[&inputs],
        &out,
        &["--text-field", "content", "--text-field", "body"],
    );
    let documents = table(&out, "documents");
    assert_eq!(
        strings(&documents, "status"),
        [Some("ok".to_string()), Some("ok".to_string())]
    );
    let paragraphs = table(&out, "paragraphs");
    let texts: Vec<String> = strings(&paragraphs, "text").into_iter().flatten().collect();
    // Each item a paragraph of its own, even one that ends without a full stop (which a
    // page's wrapped line would be joined on from).
    for paragraph in [
        "第一段说的是一件事情的开头。",
        "捐赠电话为010-65139999(24小时值班）",
        "帐号：中国工商银行东四南分理处02000010090144132-52",
        "第二段接着说这件事情的经过。",
    ] {
        assert!(
            texts.iter().any(|t| t == paragraph),
            "{paragraph} in {texts:?}"
        );
    }
}

#[test]
fn a_json_file_of_records_is_read_as_records_and_one_of_text_as_a_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    // An array, pretty-printed; one object over many lines; JSON Lines under .json; and a
    // .json file that is not JSON at all.
    std::fs::write(
        inputs.join("a-array.json"),
        "[\n  {\"text\": \"第一篇的正文。\", \"id\": 1},\n  {\"text\": \"第二篇的正文。\", \"id\": 2}\n]\n",
    )
    .expect("write");
    std::fs::write(
        inputs.join("b-object.json"),
        "{\n  \"text\": \"一个对象的正文。\",\n  \"title\": \"题目\"\n}\n",
    )
    .expect("write");
    std::fs::write(
        inputs.join("c-lines.json"),
        "{\"text\": \"一行一篇。\"}\n{\"text\": \"又一行。\"}\n",
    )
    .expect("write");
    std::fs::write(inputs.join("d-page.json"), "这不是JSON，是一页文字。\n").expect("write");
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &[]);
    let documents = table(&out, "documents");
    let mut rows: Vec<(String, String)> = strings(&documents, "source")
        .into_iter()
        .zip(strings(&documents, "status"))
        .map(|(source, status)| {
            let source = source.unwrap_or_default();
            let name = source.rsplit('/').next().unwrap_or("").to_string();
            (name, status.unwrap_or_default())
        })
        .collect();
    rows.sort();
    let ok = |name: &str| (name.to_string(), "ok".to_string());
    assert_eq!(
        rows,
        [
            ok("a-array.json#R1"),
            ok("a-array.json#R2"),
            ok("b-object.json#L1"),
            ok("c-lines.json#L1"),
            ok("c-lines.json#L2"),
            ok("d-page.json"),
        ]
    );
    let ids: Vec<Option<String>> = strings(&documents, "external_id");
    assert!(ids.contains(&Some("2".to_string())), "{ids:?}");

    // A sidecar of metadata is a text page, as it always was, and the run says so; a record's
    // number keeps the digits it was written with.
    let more = tmp.path().join("more");
    std::fs::create_dir_all(&more).expect("mkdir");
    std::fs::write(more.join("p1.json"), "{\"page\": 1, \"dpi\": 300}\n").expect("write");
    std::fs::write(
        more.join("r.json"),
        "[{\"text\": \"正文。\", \"id\": 123456789012345678901234}, {\"text\": \"又一篇。\", \"id\": 1.50}]",
    )
    .expect("write");
    let out = tmp.path().join("out-more");
    let output = run_ok(&[&more], &out, &[]);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("p1.json: none of its JSON records has"),
        "{log}"
    );
    let documents = table(&out, "documents");
    assert_eq!(
        strings(&documents, "status"),
        vec![Some("ok".to_string()); 3],
        "{documents}"
    );
    let ids = strings(&documents, "external_id");
    for id in ["123456789012345678901234", "1.50"] {
        assert!(ids.contains(&Some(id.to_string())), "{ids:?}");
    }
}

#[test]
fn a_dataset_inside_an_input_folder_is_never_read_back() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::copy(root().join(SAMPLE), input.join("page.txt")).expect("copy");
    // Another dataset beside the pages, and the run's own output inside the input folder.
    run_ok(&[&input], &input.join("older"), &[]);
    let out = input.join("out");
    for _ in 0..3 {
        let output = run_ok(&[&input], &out, &[]);
        let log = String::from_utf8_lossy(&output.stderr);
        assert!(log.contains("not read"), "{log}");
        let documents = table(&out, "documents");
        assert_eq!(
            strings(&documents, "source"),
            [Some(format!("{}/page.txt", input.display()))],
            "only the page is an input, however often the run is repeated"
        );
    }
}

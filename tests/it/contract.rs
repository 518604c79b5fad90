//! The output contract: every table with its columns and types, the same rows at any
//! thread count.

use super::util::*;

#[test]
fn the_sample_page_becomes_every_table_of_the_contract() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let output = run_ok(
        &[&root().join("data/pages")],
        &out,
        &["--published-date", "2026-01-21"],
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains("inputs     1 new documents (1 ok)"),
        "{summary}"
    );

    // Every table of the contract, with its columns and types, as data/golden/schema.txt says.
    let golden = std::fs::read_to_string(root().join("data/golden/schema.txt")).expect("golden");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    let mut seen = format!("schema_version {}\n", manifest["schema_version"]);
    for table_name in TABLES {
        let df = table(&out, table_name);
        for (name, dtype) in df.schema().iter() {
            seen.push_str(&format!("{table_name}.{name} {}\n", dtype_name(dtype)));
        }
    }
    assert_eq!(seen, golden);

    let articles = table(&out, "articles");
    assert_eq!(articles.height(), 5);
    let titles = strings(&articles, "title");
    assert_eq!(
        titles[0].as_deref(),
        Some("湘潭：园区去行政化，回归主业搞经济")
    );
    assert_eq!(
        titles[3].as_deref(),
        Some("湖南省第二届民政行业职业技能大赛开赛")
    );
    let authors = articles
        .column("authors")
        .expect("authors")
        .list()
        .expect("list");
    let first: Vec<String> = authors
        .get_as_series(0)
        .expect("row")
        .str()
        .expect("str")
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    assert_eq!(first, ["颜石敦", "蒋睿", "彭婷"]);

    let text = strings(&articles, "text")
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("湘潭经开区新发展集团开发建设部副部长刘智渊"),
        "the caption's cut is rejoined"
    );
    assert!(!text.contains("通讯员 摄"), "credits are removed");
    assert_eq!(
        text.matches("83人脱颖而出").count(),
        1,
        "the duplicated passage appears once"
    );

    let removed = table(&out, "removed");
    let kinds = strings(&removed, "kind");
    for kind in ["caption", "credit", "duplicate"] {
        assert!(
            kinds.iter().any(|k| k.as_deref() == Some(kind)),
            "a removed {kind} row"
        );
    }

    let quantities = table(&out, "quantities");
    let q_text = strings(&quantities, "text");
    let values = numbers(&quantities, "value", Column::f64);
    let at = q_text
        .iter()
        .position(|t| t.as_deref() == Some("19.32亿元"))
        .expect("19.32亿元 found");
    assert_eq!(values[at], Some(1_932_000_000.0));
    let iso = strings(&quantities, "iso");
    let at = q_text
        .iter()
        .position(|t| t.as_deref() == Some("去年7月"))
        .expect("去年7月 found");
    assert_eq!(iso[at].as_deref(), Some("2025-07"));

    // People with their roles, organisations by their long form, places by their full name.
    let entities = table(&out, "entities");
    let rows: Vec<[Option<String>; 5]> = {
        let cols = ["kind", "text", "name", "role", "org"].map(|c| strings(&entities, c));
        (0..entities.height())
            .map(|i| cols.clone().map(|c| c[i].clone()))
            .collect()
    };
    let has = |kind: &str, text: &str, name: &str| {
        rows.iter().any(|r| {
            r[0].as_deref() == Some(kind)
                && r[1].as_deref() == Some(text)
                && r[2].as_deref() == Some(name)
        })
    };
    assert!(rows.iter().any(|r| r[2].as_deref() == Some("李永军")
        && r[3].as_deref() == Some("党组书记、厅长")
        && r[4].as_deref() == Some("省民政厅")));
    assert!(has("person", "巴桑拉姆", "巴桑拉姆"));
    assert!(has("person", "颜石敦", "颜石敦"), "reporters of the byline");
    assert!(has(
        "organization",
        "昭山投控",
        "湖南昭山投资控股集团有限公司"
    ));
    assert!(has("place", "湘潭", "湘潭市"));
    let counts = table(&out, "entity_counts");
    let names = strings(&counts, "name");
    assert!(names.iter().any(|n| n.as_deref() == Some("湘潭高新区")));

    assert_eq!(manifest["rows"]["articles"], 5);
    assert_eq!(manifest["documents"]["ok"], 1);
}

#[test]
fn tables_are_identical_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    broken_folder(&inputs);
    let page = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    for i in 0..40 {
        let varied = page
            .replace("2025", &format!("{}", 1990 + i))
            .replace("湘潭", if i % 2 == 0 { "湘潭" } else { "株洲" });
        std::fs::write(inputs.join(format!("p{i:03}.txt")), varied).expect("write");
    }
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    run_ok(&[&inputs], &one, &["--threads", "1", "--batch-docs", "7"]);
    run_ok(&[&inputs], &two, &["--threads", "2", "--batch-docs", "5"]);
    for name in TABLES {
        let a = table(&one, name);
        let b = table(&two, name);
        assert!(
            a.equals_missing(&b),
            "{name} differs between 1 and 2 threads"
        );
    }
}

/// Every key is unique and every reference resolves, on a run with exact and near copies.
#[test]
fn keys_are_unique_and_every_reference_resolves() {
    use std::collections::HashSet;
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    broken_folder(&inputs);
    std::fs::write(
        inputs.join("h_rescanned.txt"),
        rescanned(&std::fs::read_to_string(root().join(SAMPLE)).expect("sample")),
    )
    .expect("rescan");
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &[]);
    let set =
        |name: &str, column: &str| -> Vec<Option<String>> { strings(&table(&out, name), column) };

    let doc_ids: Vec<String> = set("documents", "doc_id").into_iter().flatten().collect();
    let unique: HashSet<&String> = doc_ids.iter().collect();
    assert_eq!(unique.len(), doc_ids.len(), "documents.doc_id is unique");
    assert_eq!(doc_ids.len(), table(&out, "documents").height());
    // The exact copy is a row of its own, naming the row it repeats; both hold one content.
    let hashes = set("documents", "content_hash");
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(
        set("documents", "duplicate_of")[1].as_deref(),
        Some(doc_ids[0].as_str())
    );

    let articles = table(&out, "articles");
    let article_ids: Vec<String> = strings(&articles, "article_id")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(
        article_ids.len(),
        articles.height(),
        "no article without its key"
    );
    let keys: HashSet<&String> = article_ids.iter().collect();
    assert_eq!(
        keys.len(),
        article_ids.len(),
        "articles.article_id is unique"
    );
    for ((id, doc), idx) in article_ids
        .iter()
        .zip(strings(&articles, "doc_id"))
        .zip(numbers(&articles, "article_idx", Column::u32))
    {
        assert_eq!(
            id,
            &format!("{}/{}", doc.expect("doc_id"), idx.expect("idx"))
        );
        assert!(unique.contains(&id[..32].to_string()));
    }
    let copies: Vec<String> = strings(&articles, "duplicate_of")
        .into_iter()
        .flatten()
        .collect();
    assert!(!copies.is_empty(), "the rescan is a copy");
    for kept in &copies {
        assert!(
            keys.contains(kept),
            "articles.duplicate_of {kept} is an article_id"
        );
    }
    for name in ["paragraphs", "entities", "quantities"] {
        let ids = set(name, "article_id");
        assert!(!ids.is_empty(), "{name} has rows");
        for id in ids {
            let id = id.unwrap_or_else(|| panic!("{name} row without article_id"));
            assert!(keys.contains(&id), "{name}.article_id {id} resolves");
        }
    }
    for id in set("removed", "article_id").into_iter().flatten() {
        assert!(keys.contains(&id), "removed.article_id {id} resolves");
    }
    for doc in set("removed", "doc_id").into_iter().flatten() {
        assert!(unique.contains(&doc), "removed.doc_id {doc} resolves");
    }
}

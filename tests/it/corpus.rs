//! The corpus-wide steps: articles repeated across documents, furniture learned from the
//! run, and archives of reprints whose titles furniture must never take.

use super::util::*;

/// The sample page's articles as the cleaner reads them: (title, paragraphs).
fn sample_articles(scratch: &Path) -> Vec<(String, Vec<String>)> {
    let out = scratch.join("sample-out");
    run_ok(&[&root().join(SAMPLE)], &out, &["--no-furniture"]);
    let articles = table(&out, "articles");
    strings(&articles, "title")
        .into_iter()
        .zip(strings(&articles, "text"))
        .filter_map(|(title, text)| {
            let paragraphs = text?.lines().map(str::to_string).collect();
            Some((title?, paragraphs))
        })
        .collect()
}

/// `text` cut into lines of `width` characters, as a column of that width prints it.
fn wrap(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width)
        .map(|line| line.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Pages of an archive where every article is reprinted on many pages, beside different
/// articles and wrapped at a different width each time, under a page header and over an
/// editor line when `furnished`. Returns each page's file name with the titles printed on
/// it.
fn archive_with_reprints(
    dir: &Path,
    articles: &[(String, Vec<String>)],
    pages: usize,
    furnished: bool,
) -> BTreeMap<String, Vec<String>> {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut printed = BTreeMap::new();
    for page in 0..pages {
        let mut text = if furnished {
            format!(
                "湖南日报\n\n2026年1月{}日 星期三\n\n要闻 第{}版\n\n",
                page % 28 + 1,
                page % 4 + 1
            )
        } else {
            String::new()
        };
        let mut titles = Vec::new();
        // Two articles a page, a different pair on each page.
        for k in 0..2 {
            let (title, paragraphs) =
                &articles[(page + k * (1 + page / articles.len())) % articles.len()];
            if titles.contains(title) {
                continue;
            }
            let width = 12 + (page * 7 + k * 5) % 23;
            text.push_str(title);
            text.push_str("\n\n");
            for paragraph in paragraphs {
                text.push_str(&wrap(paragraph, width));
                text.push_str("\n\n");
            }
            titles.push(title.clone());
        }
        if furnished {
            text.push_str("责任编辑 王晓明\n");
        }
        let name = format!("p{page:03}.txt");
        std::fs::write(dir.join(&name), text).expect("write");
        printed.insert(name, titles);
    }
    printed
}

/// The lines a dataset removed as furniture (`removed.kind = furniture`).
fn furniture_lines(out: &Path) -> Vec<String> {
    let removed = table(out, "removed");
    strings(&removed, "kind")
        .into_iter()
        .zip(strings(&removed, "text"))
        .filter(|(k, _)| k.as_deref() == Some("furniture"))
        .filter_map(|(_, t)| t)
        .collect()
}

/// Each page's article titles, by file name.
fn titles_by_page(out: &Path) -> BTreeMap<String, Vec<String>> {
    let documents = table(out, "documents");
    let names: BTreeMap<String, String> = strings(&documents, "doc_id")
        .into_iter()
        .zip(strings(&documents, "source"))
        .filter_map(|(id, source)| {
            let name = Path::new(&source?)
                .file_name()?
                .to_string_lossy()
                .to_string();
            Some((id?, name))
        })
        .collect();
    let articles = table(out, "articles");
    let mut titles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (doc, title) in strings(&articles, "doc_id")
        .into_iter()
        .zip(strings(&articles, "title"))
    {
        let name = names[&doc.expect("doc_id")].clone();
        titles.entry(name).or_default().extend(title);
    }
    titles
}

#[test]
fn reprints_keep_their_titles_however_they_are_wrapped_and_furniture_goes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let articles = sample_articles(tmp.path());
    assert!(articles.len() >= 4, "{} articles", articles.len());
    let pages = 40;
    let plain = tmp.path().join("plain");
    let furnished = tmp.path().join("furnished");
    let printed = archive_with_reprints(&plain, &articles, pages, false);
    archive_with_reprints(&furnished, &articles, pages, true);
    // Each article is printed on at least ten pages: well over the furniture threshold.
    for (title, _) in &articles {
        let copies = printed.values().filter(|t| t.contains(title)).count();
        assert!(copies >= 10, "{title}: {copies} copies");
    }
    let (out_plain, out) = (tmp.path().join("out-plain"), tmp.path().join("out"));
    run_ok(&[&plain], &out_plain, &["--no-near-dup", "--no-furniture"]);
    run_ok(&[&furnished], &out, &["--no-near-dup"]);

    // The reprints' titles are read as on pages without furniture, and so is every
    // article's text. (Narrow columns make the cleaner miss some titles, furniture or not.)
    let want = titles_by_page(&out_plain);
    let found = want
        .iter()
        .map(|(page, titles)| titles.iter().filter(|t| printed[page].contains(t)).count())
        .sum::<usize>();
    let total = printed.values().map(Vec::len).sum::<usize>();
    assert!(found * 2 >= total, "{found} of {total} titles");
    assert_eq!(titles_by_page(&out), want);
    for column in ["title", "text"] {
        assert_eq!(
            strings(&table(&out, "articles"), column),
            strings(&table(&out_plain, "articles"), column),
            "{column}"
        );
    }

    // The furniture goes, and nothing else: four lines a page.
    let furniture = furniture_lines(&out);
    assert_eq!(furniture.len(), pages * 4, "{furniture:?}");
    for line in ["湖南日报", "责任编辑 王晓明"] {
        assert_eq!(
            furniture.iter().filter(|t| *t == line).count(),
            pages,
            "{line}"
        );
    }
}

/// Pages where each article is reprinted as wire stories are: under another kicker (or
/// none) and another byline each time, some copies opening with a stray tail of one of their
/// paragraphs; under a running head with the date and page, over an editor line when
/// `furnished`. Returns each page's file name with the titles printed on it.
fn archive_under_other_bylines(
    dir: &Path,
    articles: &[(String, Vec<String>)],
    pages: usize,
    furnished: bool,
) -> BTreeMap<String, Vec<String>> {
    const KICKERS: [&str; 3] = ["聚焦", "一线见闻", "奋进新征程"];
    const BYLINES: [&str; 4] = [
        "本报记者 王明",
        "新华社记者 李华 张强",
        "湖南日报全媒体记者 周丽",
        "本报通讯员 陈刚",
    ];
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut printed = BTreeMap::new();
    for page in 0..pages {
        let mut text = if furnished {
            format!(
                "湖南日报 2026年1月{}日 星期三 第{}版\n\n",
                page % 28 + 1,
                page % 4 + 1
            )
        } else {
            String::new()
        };
        let mut titles = Vec::new();
        for k in 0..2 {
            let (title, paragraphs) =
                &articles[(page + k * (1 + page / articles.len())) % articles.len()];
            if titles.contains(title) {
                continue;
            }
            if (page + k) % 4 != 3 {
                text.push_str(KICKERS[(page * 2 + k) % KICKERS.len()]);
                text.push_str("\n\n");
            }
            text.push_str(title);
            text.push_str("\n\n");
            text.push_str(BYLINES[(page + k) % BYLINES.len()]);
            text.push_str("\n\n");
            if page % 3 == 1 {
                // The tail of the last paragraph, printed again at the top.
                let last: Vec<char> = paragraphs[paragraphs.len() - 1].chars().collect();
                text.extend(&last[last.len() / 2..]);
                text.push_str("\n\n");
            }
            let width = 12 + (page * 7 + k * 5) % 23;
            for paragraph in paragraphs {
                text.push_str(&wrap(paragraph, width));
                text.push_str("\n\n");
            }
            titles.push(title.clone());
        }
        if furnished {
            text.push_str("责任编辑：王晓明\n");
        }
        let name = format!("p{page:03}.txt");
        std::fs::write(dir.join(&name), text).expect("write");
        printed.insert(name, titles);
    }
    printed
}

#[test]
fn reprints_under_other_kickers_and_bylines_keep_titles_and_kickers_and_furniture_goes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let articles = sample_articles(tmp.path());
    let pages = 40;
    let (plain, furnished) = (tmp.path().join("plain"), tmp.path().join("furnished"));
    archive_under_other_bylines(&plain, &articles, pages, false);
    archive_under_other_bylines(&furnished, &articles, pages, true);
    let (out_plain, out) = (tmp.path().join("out-plain"), tmp.path().join("out"));
    run_ok(&[&plain], &out_plain, &["--no-near-dup", "--no-furniture"]);
    run_ok(&[&furnished], &out, &["--no-near-dup"]);
    // Titles, kickers and text as on the pages without furniture, where nothing is learned.
    assert_eq!(titles_by_page(&out), titles_by_page(&out_plain));
    for column in ["title", "kicker", "text"] {
        assert_eq!(
            strings(&table(&out, "articles"), column),
            strings(&table(&out_plain, "articles"), column),
            "{column}"
        );
    }
    let kickers = strings(&table(&out, "articles"), "kicker");
    assert!(
        kickers.iter().flatten().any(|k| k == "一线见闻"),
        "{kickers:?}"
    );
    // The running head and the editor line go, and nothing else: two lines a page.
    let furniture = furniture_lines(&out);
    assert_eq!(furniture.len(), pages * 2, "{furniture:?}");
    assert_eq!(
        furniture
            .iter()
            .filter(|t| *t == "责任编辑：王晓明")
            .count(),
        pages
    );
}

#[test]
fn articles_repeated_across_documents_name_the_copy_kept_and_count_once() {
    let page = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = tmp.path().join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(inputs.join("a-original.txt"), &page).expect("write");
    std::fs::write(
        inputs.join("b-rescan.gb18030.txt"),
        ingest::fixtures::encode(&rescanned(&page), "gb18030").expect("gb18030"),
    )
    .expect("write");
    std::fs::write(
        inputs.join("c-misread.utf16.txt"),
        ingest::fixtures::encode(&misread(&page, 20), "utf-16le-bom").expect("utf-16"),
    )
    .expect("write");
    std::fs::copy(
        root().join("data/gold/pages/own_articles.txt"),
        inputs.join("d-other.txt"),
    )
    .expect("copy");
    let out = tmp.path().join("out");
    run_ok(&[&inputs], &out, &["--published-date", "2026-01-21"]);

    let documents = table(&out, "documents");
    let doc_ids = strings(&documents, "doc_id");
    let sources = strings(&documents, "source");
    let doc_of = |file: &str| {
        let at = sources
            .iter()
            .position(|s| s.as_deref().is_some_and(|s| s.ends_with(file)))
            .expect("document");
        doc_ids[at].clone().expect("doc_id")
    };
    let articles = table(&out, "articles");
    let ids = strings(&articles, "doc_id");
    let titles = strings(&articles, "title");
    let kept = strings(&articles, "duplicate_of");
    let original = doc_of("a-original.txt");
    let title_of = |key: &str| {
        let (doc, idx) = key.rsplit_once('/').expect("doc/idx");
        let idx: usize = idx.parse().expect("idx");
        let at = ids
            .iter()
            .position(|d| d.as_deref() == Some(doc))
            .expect("kept document");
        titles[at + idx].clone()
    };
    let mut found = std::collections::BTreeMap::<String, (usize, usize)>::new();
    for i in 0..articles.height() {
        let doc = ids[i].clone().expect("doc");
        let entry = found.entry(doc.clone()).or_default();
        entry.1 += 1;
        if let Some(key) = &kept[i] {
            entry.0 += 1;
            assert!(key.starts_with(&original), "copies name the first document");
            // Misread titles differ by a character or two; count how many are the same.
            let same = title_of(key)
                .unwrap_or_default()
                .chars()
                .zip(titles[i].clone().unwrap_or_default().chars())
                .filter(|(a, b)| a == b)
                .count();
            assert!(same >= 8, "{key}: {:?} vs {:?}", title_of(key), titles[i]);
        }
    }
    assert_eq!(found[&original], (0, 5), "the first copy is kept");
    assert_eq!(
        found[&doc_of("b-rescan.gb18030.txt")],
        (5, 5),
        "a rescan in another encoding and width"
    );
    let (misread_found, misread_all) = found[&doc_of("c-misread.utf16.txt")];
    assert!(
        misread_found >= 4 && misread_all >= 5,
        "{misread_found} of {misread_all}"
    );
    assert_eq!(
        found[&doc_of("d-other.txt")].0,
        0,
        "other articles are no copies"
    );

    // Summaries count each article once: as if the sample page and the other page were alone.
    let counts = table(&out, "entity_counts");
    let names = strings(&counts, "name");
    let documents_col = numbers(&counts, "documents", Column::u64);
    let at = names
        .iter()
        .position(|n| n.as_deref() == Some("李永军"))
        .expect("李永军 counted");
    assert_eq!(documents_col[at], Some(1));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert!(manifest["corpus"]["near_duplicate_articles"].as_u64() >= Some(9));

    // Switched off, nothing is marked.
    let off = tmp.path().join("off");
    run_ok(&[&inputs], &off, &["--no-near-dup"]);
    let kept = strings(&table(&off, "articles"), "duplicate_of");
    assert!(kept.iter().all(Option::is_none));
}

#[test]
fn furniture_lines_recurring_across_pages_are_removed_as_furniture() {
    let page = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    let tmp = tempfile::tempdir().expect("tempdir");
    let plain = tmp.path().join("plain");
    let furnished = tmp.path().join("furnished");
    std::fs::create_dir_all(&plain).expect("mkdir");
    std::fs::create_dir_all(&furnished).expect("mkdir");
    // Pages that lead with different articles, as a run's pages do: the sample page's
    // articles, rotated.
    let starts = [
        "非凡“十四五”",
        "湖南省就业援藏工作座谈会在长召开",
        "湖南省第二届民政行业职业技能大赛开赛",
        "全省新就业群体友好场景建设工作推进会召开",
    ];
    let lines: Vec<&str> = page.lines().collect();
    let mut cuts = vec![0];
    cuts.extend(
        starts
            .iter()
            .map(|s| lines.iter().position(|l| l.starts_with(s)).expect("title")),
    );
    cuts.push(lines.len());
    let articles: Vec<String> = cuts
        .windows(2)
        .map(|w| lines[w[0]..w[1]].join("\n"))
        .collect();
    for i in 0..12 {
        let k = i % articles.len();
        let varied = [&articles[k..], &articles[..k]]
            .concat()
            .join("\n\n")
            .replace("2025", &format!("{}", 1990 + i));
        std::fs::write(plain.join(format!("p{i:02}.txt")), &varied).expect("write");
        let with_furniture = format!(
            "湖南日报\n\n2026年1月{}日 星期三\n\n要闻 第{}版\n\n{varied}\n\n责任编辑 王晓明\n",
            i + 1,
            i % 4 + 1
        );
        std::fs::write(furnished.join(format!("p{i:02}.txt")), with_furniture).expect("write");
    }
    let out_plain = tmp.path().join("out-plain");
    let out = tmp.path().join("out");
    run_ok(&[&plain], &out_plain, &["--no-near-dup"]);
    run_ok(&[&furnished], &out, &["--no-near-dup"]);

    // The furniture goes, and the articles are as if it had never been printed.
    let articles = table(&out, "articles");
    for column in ["title", "byline", "text"] {
        let got = strings(&articles, column);
        let want = strings(&table(&out_plain, "articles"), column);
        assert_eq!(got.len(), want.len(), "{column}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{column}");
        }
    }
    let furniture = furniture_lines(&out);
    assert_eq!(furniture.len(), 12 * 4, "{furniture:?}");
    assert_eq!(
        furniture.iter().filter(|t| *t == "责任编辑 王晓明").count(),
        12
    );
    assert_eq!(
        furniture
            .iter()
            .filter(|t| t.starts_with("要闻 第"))
            .count(),
        12
    );
    let documents = table(&out, "documents");
    let furniture_chars = numbers(&documents, "chars_removed_furniture", Column::u64);
    assert!(furniture_chars.iter().all(|n| n.unwrap_or(0) > 0));

    // Lines on fewer pages than the threshold stay (newsprint's own rules, which know the
    // running head and the editor line by their shape, kept out of it).
    let kept = tmp.path().join("kept");
    run_ok(
        &[&furnished],
        &kept,
        &["--furniture-min-docs", "13", "--no-builtin-drop"],
    );
    let removed = table(&kept, "removed");
    assert!(strings(&removed, "kind")
        .iter()
        .all(|k| k.as_deref() != Some("furniture")));
    let text = strings(&table(&kept, "articles"), "text");
    assert!(text.iter().flatten().any(|t| t.contains("责任编辑")));
}

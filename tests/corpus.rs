//! End-to-end tests of the corpus-wide steps on archives with reprints: furniture learned
//! from the run takes page furniture out and never a reprinted article's lines.

use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::{root, run_ok, strings, table};

const SAMPLE: &str = "data/pages/000_5e6263fb01fcad50.txt";

/// The sample page's articles as the cleaner reads them: (title, paragraphs).
fn sample_articles(scratch: &Path) -> Vec<(String, Vec<String>)> {
    let out = scratch.join("sample-out");
    run_ok(&[&root().join(SAMPLE)], &out, &["--no-boilerplate"]);
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
    run_ok(
        &[&plain],
        &out_plain,
        &["--no-near-dup", "--no-boilerplate"],
    );
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
    let removed = table(&out, "removed");
    let noise: Vec<String> = strings(&removed, "kind")
        .into_iter()
        .zip(strings(&removed, "text"))
        .filter(|(k, _)| k.as_deref() == Some("noise"))
        .filter_map(|(_, t)| t)
        .collect();
    assert_eq!(noise.len(), pages * 4, "{noise:?}");
    for line in ["湖南日报", "责任编辑 王晓明"] {
        assert_eq!(noise.iter().filter(|t| *t == line).count(), pages, "{line}");
    }
}

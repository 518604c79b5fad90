//! The report page: HTML with inline CSS and SVG charts, every figure also in a table cell
//! marked with `data-` attributes, so a reader (or a test) can check each number.

use std::fmt::Write as _;

use dataset::read::report::ReportData;

use crate::cmd::numbers::{grouped, percent, readable};

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A share as the page prints it: `12.5 %`.
fn share(part: u64, whole: u64) -> String {
    format!("{:.1} %", percent(part, whole))
}

/// A horizontal bar chart: one labelled bar a row, lengths in proportion.
fn bars(items: &[(String, u64)], colour: &str) -> String {
    if items.is_empty() {
        return "<p class=\"none\">nothing to show</p>".to_string();
    }
    let (label_w, bar_w, row_h) = (220.0, 420.0, 22.0);
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let height = row_h * items.len() as f64 + 4.0;
    // Scaled to the section's width by the viewBox: a narrow window shrinks the chart.
    let width = label_w + bar_w + 90.0;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" \
         style=\"width:100%;max-width:{width}px\">"
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let y = row_h * i as f64 + 2.0;
        let w = (*n as f64 / max * bar_w).max(1.0);
        let _ = write!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.0}\" width=\"{w:.1}\" height=\"{:.0}\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{:.0}\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(label),
            row_h - 6.0,
            label_w + w + 6.0,
            y + 15.0,
            grouped(*n)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A column chart over time: one bar a month, the first and last months named.
fn columns(items: &[(String, u64)]) -> String {
    if items.is_empty() {
        return "<p class=\"none\">no dated articles</p>".to_string();
    }
    let (w, h) = (720.0, 180.0);
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let step = w / items.len() as f64;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {w} {}\" style=\"width:100%;max-width:{w}px\">",
        h + 24.0
    );
    for (i, (month, n)) in items.iter().enumerate() {
        let bar = (*n as f64 / max * h).max(1.0);
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar:.1}\" fill=\"#3b6ea5\"><title>{} {}</title></rect>",
            i as f64 * step + step * 0.1,
            h - bar,
            (step * 0.8).max(1.0),
            esc(month),
            grouped(*n)
        );
    }
    let first = &items[0].0;
    let last = &items[items.len() - 1].0;
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"{}\">{}</text><text x=\"{w}\" y=\"{}\" text-anchor=\"end\">{}</text></svg>",
        h + 18.0,
        esc(first),
        h + 18.0,
        esc(last)
    );
    svg
}

const STYLE: &str = "\
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',sans-serif;\
margin:0;color:#1d2430;background:#f6f7f9}\
header{background:#1d2430;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}\
header p{margin:4px 0 0;color:#c8d0dc}\
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px;padding:18px 28px}\
section{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:14px 18px}\
h2{font-size:17px;margin:0 0 10px}table{border-collapse:collapse;width:100%;margin:6px 0}\
td,th{border-bottom:1px solid #eef0f4;padding:3px 6px;text-align:left;vertical-align:top}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
.chart text{font-size:12px;fill:#1d2430}.none{color:#7a8494}.ex{color:#4a5566;font-size:12px}\
.big{font-size:26px;font-weight:600}.warn{color:#a33}";

/// The whole page.
pub fn render(dataset: &str, data: &ReportData) -> String {
    let stats = &data.stats;
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>newsprint report: {}</title><style>{STYLE}</style></head><body>\
         <header><h1>newsprint report</h1><p>{} · schema {} · newsprint {} · {} run{}{}</p></header><main>",
        esc(dataset),
        esc(dataset),
        stats.schema_version.map_or("?".to_string(), |v| v.to_string()),
        esc(&data.newsprint_version),
        data.run_count,
        if data.run_count == 1 { "" } else { "s" },
        if data.summaries_current {
            ""
        } else {
            " · <span class=\"warn\">summaries older than the last parts: run `newsprint merge` or a run</span>"
        }
    );
    documents(&mut page, data);
    removed(&mut page, data);
    articles(&mut page, data);
    entities(&mut page, data);
    figures(&mut page, data);
    timeline(&mut page, data);
    runs(&mut page, data);
    page.push_str("</main></body></html>\n");
    page
}

fn documents(page: &mut String, data: &ReportData) {
    let stats = &data.stats;
    let total: u64 = stats.documents.values().sum();
    let _ = write!(
        page,
        "<section id=\"documents\"><h2>Documents by status</h2>\
         <p><span class=\"big\" data-documents=\"{total}\">{}</span> documents</p>",
        grouped(total)
    );
    let items: Vec<(String, u64)> = stats
        .documents
        .iter()
        .map(|(s, n)| (s.clone(), *n))
        .collect();
    page.push_str(&bars(&items, "#3b6ea5"));
    page.push_str(
        "<table><tr><th>status</th><th class=\"n\">documents</th><th class=\"n\">share</th></tr>",
    );
    for (status, n) in &stats.documents {
        let _ = write!(
            page,
            "<tr><td>{}</td><td class=\"n\" data-status=\"{}\">{}</td><td class=\"n\">{}</td></tr>",
            esc(status),
            esc(status),
            grouped(*n),
            share(*n, total)
        );
    }
    page.push_str("</table>");
    if data.error_count == 0 {
        page.push_str("<p class=\"none\" data-errors=\"0\">no errors</p>");
    } else {
        let _ = write!(
            page,
            "<h3 class=\"warn\">Errors: <span data-errors=\"{}\">{}</span>{}</h3><table>",
            data.error_count,
            grouped(data.error_count),
            if data.error_count as usize > data.errors.len() {
                format!(" (the first {} listed)", data.errors.len())
            } else {
                String::new()
            }
        );
        for (source, error) in &data.errors {
            let _ = write!(
                page,
                "<tr class=\"error\"><td>{}</td><td>{}</td></tr>",
                esc(source),
                esc(error)
            );
        }
        page.push_str("</table>");
    }
    page.push_str("</section>");
}

fn removed(page: &mut String, data: &ReportData) {
    let chars = |k: &str| data.stats.chars.get(k).copied().unwrap_or(0);
    let chars_in = chars("in");
    let kinds = [
        ("duplicate passages", "removed_duplicate"),
        ("captions and credits", "removed_caption"),
        (
            "furniture (learned lines, running heads, patterns)",
            "removed_furniture",
        ),
    ];
    let _ = write!(
        page,
        "<section id=\"removed\"><h2>Characters removed by cleaning</h2>\
         <p><span data-chars-in=\"{chars_in}\">{}</span> characters in, \
         <span data-chars-out=\"{}\">{}</span> out ({})</p>",
        grouped(chars_in),
        chars("out"),
        grouped(chars("out")),
        share(chars("out"), chars_in)
    );
    let items: Vec<(String, u64)> = kinds
        .iter()
        .map(|(label, key)| (label.to_string(), chars(key)))
        .collect();
    page.push_str(&bars(&items, "#b5573b"));
    page.push_str(
        "<table><tr><th>kind</th><th class=\"n\">passages</th><th>examples (text — why)</th></tr>",
    );
    for (kind, (count, examples)) in &data.removed {
        let _ = write!(
            page,
            "<tr><td>{}</td><td class=\"n\" data-removed=\"{}\">{}</td><td>",
            esc(kind),
            esc(kind),
            grouped(*count)
        );
        for (text, reason) in examples {
            let _ = write!(
                page,
                "<div class=\"ex\">{} — {}</div>",
                esc(text),
                esc(reason)
            );
        }
        page.push_str("</td></tr>");
    }
    page.push_str("</table></section>");
}

fn articles(page: &mut String, data: &ReportData) {
    let stats = &data.stats;
    let articles = stats.rows.get("articles").copied().unwrap_or(0);
    let copies = stats.copied_articles;
    let _ = write!(
        page,
        "<section id=\"articles\"><h2>Articles and copies</h2>\
         <p><span class=\"big\" data-articles=\"{articles}\">{}</span> articles, of which \
         <span data-copies=\"{copies}\">{}</span> ({}) repeat another (articles.duplicate_of) and \
         <span data-unique=\"{}\">{}</span> are counted once.</p>",
        grouped(articles),
        grouped(copies),
        share(copies, articles),
        articles - copies.min(articles),
        grouped(articles - copies.min(articles))
    );
    let items = vec![
        ("kept".to_string(), articles - copies.min(articles)),
        ("copies".to_string(), copies),
    ];
    page.push_str(&bars(&items, "#4f8a4f"));
    let _ = write!(
        page,
        "<table><tr><th>table</th><th class=\"n\">rows</th></tr>{}</table></section>",
        stats
            .rows
            .iter()
            .map(|(t, n)| format!(
                "<tr><td>{}</td><td class=\"n\" data-rows=\"{}\">{}</td></tr>",
                esc(t),
                esc(t),
                grouped(*n)
            ))
            .collect::<String>()
    );
}

fn entities(page: &mut String, data: &ReportData) {
    page.push_str("<section id=\"entities\"><h2>Top people, places and organisations</h2>");
    for (kind, title) in [
        ("person", "People"),
        ("place", "Places"),
        ("organization", "Organisations"),
    ] {
        let top = data
            .stats
            .top_entities
            .get(kind)
            .cloned()
            .unwrap_or_default();
        let _ = write!(page, "<h3>{title} (articles naming them)</h3>");
        let items: Vec<(String, u64)> = top.iter().map(|(n, _, a)| (n.clone(), *a)).collect();
        page.push_str(&bars(&items, "#7a5195"));
        if !top.is_empty() {
            page.push_str("<table><tr><th>name</th><th class=\"n\">articles</th><th class=\"n\">mentions</th></tr>");
            for (name, mentions, articles) in &top {
                let _ = write!(
                    page,
                    "<tr data-kind=\"{kind}\"><td class=\"name\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    esc(name),
                    grouped(*articles),
                    grouped(*mentions)
                );
            }
            page.push_str("</table>");
        }
    }
    page.push_str("</section>");
}

fn figures(page: &mut String, data: &ReportData) {
    page.push_str("<section id=\"figures\"><h2>Figures by kind and unit</h2>");
    let mut by_kind: std::collections::BTreeMap<&str, u64> = Default::default();
    for (kind, _, count, _, _) in &data.figures {
        *by_kind.entry(kind.as_str()).or_default() += count;
    }
    let mut items: Vec<(String, u64)> = by_kind.iter().map(|(k, n)| (k.to_string(), *n)).collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    page.push_str(&bars(&items, "#c08a2e"));
    page.push_str(
        "<table><tr><th>kind</th><th>unit</th><th class=\"n\">figures</th>\
         <th class=\"n\">with a value</th><th class=\"n\">median</th></tr>",
    );
    for (kind, unit, count, valued, median) in data.figures.iter().take(25) {
        let _ = write!(
            page,
            "<tr data-figure=\"{}|{}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(kind),
            esc(unit.as_deref().unwrap_or("")),
            esc(kind),
            esc(unit.as_deref().unwrap_or("-")),
            grouped(*count),
            // A date's value is its date (`quantities.date`), not a number.
            if kind == "date" {
                "<span title=\"dates are kept as dates, in quantities.date\">(as dates)</span>"
                    .to_string()
            } else {
                grouped(*valued)
            },
            median.map_or("-".to_string(), readable)
        );
    }
    page.push_str("</table></section>");
}

fn timeline(page: &mut String, data: &ReportData) {
    let undated = data.articles_by_month.get("").copied().unwrap_or(0);
    let months: Vec<(String, u64)> = data
        .articles_by_month
        .iter()
        .filter(|(m, _)| !m.is_empty())
        .map(|(m, n)| (m.clone(), *n))
        .collect();
    let _ = write!(
        page,
        "<section id=\"timeline\"><h2>Articles over time (published_date, by month)</h2>{}\
         <p><span data-months=\"{}\">{}</span> months; <span data-undated=\"{undated}\">{}</span> articles undated</p><table>",
        columns(&months),
        months.len(),
        months.len(),
        grouped(undated)
    );
    for (month, n) in months.iter().rev().take(12) {
        let _ = write!(
            page,
            "<tr><td>{}</td><td class=\"n\" data-month=\"{}\">{}</td></tr>",
            esc(month),
            esc(month),
            grouped(*n)
        );
    }
    page.push_str("</table></section>");
}

fn runs(page: &mut String, data: &ReportData) {
    let _ = write!(
        page,
        "<section id=\"runs\"><h2>Runs</h2>{}",
        if data.run_count > data.runs.len() {
            format!(
                "<p>the last {} of {} runs</p>",
                data.runs.len(),
                data.run_count
            )
        } else {
            String::new()
        }
    );
    page.push_str(
        "<table><tr><th>run</th><th>started (UTC)</th>\
         <th>kind</th><th class=\"n\">documents added</th><th class=\"n\">MB</th>\
         <th class=\"n\">seconds</th><th>completed</th></tr>",
    );
    for run in &data.runs {
        let started = chrono::DateTime::from_timestamp(run.started_unix as i64, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let added: u64 = run.documents.values().sum();
        let _ = write!(
            page,
            "<tr class=\"run\" data-run=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{:.1}</td><td class=\"n\">{:.1}</td><td>{}</td></tr>",
            run.run,
            run.run,
            started,
            if run.full { "full" } else { "incremental" },
            grouped(added),
            run.input_bytes as f64 / 1e6,
            run.duration_secs,
            if run.completed { "yes" } else { "<span class=\"warn\">no</span>" }
        );
    }
    page.push_str("</table></section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn a_page_has_every_section_and_no_outside_resource() {
        let mut data = ReportData::default();
        data.stats.documents.insert("ok".into(), 3);
        data.stats.documents.insert("error".into(), 1);
        data.error_count = 1;
        data.errors.push(("a<b>.txt".into(), "cannot open".into()));
        data.articles_by_month.insert("2026-01".into(), 2);
        let page = render("out", &data);
        for id in [
            "documents",
            "removed",
            "articles",
            "entities",
            "figures",
            "timeline",
            "runs",
        ] {
            assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        assert!(page.contains("a&lt;b&gt;.txt"));
        assert!(page.contains("data-status=\"ok\">3<"));
        assert!(
            !page.contains("http://") && !page.contains("https://") && !page.contains("<script")
        );
    }
}

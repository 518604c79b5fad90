//! The figure table (`data/gold/figures_table.tsv`): one sentence a row in the wording of
//! real news, with every figure a reader would list in it. Each row must give exactly its
//! figures: text, kind, value, unit, and the interval or ISO date where the row names one.

use chrono::NaiveDate;

const TABLE: &str = include_str!("../../data/gold/figures_table.tsv");

fn number(field: &str) -> Option<f64> {
    (field != "-").then(|| {
        field
            .parse()
            .unwrap_or_else(|_| panic!("bad number {field:?}"))
    })
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        (None, None) => true,
        _ => false,
    }
}

/// Whether `found` is the figure a row describes, or what differs.
fn differs(found: &extract::Quantity, want: &str) -> Option<String> {
    let fields: Vec<&str> = want.split('|').collect();
    let kind = fields.get(1).copied().unwrap_or_default();
    let mut wrong = Vec::new();
    if found.text != fields[0] {
        wrong.push(format!("text {:?}", found.text));
    }
    if found.kind.as_str() != kind {
        wrong.push(format!("kind {}", found.kind.as_str()));
    }
    if kind == "date" {
        if found.iso.as_deref() != fields.get(2).copied() {
            wrong.push(format!("iso {:?}", found.iso));
        }
    } else {
        if !close(found.value, number(fields[2])) {
            wrong.push(format!("value {:?}", found.value));
        }
        let unit = (fields[3] != "-").then_some(fields[3]);
        if found.unit != unit {
            wrong.push(format!("unit {:?}", found.unit));
        }
        if let Some((low, high)) = fields.get(4).and_then(|r| r.split_once("..")) {
            if !close(found.value_low, number(low)) || !close(found.value_high, number(high)) {
                wrong.push(format!(
                    "interval {:?}..{:?}",
                    found.value_low, found.value_high
                ));
            }
        }
    }
    (!wrong.is_empty()).then(|| wrong.join(", "))
}

#[test]
fn every_row_gives_exactly_its_figures() {
    let published = NaiveDate::from_ymd_opt(2026, 3, 20);
    let extractor = extract::Extractor::new();
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        rows += 1;
        let (sentence, want) = line.split_once('\t').expect("sentence TAB figures");
        let wanted: Vec<&str> = if want == "-" {
            Vec::new()
        } else {
            want.split(';').collect()
        };
        let found = extractor.figures(sentence, published);
        let mut bad = Vec::new();
        if found.len() != wanted.len() {
            bad.push(format!(
                "found {:?}",
                found.iter().map(|f| f.text.as_str()).collect::<Vec<_>>()
            ));
        }
        for (f, w) in found.iter().zip(&wanted) {
            if let Some(why) = differs(f, w) {
                bad.push(format!("{w}: {why}"));
            }
        }
        if !bad.is_empty() {
            failures.push(format!("{sentence}\n    {}", bad.join("\n    ")));
        }
    }
    assert!(rows >= 150, "the table holds {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

"""Load a newsprint dataset in polars, pandas and DuckDB, and check it against the contract.

Usage: python3 examples/load.py DATASET_DIR

Works on any dataset newsprint wrote. Every table of data/golden/schema.txt must load in all
three with the listed columns; keys are unique, every reference resolves, and every offset
lies inside the text it points into, spelling the text the row gives. The script then
answers a few questions an analyst would ask, from whatever the dataset holds, and prints a
short summary. It exits non-zero on any mismatch, so CI runs it against the sample output
and the docs never drift from the data. (What the sample page itself must give, such as
李永军 with his role, is checked by the tests in tests/it/contract.rs.)
"""
import pathlib
import sys
import unicodedata

import duckdb
import pandas as pd
import polars as pl

POLARS_TYPES = {
    "str": pl.String,
    "u32": pl.UInt32,
    "u64": pl.UInt64,
    "f32": pl.Float32,
    "f64": pl.Float64,
    "bool": pl.Boolean,
    "date": pl.Date,
    "list<str>": pl.List(pl.String),
}


def contract(root: pathlib.Path) -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    for line in (root / "data/golden/schema.txt").read_text().splitlines()[1:]:
        name, dtype = line.split(" ", 1)
        table, column = name.split(".", 1)
        tables.setdefault(table, []).append((column, dtype))
    return tables


def pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def check_keys(out: pathlib.Path) -> list[str]:
    """Keys are unique and every reference resolves (DuckDB anti-joins)."""
    t = {name: f"read_parquet('{out / name / '*.parquet'}')" for name in
         ["documents", "articles", "paragraphs", "entities", "quantities", "removed"]}
    checks = {
        "documents.doc_id is unique":
            f"select doc_id from {t['documents']} group by doc_id having count(*) > 1",
        "articles.article_id is unique":
            f"select article_id from {t['articles']} group by article_id having count(*) > 1",
        "documents.duplicate_of names a document":
            f"""select d.duplicate_of from {t['documents']} d anti join {t['documents']} k
                on d.duplicate_of = k.doc_id where d.duplicate_of is not null""",
        "articles.doc_id names a document":
            f"select a.doc_id from {t['articles']} a anti join {t['documents']} d using (doc_id)",
        "articles.duplicate_of names an article":
            f"""select a.duplicate_of from {t['articles']} a anti join {t['articles']} k
                on a.duplicate_of = k.article_id where a.duplicate_of is not null""",
        "removed.doc_id names a document":
            f"select r.doc_id from {t['removed']} r anti join {t['documents']} d using (doc_id)",
        "removed.article_id names an article":
            f"""select r.article_id from {t['removed']} r anti join {t['articles']} a
                using (article_id) where r.article_id is not null""",
    }
    for table in ["paragraphs", "entities", "quantities"]:
        checks[f"{table}.article_id names an article"] = (
            f"select x.article_id from {t[table]} x anti join {t['articles']} a using (article_id)"
        )
    print()
    return run_checks("keys", checks)


def run_checks(label: str, checks: dict[str, str]) -> list[str]:
    """Runs each query of `checks` (rows that break the rule named), printing each result."""
    problems = []
    for what, query in checks.items():
        bad = duckdb.sql(query).fetchall()
        print(f"{label}: {what}: {'ok' if not bad else f'{len(bad)} rows break it'}")
        if bad:
            problems.append(f"{what}: {len(bad)} rows break it, e.g. {bad[0]}")
    return problems


def check_offsets(out: pathlib.Path) -> list[str]:
    """Every span lies inside the text it points into and spells the row's text."""
    t = {name: f"read_parquet('{out / name / '*.parquet'}')" for name in
         ["articles", "paragraphs", "entities", "quantities"]}
    # The text a span points into: a paragraph, or (entities) a column of its article.
    field_text = """case e.field when 'paragraph' then p.text when 'title' then a.title
        when 'subtitle' then a.subtitle when 'kicker' then a.kicker
        when 'byline' then a.byline when 'dateline' then a.dateline end"""
    checks = {
        "entities' spans spell their text": f"""
            select e.article_id, e.field, e.start, e."end", e.text
            from {t['entities']} e
            left join {t['paragraphs']} p
              on e.field = 'paragraph' and p.article_id = e.article_id
             and p.paragraph_idx = e.paragraph_idx
            left join {t['articles']} a on a.article_id = e.article_id
            where {field_text} is null or e.start >= e."end"
               or e."end" > length({field_text})
               or substring({field_text}, e.start + 1, e."end" - e.start) != e.text""",
        "quantities' spans spell their text": f"""
            select q.article_id, q.paragraph_idx, q.start, q."end", q.text
            from {t['quantities']} q
            left join {t['paragraphs']} p using (article_id, paragraph_idx)
            where p.text is null or q.start >= q."end" or q."end" > length(p.text)
               or substring(p.text, q.start + 1, q."end" - q.start) != q.text""",
    }
    return run_checks("offsets", checks)


def main() -> int:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    root = pathlib.Path(__file__).resolve().parent.parent
    problems = []
    for table, columns in contract(root).items():
        glob = str(out / table / "*.parquet")
        df = pl.read_parquet(glob)
        want = [(c, POLARS_TYPES[t]) for c, t in columns]
        got = list(df.schema.items())
        if got != want:
            problems.append(f"{table}: polars sees {got}, contract says {want}")
        pdf = pd.concat(pd.read_parquet(p) for p in sorted((out / table).glob("*.parquet")))
        if list(pdf.columns) != [c for c, _ in columns]:
            problems.append(f"{table}: pandas sees columns {list(pdf.columns)}")
        rows = duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchall()[0][0]
        if rows != df.height:
            problems.append(f"{table}: duckdb counts {rows} rows, polars {df.height}")
        print(f"{table:<14} {df.height:>8} rows, {len(columns)} columns: polars, pandas, duckdb ok")

    problems += check_keys(out)

    problems += check_offsets(out)

    # Each article once: copies found across the run name the article kept.
    articles = pl.read_parquet(str(out / "articles/*.parquet")).filter(
        pl.col("duplicate_of").is_null()
    )
    print(f"\n{articles.height} articles once each (copies left out)")

    print("\n1. Top organisations by articles naming them (polars, entity_counts):")
    counts = pl.read_parquet(str(out / "entity_counts/*.parquet"))
    top = (
        counts.filter(pl.col("kind") == "organization")
        .sort(["articles", "mentions", "name"], descending=[True, True, False])
        .head(5)
    )
    for name, n_articles, mentions in top.select("name", "articles", "mentions").iter_rows():
        print(f"  {pad(name, 24)} {n_articles} article(s), {mentions} mention(s)")

    print("\n2. The largest sums of money, with what they are about (duckdb):")
    q = str(out / "quantities/*.parquet")
    a = str(out / "articles/*.parquet")
    for text, value, unit, subject in duckdb.sql(
        f"""
        select distinct q.text, q.value, q.unit, q.subject
        from read_parquet('{q}') q
        join read_parquet('{a}') a using (article_id)
        where a.duplicate_of is null and q.kind = 'money' and q.value is not null
        order by q.value desc, q.text, q.subject
        limit 5
        """
    ).fetchall():
        print(f"  {pad(text, 16)} value {value:,.0f} {unit or ''}  ({subject or '-'})")

    people = counts.filter(pl.col("kind") == "person").sort(
        ["articles", "mentions", "name"], descending=[True, True, False]
    )
    if people.height:
        person = people["name"][0]
        print(f"\n3. Articles that name {person}, the person most articles name (pandas):")
        entities = pd.concat(
            pd.read_parquet(p) for p in sorted((out / "entities").glob("*.parquet"))
        )
        mentions = entities[(entities.kind == "person") & (entities.name == person)]
        hits = articles.to_pandas().merge(
            mentions[["article_id", "role"]].drop_duplicates("article_id"),
            on="article_id",
        )
        for title, role in hits[["title", "role"]].head(5).itertuples(index=False):
            role = role if isinstance(role, str) else "no role given"
            print(f"  {title or '(untitled)'}  ({role})")
        if hits.empty:
            problems.append(f"entity_counts names {person}, but no kept article does")

    documents = pl.read_parquet(str(out / "documents/*.parquet"))
    statuses = ", ".join(
        f"{n} {status}" for status, n in
        documents.group_by("status").len().sort("status").iter_rows()
    )
    print(f"\nsummary: {documents.height} documents ({statuses}), "
          f"{articles.height} articles kept once each, "
          f"{'no problems' if not problems else f'{len(problems)} problem(s)'}")

    for p in problems:
        print("MISMATCH:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

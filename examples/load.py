"""Load a newsprint dataset in polars, pandas and DuckDB, and check it against the contract.

Usage: python3 examples/load.py OUT_DIR

Every table of data/golden/schema.txt must load in all three with the listed columns; the
script then answers a few questions an analyst would ask. It exits non-zero on any mismatch,
so CI runs it against the sample output and the docs never drift from the data.
"""
import pathlib
import sys

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

    # Each article once: copies found across the run name the article kept.
    articles = pl.read_parquet(str(out / "articles/*.parquet")).filter(
        pl.col("duplicate_of").is_null()
    )
    print(f"\n{articles.height} articles once each (copies left out)")

    print("\n1. Top organisations by articles mentioning them (polars, entity_counts):")
    counts = pl.read_parquet(str(out / "entity_counts/*.parquet"))
    top = (
        counts.filter(pl.col("kind") == "organization")
        .sort(["articles", "mentions", "name"], descending=[True, True, False])
        .head(5)
    )
    for name, n_articles, mentions in top.select("name", "articles", "mentions").iter_rows():
        print(f"  {name:<24} {n_articles} article(s), {mentions} mention(s)")

    print("\n2. Figures about tax revenue, 税收 (duckdb):")
    q = str(out / "quantities/*.parquet")
    a = str(out / "articles/*.parquet")
    for text, value, unit, change in duckdb.sql(
        f"""
        select q.text, q.value, q.unit, q.change
        from read_parquet('{q}') q
        join read_parquet('{a}') a using (doc_id, article_idx)
        where a.duplicate_of is null and q.subject like '%税收%'
        order by q.doc_id, q.article_idx, q.paragraph_idx, q.start
        """
    ).fetchall():
        print(f"  {text:<12} value {value} {unit or ''} {change or ''}")

    person = "李永军"
    print(f"\n3. Articles that mention {person} (pandas):")
    entities = pd.concat(
        pd.read_parquet(p) for p in sorted((out / "entities").glob("*.parquet"))
    )
    mentions = entities[(entities.kind == "person") & (entities.name == person)]
    hits = articles.to_pandas().merge(
        mentions[["doc_id", "article_idx", "role"]].drop_duplicates(),
        on=["doc_id", "article_idx"],
    )
    for title, role in hits[["title", "role"]].itertuples(index=False):
        print(f"  {title}  ({role})")
    if hits.empty:
        problems.append(f"no article mentions {person}")

    for p in problems:
        print("MISMATCH:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

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

    articles = pl.read_parquet(str(out / "articles/*.parquet"))
    quantities = pl.read_parquet(str(out / "quantities/*.parquet"))
    print("\nArticles and their authors:")
    for row in articles.select("title", "authors").iter_rows():
        print(f"  {row[0]}  {', '.join(row[1])}")
    print("\nMoney figures, normalised to yuan (duckdb):")
    q = str(out / "quantities/*.parquet")
    for text, value, unit in duckdb.sql(
        f"select text, value, unit from read_parquet('{q}') where kind = 'money' order by value desc"
    ).fetchall():
        print(f"  {text:<12} {value:>16,.0f} {unit}")
    print("\nFigures by kind (pandas):")
    print(quantities.to_pandas().groupby("kind").size().to_string())

    for p in problems:
        print("MISMATCH:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

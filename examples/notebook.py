"""newsprint in a notebook: texts in, Arrow tables out, questions asked in polars.

Usage: python examples/notebook.py [PAGES_DIR]   (default: the repository's sample pages)

Needs the newsprint wheel and polars (see README, "From Python"). Each cell below is what
an analyst would type: process a column of texts, look at the people and figures, and
write a batch dataset the command line's way.
"""

import sys
import tempfile
from pathlib import Path

import polars as pl

import newsprint

root = Path(__file__).resolve().parent.parent
pages = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "data" / "pages"
files = sorted(p for p in pages.rglob("*") if p.is_file())

# 1. The per-document path over a column: bytes are decoded as files are.
tables = newsprint.process([p.read_bytes() for p in files], sources=[str(p) for p in files])
articles = pl.from_arrow(tables["articles"])
entities = pl.from_arrow(tables["entities"])
quantities = pl.from_arrow(tables["quantities"])
print(f"{len(files)} pages, {articles.height} articles,", end=" ")
print(f"{entities.height} entity mentions, {quantities.height} figures")

# 2. Who is named, with which role, in how many articles.
people = (
    entities.filter(pl.col("kind") == "person")
    .group_by("name")
    .agg(pl.col("article_id").n_unique().alias("articles"), pl.col("role").drop_nulls().first())
    .sort(["articles", "name"], descending=[True, False])
)
print(people.head(8))

# 3. Money figures with their values, joined to the article's title by its key.
money = (
    quantities.filter(pl.col("kind") == "money")
    .join(articles.select("article_id", "title"), on="article_id")
    .select("title", "text", "value", "unit")
)
print(money.head(8))

# 4. The same pages as a dataset on disk, as `newsprint run` writes it.
with tempfile.TemporaryDirectory() as out:
    summary = newsprint.run(str(pages), Path(out) / "dataset")
    print(f"run {summary['run']}: {summary['new_documents']} documents, rows {summary['rows']}")
    assert summary["rows"]["articles"] == articles.height

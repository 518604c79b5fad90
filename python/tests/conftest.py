"""Shared fixtures: the repository's pages, and datasets the command line writes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "pages" / "000_5e6263fb01fcad50.txt"
GOLD = ROOT / "data" / "gold" / "pages"
# The NIST articles are measurement text kept outside the repository (../shared); tests
# that use them say so when they are not there.
NIST = Path(
    os.environ.get("NEWSPRINT_NIST", ROOT.parent / "shared" / "data" / "articles" / "nist-mt-zh.jsonl")
)

PER_DOCUMENT = ("documents", "articles", "paragraphs", "entities", "quantities", "removed")
# What only a run sets: its number, and what the corpus step finds across documents.
RUN_ONLY_COLUMNS = {
    "documents": ["run"],
    "articles": ["duplicate_of", "duplicate_similarity"],
}


def read_table(out: Path, table: str) -> pa.Table:
    parts = sorted((out / table).glob("*.parquet"))
    return pa.concat_tables([pq.read_table(p) for p in parts])


def comparable(table: pa.Table, name: str) -> List[Dict]:
    """The rows of a table as sorted dicts, without the columns only a run sets."""
    drop = [c for c in RUN_ONLY_COLUMNS.get(name, []) if c in table.column_names]
    rows = table.drop_columns(drop).to_pylist()
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str, ensure_ascii=False))


@pytest.fixture(scope="session")
def gold_inputs() -> List[Path]:
    return [SAMPLE, *sorted(GOLD.glob("*.txt"))]


@pytest.fixture(scope="session")
def nist_jsonl(tmp_path_factory) -> Path:
    """The NIST articles as JSON Lines with one `text` field (paragraphs a blank line apart)."""
    if not NIST.exists():
        pytest.skip(f"the NIST articles are not at {NIST} (set NEWSPRINT_NIST)")
    out = tmp_path_factory.mktemp("nist") / "nist.jsonl"
    with NIST.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            paragraphs = record.get("paragraphs") or [record.get("text", "")]
            dst.write(json.dumps({"text": "\n\n".join(paragraphs)}, ensure_ascii=False) + "\n")
    return out


def jsonl_texts(path: Path):
    """The texts of a JSON Lines file and the sources the command line names them by."""
    texts, sources = [], []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            texts.append(json.loads(line)["text"])
            sources.append(f"{path}#L{n}")
    return texts, sources

"""What the Spark and Ray adapters share: a batch of rows with a text column through
:func:`newsprint.process`, and the names that make its keys."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Dict, List, Optional, Tuple, Union

import pyarrow as pa

from . import _cli
from ._process import TABLES, process


def table_schema(table: str, options: Dict[str, Any]) -> pa.Schema:
    """The Arrow schema of ``table``, from one empty call of :func:`newsprint.process`,
    which checks ``options`` too: a wrong table or option fails at the call, on the
    driver, not in every task."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}, not {table!r}")
    return process([], sources=[], **options)[table].schema


def check_columns(
    columns: Sequence[str], *, text: str, source: Optional[str], published: Optional[str]
) -> None:
    """Names the text, source or published column that ``columns`` lacks."""
    for what, name in (("text", text), ("source", source), ("published", published)):
        if name is not None and name not in columns:
            raise KeyError(f"no {what} column {name!r} among {list(columns)}")


def default_sources(texts: pa.Array, column: str) -> list:
    """A name for each text when no source column is given: the column's name and a hash of
    the text, so a text's keys do not depend on how the data is partitioned (identical
    texts share a ``doc_id``, as they are the same document)."""
    out = []
    for value in texts.to_pylist():
        data = b"" if value is None else (value.encode("utf-8") if isinstance(value, str) else bytes(value))
        out.append(f"{column}#{hashlib.blake2b(data, digest_size=8).hexdigest()}")
    return out


def process_batch(
    batch: pa.RecordBatch,
    *,
    text: str,
    source: Optional[str],
    published: Optional[str],
    threads: Optional[int],
    options: Dict[str, Any],
) -> Dict[str, pa.Table]:
    """The per-document tables of one batch of rows."""
    names = batch.schema.names
    check_columns(names, text=text, source=source, published=published)
    texts = batch.column(names.index(text))
    sources = (
        [str(s) for s in batch.column(names.index(source)).to_pylist()]
        if source is not None
        else default_sources(texts, text)
    )
    dates = batch.column(names.index(published)).to_pylist() if published is not None else None
    return process(texts, sources=sources, published=dates, threads=threads, **options)


def shard_plan(
    inputs: Union[str, Sequence[str]], shards: int, options: Dict[str, Any]
) -> Tuple[List[str], Dict[str, Any]]:
    """The inputs as a list, and merge's share of run's options, for a run across a
    cluster in ``shards`` tasks (each sets its own ``shard``)."""
    if not isinstance(shards, int) or isinstance(shards, bool) or shards < 1:
        raise ValueError(f"shards must be a positive int, not {shards!r}")
    if "shard" in options:
        raise TypeError("run() sets shard itself, one for each task")
    items = [inputs] if isinstance(inputs, str) else [str(i) for i in inputs]
    return items, {k: v for k, v in options.items() if k in _cli.MERGE_OPTIONS}

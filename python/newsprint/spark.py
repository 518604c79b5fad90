"""newsprint on Apache Spark.

- :func:`process` runs the per-document path over a DataFrame's text column with
  ``DataFrame.mapInArrow``, giving one of :data:`newsprint.TABLES` as a DataFrame.
- :func:`run` processes a whole archive across the cluster: one task per shard, each
  ``newsprint.run(..., shard=(i, n))`` into one ``out`` (shared storage or ``s3://``),
  then one :func:`newsprint.merge`; the dataset equals one run's.

Spark has no unsigned integers: ``uint32``/``uint64`` columns come as ``bigint``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Dict, Optional

import pyarrow as pa

from . import _cli
from ._columns import check_columns, process_batch, shard_plan, table_schema


def _spark_type(t: pa.DataType) -> pa.DataType:
    if pa.types.is_unsigned_integer(t):
        return pa.int64()
    if pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_large_list(t):
        return pa.list_(_spark_type(t.value_type))
    return t


def _as_spark(native: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, _spark_type(f.type), True) for f in native])


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table`` as Spark takes it from ``mapInArrow``."""
    return _as_spark(table_schema(table, {}))


def schema(table: str) -> Any:
    """The Spark ``StructType`` of ``table`` (``pyspark`` needed)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(arrow_schema(table))


def process(
    df: Any,
    *,
    table: str = "entities",
    text: str = "text",
    source: Optional[str] = None,
    published: Optional[str] = None,
    threads: Optional[int] = 1,
    **options: Any,
) -> Any:
    """``table`` of the per-document path over ``df[text]``, as a DataFrame.

    Args:
        df: a DataFrame with a column of texts (``string`` or ``binary``).
        table: one of :data:`newsprint.TABLES`.
        text: the column of texts.
        source: a column naming each text (a path, URL or id): ``doc_id`` is the hash of it
            and the text, as in a dataset. Without it, a text is named by its column and a
            hash of its content.
        published: a column of publication dates (``date`` or ``'YYYY-MM-DD'``).
        threads: threads per task (default 1: Spark runs a task per core).
        **options: :func:`newsprint.process`'s options (``entities``, ``drop``, …).
    """
    check_columns(df.columns, text=text, source=source, published=published)
    target = _as_spark(table_schema(table, options))

    def batches(rows: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in rows:
            tables = process_batch(
                batch, text=text, source=source, published=published, threads=threads, options=options
            )
            yield from tables[table].cast(target).to_batches()

    from pyspark.sql.pandas.types import from_arrow_schema

    return df.mapInArrow(batches, from_arrow_schema(target))


def run(
    spark: Any,
    inputs: Sequence[str],
    out: str,
    *,
    shards: int,
    **options: Any,
) -> Dict[str, Any]:
    """Runs newsprint over ``inputs`` as ``shards`` Spark tasks into ``out``, then merges.

    Every executor must reach ``inputs`` and ``out`` by the same names (a shared file
    system or ``s3://``) and have the newsprint wheel installed. ``options`` are
    :func:`newsprint.run`'s. Returns ``{"shards": [each shard's summary], "merge": …}``.
    """
    items, merge_options = shard_plan(inputs, shards, options)

    def one(i: int) -> Dict[str, Any]:
        return _cli.run(items, out, shard=(i, shards), **options)

    summaries = spark.sparkContext.parallelize(range(shards), shards).map(one).collect()
    return {"shards": summaries, "merge": _cli.merge(out, **merge_options)}

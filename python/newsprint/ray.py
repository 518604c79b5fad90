"""newsprint on Ray.

- :func:`process` runs the per-document path over a Ray Dataset's text column with
  ``Dataset.map_batches(..., batch_format="pyarrow")``, giving one of
  :data:`newsprint.TABLES` as a Dataset.
- :func:`run` processes a whole archive across the cluster: one Ray task per shard, each
  ``newsprint.run(..., shard=(i, n))`` into one ``out`` (shared storage or ``s3://``),
  then one :func:`newsprint.merge`; the dataset equals one run's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Dict, Optional

import pyarrow as pa

from . import _cli
from ._columns import check_columns, process_batch, shard_plan, table_schema


def process(
    ds: Any,
    *,
    table: str = "entities",
    text: str = "text",
    source: Optional[str] = None,
    published: Optional[str] = None,
    threads: Optional[int] = 1,
    batch_size: int = 256,
    **options: Any,
) -> Any:
    """``table`` of the per-document path over ``ds[text]``, as a Ray Dataset.

    The arguments are :func:`newsprint.spark.process`'s; ``batch_size`` is the rows a call
    takes. The columns keep the dataset's Arrow types (``large_string``, ``uint32``, …).
    """
    target = table_schema(table, options)
    columns = ds.columns(fetch_if_missing=False)
    if columns is not None:
        check_columns(columns, text=text, source=source, published=published)

    def batches(batch: pa.Table) -> pa.Table:
        tables = [
            process_batch(b, text=text, source=source, published=published, threads=threads, options=options)[
                table
            ]
            for b in batch.to_batches()
        ]
        return pa.concat_tables(tables) if tables else target.empty_table()

    return ds.map_batches(batches, batch_format="pyarrow", batch_size=batch_size)


def run(inputs: Sequence[str], out: str, *, shards: int, **options: Any) -> Dict[str, Any]:
    """Runs newsprint over ``inputs`` as ``shards`` Ray tasks into ``out``, then merges.

    Every node must reach ``inputs`` and ``out`` by the same names and have the newsprint
    wheel installed. ``options`` are :func:`newsprint.run`'s. Returns
    ``{"shards": [each shard's summary], "merge": …}``.
    """
    import ray

    items, merge_options = shard_plan(inputs, shards, options)

    @ray.remote
    def one(i: int) -> Dict[str, Any]:
        return _cli.run(items, out, shard=(i, shards), **options)

    summaries = ray.get([one.remote(i) for i in range(shards)])
    return {"shards": summaries, "merge": _cli.merge(out, **merge_options)}

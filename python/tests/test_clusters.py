"""newsprint.spark and newsprint.ray in local mode: the command line's rows."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import newsprint
from conftest import comparable, jsonl_texts, read_table


def _assert_one_runs_dataset(one: Path, sharded: Path, tables) -> None:
    for name in tables:
        a, b = read_table(one, name), read_table(sharded, name)
        drop = ["run"] if name == "documents" else []
        assert comparable(a.drop_columns(drop), name) == comparable(b.drop_columns(drop), name), name


def _assert_shards_equal_one_run(tmp_path: Path, gold_inputs, run_sharded) -> None:
    """``run_sharded(inputs, out)``, two shards and a merge across a cluster, against one
    local run of the same pages."""
    inputs = [str(p) for p in gold_inputs]
    newsprint.run(inputs, tmp_path / "one")
    result = run_sharded(inputs, str(tmp_path / "sharded"))
    assert len(result["shards"]) == 2 and result["merge"]["event"] == "merged"
    _assert_one_runs_dataset(
        tmp_path / "one", tmp_path / "sharded", ("documents", "articles", "entities", "entity_counts")
    )


def _cli_tables(tmp_path: Path, inputs):
    out = tmp_path / "cli"
    newsprint.run(inputs, out, no_furniture=True)
    return {name: read_table(out, name) for name in ("entities", "quantities")}


def _as_cli_types(table: pa.Table, like: pa.Table) -> pa.Table:
    """Spark gives bigint and string where the dataset has uint32 and large_string."""
    return table.select(like.column_names).cast(like.schema)


@pytest.fixture(scope="module")
def gold_docs(gold_inputs):
    """The sample and gold pages as bytes (UTF-8, GB18030, UTF-16 among them), named by
    their paths as the command line names them (always here, unlike the NIST articles)."""
    return [p.read_bytes() for p in gold_inputs], [str(p) for p in gold_inputs]


@pytest.fixture(scope="module")
def nist_docs(nist_jsonl):
    return jsonl_texts(nist_jsonl)


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed")
    if shutil.which("java") is None:
        pytest.skip("no Java for Spark (Debian: default-jre-headless)")
    from pyspark.sql import SparkSession

    # The workers run this interpreter, with the installed package (not a checkout's).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    session = (
        SparkSession.builder.master("local[2]")
        .appName("newsprint-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def _spark_matches(spark, tmp_path, inputs, docs):
    import newsprint.spark as nps

    want = _cli_tables(tmp_path, inputs)
    texts, sources = docs
    kind = "binary" if isinstance(texts[0], bytes) else "string"
    df = spark.createDataFrame(list(zip(texts, sources)), f"text {kind}, source string").repartition(2)
    for name, cli in want.items():
        assert cli.num_rows > 0, name
        got = nps.process(df, table=name, source="source")
        assert got.schema == nps.schema(name)
        batches = got._collect_as_arrow()  # one Spark job, where a count first made two
        assert batches, name
        rows = pa.Table.from_batches(batches)
        assert comparable(_as_cli_types(rows, cli), name) == comparable(cli, name), name


def test_spark_map_in_arrow_gives_the_command_lines_rows_on_gold_pages(spark, tmp_path, gold_docs):
    _spark_matches(spark, tmp_path, gold_docs[1], gold_docs)


def test_spark_map_in_arrow_gives_the_command_lines_rows_on_nist(spark, tmp_path, nist_jsonl, nist_docs):
    _spark_matches(spark, tmp_path, str(nist_jsonl), nist_docs)


def test_spark_runs_shards_and_merges_into_one_runs_dataset(spark, tmp_path, gold_inputs):
    import newsprint.spark as nps

    _assert_shards_equal_one_run(
        tmp_path, gold_inputs, lambda inputs, out: nps.run(spark, inputs, out, shards=2)
    )


@pytest.fixture(scope="module")
def ray_local():
    try:
        import ray
    except ImportError:
        pytest.skip("ray is not installed (its wheel could not be installed here)")
    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)
    yield ray
    ray.shutdown()


def _ray_matches(ray_local, tmp_path, inputs, docs):
    import ray.data

    import newsprint.ray as npr

    want = _cli_tables(tmp_path, inputs)
    texts, sources = docs
    ds = ray.data.from_arrow(pa.table({"text": texts, "source": sources})).repartition(2)
    for name, cli in want.items():
        assert cli.num_rows > 0, name
        got = pa.concat_tables(
            ray_local.get(npr.process(ds, table=name, source="source", batch_size=64).to_arrow_refs())
        )
        assert comparable(got.select(cli.column_names), name) == comparable(cli, name), name


def test_ray_map_batches_gives_the_command_lines_rows_on_gold_pages(ray_local, tmp_path, gold_docs):
    _ray_matches(ray_local, tmp_path, gold_docs[1], gold_docs)


def test_ray_map_batches_gives_the_command_lines_rows_on_nist(ray_local, tmp_path, nist_jsonl, nist_docs):
    _ray_matches(ray_local, tmp_path, str(nist_jsonl), nist_docs)


def test_ray_runs_shards_and_merges(ray_local, tmp_path, gold_inputs):
    import newsprint.ray as npr

    _assert_shards_equal_one_run(tmp_path, gold_inputs, lambda inputs, out: npr.run(inputs, out, shards=2))

"""newsprint.process and newsprint.run/merge against the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

import newsprint
from conftest import PER_DOCUMENT, SAMPLE, comparable, jsonl_texts, read_table


def test_process_gives_the_command_lines_rows_on_the_sample_and_gold_pages(tmp_path, gold_inputs):
    out = tmp_path / "cli"
    # Furniture learned across pages is the run's alone: compare the per-document path.
    summary = newsprint.run([str(p) for p in gold_inputs], out, no_furniture=True, threads=2)
    assert summary["new_documents"] == len(gold_inputs)
    documents = read_table(out, "documents")
    sources = documents.column("source").to_pylist()
    assert sorted(sources) == sorted(str(p) for p in gold_inputs)

    tables = newsprint.process([Path(s).read_bytes() for s in sources], sources=sources, threads=2)
    assert tuple(tables) == PER_DOCUMENT
    for name in PER_DOCUMENT:
        cli = read_table(out, name)
        ours = tables[name]
        assert ours.schema.equals(cli.schema), f"{name}: {ours.schema} != {cli.schema}"
        assert ours.num_rows > 0, name
        assert comparable(ours, name) == comparable(cli, name), name
    assert tables["documents"].column("run").null_count == len(sources)


def test_process_takes_lists_arrow_polars_and_pandas_alike():
    texts = [SAMPLE.read_text(encoding="utf-8"), "国务院总理李鹏在北京会见了客人。"]
    want = newsprint.process(texts)
    arrays = [pa.array(texts), pa.chunked_array([texts[:1], texts[1:]], type=pa.large_string())]
    try:
        import polars as pl

        arrays.append(pl.Series("text", texts))
    except ImportError:  # pragma: no cover - the test extra installs it
        pass
    try:
        import pandas as pd

        arrays.append(pd.Series(texts))
    except ImportError:  # pragma: no cover
        pass
    for column in arrays:
        got = newsprint.process(column)
        for name in PER_DOCUMENT:
            assert got[name].equals(want[name]), (type(column), name)


def test_bad_documents_are_rows_not_exceptions():
    texts = ["李鹏在北京。", None, b"\x00\x01\x02" * 50, "", "a\ud800b", "长" * 600_000, "北京。"]
    published = ["1998-01-05", None, None, None, None, None, "not a date"]
    tables = newsprint.process(texts, published=published, max_document_mb=1)
    documents = tables["documents"]
    status = documents.column("status").to_pylist()
    errors = documents.column("error").to_pylist()
    assert status == ["ok", "error", "binary", "empty", "error", "error", "error"]
    assert errors[1] == "the text is null"
    assert documents.column("content_hash").to_pylist()[1] is None
    assert "not Unicode" in errors[4]
    assert errors[5] == "larger than the 1 MiB document limit"
    assert errors[6] == 'published "not a date" is not a YYYY-MM-DD date'
    assert documents.column("published_date").to_pylist()[0] == dt.date(1998, 1, 5)


def test_columns_of_nulls_and_of_categories_are_read():
    import pandas as pd
    import polars as pl

    nulls = newsprint.process(pa.array([None, None]))["documents"]
    assert nulls.column("status").to_pylist() == ["error", "error"]
    texts = ["李鹏在北京。", "李鹏在北京。", "北京。"]
    want = newsprint.process(texts)["entities"]
    for column in (
        pa.array(texts).dictionary_encode(),
        pd.Series(texts, dtype="category"),
        pl.Series(texts, dtype=pl.Categorical),
    ):
        assert newsprint.process(column)["entities"].equals(want), type(column)
    dates = pd.Series([pd.Timestamp("2001-02-03"), pd.NaT, pd.NaT])
    published = newsprint.process(texts, published=dates)["documents"].column("published_date")
    assert published.to_pylist() == [dt.date(2001, 2, 3), None, None]


def test_options_reach_the_per_document_path():
    page = "（记者张三）\n国务院总理李鹏在北京会见了客人。\n返回搜狐，查看更多\n"
    kept = newsprint.process([page])["removed"].column("method").to_pylist()
    dropped = newsprint.process([page], drop={"sohu": "返回搜狐.*$"})["removed"]
    assert "pattern:sohu" in dropped.column("method").to_pylist()
    assert "pattern:sohu" not in kept
    assert (
        dropped.column("kind").to_pylist()[dropped.column("method").to_pylist().index("pattern:sohu")]
        == "furniture"
    )
    dated = newsprint.process(["李鹏在北京会见了客人。"], published=dt.date(1998, 1, 5))
    assert dated["documents"].column("published_date").to_pylist() == [dt.date(1998, 1, 5)]
    rules = newsprint.process(["国务院总理李鹏在北京会见了客人。"], entities="rules")
    assert "李鹏" in rules["entities"].column("name").to_pylist()


def test_the_python_apis_errors(tmp_path):
    with pytest.raises(TypeError, match="single str"):
        newsprint.process("一篇文章")
    with pytest.raises(TypeError, match=r"texts\[1\] is a int"):
        newsprint.process(["一篇", 3])
    with pytest.raises(TypeError, match="unexpected keyword argument 'entitys'"):
        newsprint.process(["一篇"], entitys="rules")
    with pytest.raises(TypeError, match="an option of newsprint.run"):
        newsprint.process(["一篇"], out="x")
    with pytest.raises(ValueError, match="entities must be"):
        newsprint.process(["一篇"], entities="crf")
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date"):
        newsprint.process(["一篇"], published="yesterday")
    with pytest.raises(ValueError, match="1 texts and 2 sources"):
        newsprint.process(["一篇"], sources=["a", "b"])
    with pytest.raises(ValueError, match="encoding"):
        newsprint.process([b"x"], encoding="no-such-encoding")
    with pytest.raises(TypeError, match="unexpected keyword argument 'thread'"):
        newsprint.run(str(SAMPLE), tmp_path / "out", thread=2)
    with pytest.raises(ValueError, match="--threads"):
        newsprint.run(str(SAMPLE), tmp_path / "out", threads=0)
    with pytest.raises(TypeError, match="shard must be a pair"):
        newsprint.run(str(SAMPLE), tmp_path / "out", shard=1)
    with pytest.raises(FileNotFoundError):
        newsprint.run(str(tmp_path / "no-such-page.txt"), tmp_path / "out")
    with pytest.raises(FileNotFoundError):
        newsprint.merge(tmp_path / "no-such-dataset")
    with pytest.raises(TypeError, match="full is a flag: True or False, not 1"):
        newsprint.run(str(SAMPLE), tmp_path / "out", full=1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'fulll'"):
        newsprint.run(str(SAMPLE), tmp_path / "out", fulll=False)
    with pytest.raises(ValueError, match=r"possible values: tagger, rules"):
        newsprint.run(str(SAMPLE), tmp_path / "out", entities="crf")
    with pytest.raises(TypeError, match="published must be a date"):
        newsprint.process(["一篇"], published=20240420)
    with pytest.raises(TypeError, match="threads must be an int"):
        newsprint.process(["一篇"], threads="2")
    with pytest.raises(TypeError, match="no_builtin_drop must be a bool"):
        newsprint.process(["一篇"], no_builtin_drop="false")
    with pytest.raises(TypeError, match="not a mapping"):
        newsprint.process({"a": "一篇"})
    with pytest.raises(ValueError, match=r"sources\[0\] is None"):
        newsprint.process(["一篇"], sources=[None])
    with pytest.raises(ValueError, match="does not compile"):
        newsprint.process(["一篇"], drop={"footer": "(["})
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        newsprint.process_batches(["一篇"], bogus=1)  # at the call, not at the first batch


def test_run_takes_an_input_that_starts_with_a_dash(tmp_path, monkeypatch):
    page = tmp_path / "-page.txt"
    page.write_bytes(SAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    summary = newsprint.run("-page.txt", tmp_path / "out", drop=[("x", "湘潭")])
    assert summary["new_documents"] == 1


def test_run_and_merge_of_two_shards_equal_one_run(tmp_path, gold_inputs):
    inputs = [str(p) for p in gold_inputs]
    one = newsprint.run(inputs, tmp_path / "one", published_date="2026-01-21")
    assert one["recorded"] and one["failed_documents"] == 0
    for i in range(2):
        newsprint.run(inputs, tmp_path / "two", shard=(i, 2), published_date="2026-01-21")
    merged = newsprint.merge(tmp_path / "two")
    assert merged["event"] == "merged"
    for name in (*PER_DOCUMENT, "entity_counts", "quantity_counts"):
        a = read_table(tmp_path / "one", name)
        b = read_table(tmp_path / "two", name)
        drop = ["run"] if name == "documents" else []
        assert comparable(a.drop_columns(drop), name) == comparable(b.drop_columns(drop), name), name
    # A rerun adds nothing and says so.
    again = newsprint.run(inputs, tmp_path / "one", published_date="2026-01-21")
    assert again["recorded"] is False and again["new_documents"] == 0


def test_process_gives_the_command_lines_figures_and_entities_on_nist(tmp_path, nist_jsonl):
    out = tmp_path / "cli"
    newsprint.run(str(nist_jsonl), out, no_furniture=True)
    texts, sources = jsonl_texts(nist_jsonl)
    tables = newsprint.process(texts, sources=sources)
    for name in ("documents", "entities", "quantities", "paragraphs"):
        assert comparable(tables[name], name) == comparable(read_table(out, name), name), name


def test_process_batches_gives_process_rows_a_batch_at_a_time(gold_inputs):
    import polars as pl

    texts = [p.read_bytes() for p in gold_inputs] + [None, "李鹏在北京。"]
    whole = newsprint.process(texts)
    batches = list(newsprint.process_batches(texts, batch_size=4))
    assert len(batches) == (len(texts) + 3) // 4
    for name in PER_DOCUMENT:
        joined = pa.concat_tables(b[name] for b in batches)
        assert joined.equals(whole[name]), name
    series = pl.Series([t.decode("utf-8", "replace") if isinstance(t, bytes) else t for t in texts])
    from_series = list(newsprint.process_batches(series, batch_size=5))
    assert sum(b["documents"].num_rows for b in from_series) == len(texts)
    with pytest.raises(ValueError, match="batch_size"):
        next(newsprint.process_batches(texts, batch_size=0))


def test_a_run_stops_when_the_python_that_started_it_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    if not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux's")
    # A stand-in for the command line that runs until it is stopped, writing its pid.
    marker = tmp_path / "pid"
    fake = tmp_path / "newsprint"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in *--help*) echo "      --out <DIR>"; exit 0;; esac\n'
        f'echo $$ > "{marker}"\n'
        "exec sleep 60\n"
    )
    fake.chmod(0o755)
    script = f"import newsprint; newsprint.run({str(SAMPLE)!r}, {str(tmp_path / 'out')!r})"
    python = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "NEWSPRINT_BIN": str(fake)})
    deadline = time.monotonic() + 20
    while not marker.exists() or not marker.read_text().strip():
        assert time.monotonic() < deadline, "the stand-in did not start"
        time.sleep(0.05)
    child = int(marker.read_text())
    python.send_signal(signal.SIGKILL)
    python.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "the run outlived the Python that started it"
        time.sleep(0.05)

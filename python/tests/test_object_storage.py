"""newsprint.run and newsprint.merge into s3:// (moto's S3 server on loopback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import newsprint
from conftest import comparable, read_table


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A moto S3 server on a free port, with test credentials in the environment the
    command line inherits; yields a boto3 client and the storage options to reach it."""
    pytest.importorskip("moto.server", reason="moto is not installed (pip install 'moto[server]')")
    boto3 = pytest.importorskip("boto3")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.1)
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1")
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="datasets")
    yield client, [f"endpoint={endpoint}", "allow_http=true"]
    server.kill()
    server.wait()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _download(client, bucket: str, prefix: str, to: Path) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            path = to / item["Key"][len(prefix) :]
            path.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, item["Key"], str(path))


def test_shards_into_s3_then_merge_equal_one_local_run(s3, tmp_path, gold_inputs):
    client, storage = s3
    inputs = [str(p) for p in gold_inputs]
    newsprint.run(inputs, tmp_path / "local")
    for i in range(2):
        summary = newsprint.run(inputs, "s3://datasets/night", shard=(i, 2), storage_option=storage)
        assert summary["failed_documents"] == 0
    merged = newsprint.merge("s3://datasets/night", storage_option=storage)
    assert merged["rows"]["documents"] == len(inputs)
    _download(client, "datasets", "night/", tmp_path / "from-s3")
    for name in ("documents", "articles", "entities", "quantities", "entity_counts"):
        a, b = read_table(tmp_path / "local", name), read_table(tmp_path / "from-s3", name)
        drop = ["run"] if name == "documents" else []
        assert comparable(a.drop_columns(drop), name) == comparable(b.drop_columns(drop), name), name

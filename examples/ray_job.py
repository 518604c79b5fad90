"""newsprint on Ray: figures of a Dataset's texts, and a whole archive by shards.

Usage: python examples/ray_job.py [PAGES_DIR]   (a local Ray unless RAY_ADDRESS is set)

Needs the newsprint wheel with Ray Data (`pip install 'newsprint-…whl[ray]'`). On a
cluster, every node needs the wheel, and the archive and the output must be on storage
they all reach (a shared file system or s3://).
"""

import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import ray

import newsprint.ray as npr

root = Path(__file__).resolve().parent.parent
pages = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "data" / "gold" / "pages"
files = sorted(p for p in pages.rglob("*.txt"))

ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)

# The per-document path with map_batches: one row per figure, with its normalised value.
ds = ray.data.from_arrow(
    pa.table({"text": [p.read_bytes() for p in files], "source": [str(p) for p in files]})
)
figures = npr.process(ds, table="quantities", source="source").to_arrow_refs()
table = pa.concat_tables(ray.get(figures))
print(table.group_by("kind").aggregate([("kind", "count")]).sort_by("kind"))

# A whole archive: one task per shard into one dataset, then one merge.
with tempfile.TemporaryDirectory() as out:
    result = npr.run([str(p) for p in files], str(Path(out) / "dataset"), shards=2)
    rows = result["merge"]["rows"]
    print(f"2 shards merged: {rows['documents']} documents, {rows['quantities']} figures")
    assert rows["documents"] == len(files)
    assert rows["quantities"] == table.num_rows

ray.shutdown()

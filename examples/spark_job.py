"""newsprint on Spark: entities of a DataFrame's texts, and a whole archive by shards.

Usage: python examples/spark_job.py [PAGES_DIR]   (local[2] unless SPARK_MASTER is set)

Needs the newsprint wheel with pyspark (`pip install 'newsprint-…whl[spark]'`) and Java
17+. On a cluster, every executor needs the wheel, and the archive and the output must
be on storage they all reach (a shared file system or s3://).
"""

import os
import sys
import tempfile
from pathlib import Path

from pyspark.sql import SparkSession

import newsprint.spark as nps

root = Path(__file__).resolve().parent.parent
pages = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "data" / "gold" / "pages"
files = sorted(p for p in pages.rglob("*.txt"))

spark = (
    SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[2]"))
    .appName("newsprint-example")
    .config("spark.ui.enabled", "false")
    .getOrCreate()
)

# The per-document path with mapInArrow: one row per entity mention, keys as in a dataset.
df = spark.createDataFrame([(p.read_bytes(), str(p)) for p in files], "text binary, source string")
entities = nps.process(df, table="entities", source="source")
entities.groupBy("kind").count().orderBy("kind").show()
people = entities.filter("kind = 'person'").groupBy("name").count().orderBy("count", ascending=False)
people.show(5)

# A whole archive: one task per shard into one dataset, then one merge.
with tempfile.TemporaryDirectory() as out:
    result = nps.run(spark, [str(p) for p in files], str(Path(out) / "dataset"), shards=2)
    rows = result["merge"]["rows"]
    print(f"2 shards merged: {rows['documents']} documents, {rows['articles']} articles")
    assert rows["documents"] == len(files)

spark.stop()

"""newsprint: Chinese newspaper pages and web news into clean articles, entities and figures.

- :func:`process` runs the per-document path (decode, clean, extract) over a column of
  texts and returns the dataset's per-document tables as ``pyarrow.Table``\\ s;
  :func:`process_batches` yields them a batch at a time, in bounded memory.
- :func:`run` and :func:`merge` run the batch as the command line does (the same options,
  the same dataset, the run's summary as a dict), into a folder or ``s3://``.
- :mod:`newsprint.spark` and :mod:`newsprint.ray` do both on a cluster.

The columns are those of the dataset's contract (``docs/schema.md``), version
:data:`SCHEMA_VERSION`.
"""

from ._cli import NewsprintError, command_line, merge, run
from ._newsprint import SCHEMA_VERSION, __version__
from ._process import PROCESS_OPTIONS, TABLES, process, process_batches

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "PROCESS_OPTIONS",
    "NewsprintError",
    "__version__",
    "command_line",
    "merge",
    "process",
    "process_batches",
    "run",
]

"""``newsprint.process``: the per-document path over a column of texts."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Dict, List, Optional, Tuple, Union

import pyarrow as pa

from . import _newsprint

#: The tables :func:`process` returns, in order.
TABLES = ("documents", "articles", "paragraphs", "entities", "quantities", "removed")

#: The options :func:`process` takes, by their command-line names (``run --help``).
PROCESS_OPTIONS = ("entities", "encoding", "published_date", "drop", "no_builtin_drop")

# `run`'s options that mean nothing for texts already in memory: named in the TypeError.
_RUN_ONLY = frozenset(
    """out work_dir full rehash shard shard_count dry_run max_errors strict log_format
    batch_docs batch_mb rows_per_part max_document_mb text_field near_dup_threshold
    no_near_dup furniture_min_docs no_furniture no_follow_symlinks""".split()
)

DateLike = Union[str, _dt.date, None]


def _date(value: DateLike, what: str) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"{what} must be a date or a 'YYYY-MM-DD' string, not {type(value).__name__}")


def _as_arrow(texts: Any) -> Any:
    """A column of texts as something the native core reads through the Arrow C interface."""
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of texts, not a single " + type(texts).__name__)
    if isinstance(texts, (pa.Array, pa.ChunkedArray)):
        return texts
    module = type(texts).__module__.split(".")[0]
    if module == "pandas":
        return pa.array(texts, from_pandas=True)
    if hasattr(texts, "__arrow_c_stream__") or hasattr(texts, "__arrow_c_array__"):
        return texts  # polars, arro3, nanoarrow, …: read without a copy
    if not isinstance(texts, Iterable):
        raise TypeError(f"texts must be a sequence of str or bytes, not {type(texts).__name__}")
    items = list(texts)
    for i, item in enumerate(items):
        if item is not None and not isinstance(item, (str, bytes, bytearray, memoryview)):
            raise TypeError(f"texts[{i}] is a {type(item).__name__}, not str or bytes")
    # A list goes to the native core as it is: str is text, bytes are decoded as files are.
    return [bytes(i) if isinstance(i, (bytearray, memoryview)) else i for i in items]


def _drop(value: Any) -> List[Tuple[str, str]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, str):
        pairs = [value]
    else:
        pairs = list(value)
    out = []
    for pair in pairs:
        if isinstance(pair, str):
            name, sep, pattern = pair.partition("=")
            if not sep or not name.strip() or not pattern:
                raise ValueError(f"drop: {pair!r} is not NAME=PATTERN")
            out.append((name.strip(), pattern))
        elif isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            out.append(pair)
        else:
            raise TypeError(f"drop takes 'NAME=PATTERN' strings or (name, pattern) pairs, not {pair!r}")
    return out


def process(
    texts: Any,
    *,
    published: Union[DateLike, Sequence[DateLike]] = None,
    sources: Optional[Sequence[str]] = None,
    threads: Optional[int] = None,
    **options: Any,
) -> Dict[str, pa.Table]:
    """Clean and extract each text as ``newsprint run`` does each input.

    Args:
        texts: the documents: a list of ``str`` (text) or ``bytes`` (decoded as files are,
            the encoding detected), a ``pyarrow`` array or chunked array of strings or
            binary, or a polars or pandas column of them. A null is a document whose
            ``documents.status`` is ``error``.
        published: each text's publication date (a sequence as long as ``texts``), or one
            date for all; as a JSON Lines record's ``published_date``.
        sources: each text's name (a path, URL or id), as ``documents.source``. ``doc_id`` is
            the hash of the source and the text, so the same name and text give the same
            keys as the command line. Default: ``texts[0]``, ``texts[1]``, …
        threads: worker threads (default: one per core). The GIL is released meanwhile.
        **options: the command line's per-document options, by their names:
            ``entities`` (``"tagger"``, the default, or ``"rules"``), ``encoding`` (a label
            such as ``"gbk"``: decode every bytes text with it), ``published_date`` (the date
            to assume where a page gives none), ``drop`` (patterns to take out:
            ``{"name": "regex"}`` or ``["name=regex"]``), ``no_builtin_drop`` (keep what
            newsprint's own list takes out).

    Returns:
        ``{"documents", "articles", "paragraphs", "entities", "quantities", "removed"}``,
        each a ``pyarrow.Table`` with the dataset's columns, types and keys (``doc_id``,
        ``article_id``). What needs the whole corpus is not computed: furniture learned
        across pages (only the built-in list and ``drop`` apply), ``articles.duplicate_of``
        and ``duplicate_similarity`` (null), a repeated text's ``documents`` status (each
        text is its own document), ``documents.run`` (null), and the summary tables.

    Raises:
        TypeError: ``texts`` is not a column of texts, or an option is unknown.
        ValueError: an option's value is wrong (a date, a pattern, an encoding), or
            ``published``/``sources`` are not as long as ``texts``.
    """
    for name in options:
        if name not in PROCESS_OPTIONS:
            hint = " (an option of newsprint.run, not of the per-document path)" if name in _RUN_ONLY else ""
            raise TypeError(f"process() got an unexpected keyword argument {name!r}{hint}")
    column = _as_arrow(texts)
    n = len(column)
    if sources is None:
        source_list = [f"texts[{i}]" for i in range(n)]
    else:
        if isinstance(sources, str):
            raise TypeError("sources must be a sequence of names, one a text")
        source_list = [str(s) for s in sources]
        if len(source_list) != n:
            raise ValueError(f"{n} texts and {len(source_list)} sources")
    if published is None or isinstance(published, (str, _dt.date)):
        one = _date(published, "published")
        published_list = [one] * n
    else:
        published_list = [_date(p, f"published[{i}]") for i, p in enumerate(published)]
        if len(published_list) != n:
            raise ValueError(f"{n} texts and {len(published_list)} published dates")
    if threads is not None and (not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive int, not {threads!r}")
    entities = options.get("entities", "tagger")
    encoding = options.get("encoding")
    for name, value in (("entities", entities), ("encoding", encoding)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    tables = _newsprint.process(
        column,
        source_list,
        published_list,
        threads,
        encoding,
        _date(options.get("published_date"), "published_date"),
        _drop(options.get("drop")),
        bool(options.get("no_builtin_drop", False)),
        entities,
    )
    # (Not pa.table, which imports pandas to ask whether this is a DataFrame.)
    return {name: pa.RecordBatchReader.from_stream(table).read_all() for name, table in tables}


def process_batches(
    texts: Any,
    *,
    batch_size: int = 1024,
    published: Union[DateLike, Sequence[DateLike]] = None,
    sources: Optional[Sequence[str]] = None,
    threads: Optional[int] = None,
    **options: Any,
) -> Iterator[Dict[str, pa.Table]]:
    """:func:`process`, ``batch_size`` texts at a time: yields each batch's tables, so that
    memory holds one batch's tables rather than all of them (write each one out, or keep
    what you need). The rows are those :func:`process` gives, batch by batch, in order;
    the default sources count on across batches (``texts[1024]``, …)."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, not {batch_size!r}")
    for name in options:
        if name not in PROCESS_OPTIONS:
            raise TypeError(f"process_batches() got an unexpected keyword argument {name!r}")
    column = _as_arrow(texts)
    if not isinstance(column, (list, pa.Array, pa.ChunkedArray)):
        column = pa.chunked_array(column.to_arrow()) if hasattr(column, "to_arrow") else pa.array(column)
    n = len(column)
    if sources is None:
        sources = [f"texts[{i}]" for i in range(n)]
    elif len(sources) != n:
        raise ValueError(f"{n} texts and {len(sources)} sources")
    if published is not None and not isinstance(published, (str, _dt.date)) and len(published) != n:
        raise ValueError(f"{n} texts and {len(published)} published dates")
    for start in range(0, n, batch_size):
        end = min(start + batch_size, n)
        part = column[start:end] if isinstance(column, list) else column.slice(start, end - start)
        dates = (
            published if published is None or isinstance(published, (str, _dt.date)) else published[start:end]
        )
        yield process(part, published=dates, sources=list(sources[start:end]), threads=threads, **options)

"""``newsprint.process``: the per-document path over a column of texts."""

from __future__ import annotations

import datetime as _dt
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Dict, List, Optional, Tuple, Union

import pyarrow as pa

from . import _cli, _newsprint

#: The tables :func:`process` returns, in order.
TABLES = ("documents", "articles", "paragraphs", "entities", "quantities", "removed")

#: The options :func:`process` takes, by their command-line names (``run --help``).
PROCESS_OPTIONS = ("entities", "encoding", "published_date", "drop", "no_builtin_drop", "max_document_mb")

DateLike = Union[str, _dt.date, None]


def _date(value: DateLike, what: str) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            _dt.datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise ValueError(f"{what}: {value!r} is not a YYYY-MM-DD date") from None
        return value
    raise TypeError(f"{what} must be a date or a 'YYYY-MM-DD' string, not {type(value).__name__}")


def _row_date(value: Any) -> Optional[str]:
    """One text's date as the native core takes it: a missing one (None, NaN, NaT) is
    none, and anything that is not a date is passed on as text, to be that row's error."""
    if value is None or value != value:  # NaN and NaT are not equal to themselves
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else repr(value)


def _published(published: Any, n: int) -> List[Optional[str]]:
    if published is None or isinstance(published, (str, _dt.date)):
        return [_date(published, "published")] * n
    if not isinstance(published, Iterable) or isinstance(published, (bytes, Mapping)):
        raise TypeError(
            "published must be a date, a 'YYYY-MM-DD' string, or a sequence of them (one a text), "
            f"not {type(published).__name__}"
        )
    dates = [_row_date(p) for p in (published.to_pylist() if hasattr(published, "to_pylist") else published)]
    if len(dates) != n:
        raise ValueError(f"{n} texts and {len(dates)} published dates")
    return dates


def _sources(sources: Any, n: int) -> List[str]:
    if sources is None:
        return [f"texts[{i}]" for i in range(n)]
    if isinstance(sources, (str, bytes, Mapping)) or not isinstance(sources, Iterable):
        raise TypeError("sources must be a sequence of names, one a text")
    names = list(sources.to_pylist() if hasattr(sources, "to_pylist") else sources)
    if len(names) != n:
        raise ValueError(f"{n} texts and {len(names)} sources")
    for i, name in enumerate(names):
        if name is None:
            raise ValueError(f"sources[{i}] is None: every text needs a name")
    return [str(name) for name in names]


def _is_run_option(name: str) -> bool:
    """Whether ``name`` is one of ``run``'s options, as the installed command line lists
    them (false where there is none: the hint is then left out)."""
    try:
        return name in _cli.options_of("run", _cli.command_line())
    except (OSError, subprocess.SubprocessError):
        return False


def _check_options(function: str, options: Mapping[str, Any], threads: Any) -> None:
    """Unknown options and values of the wrong type, before any work."""
    for name in options:
        if name not in PROCESS_OPTIONS:
            hint = ""
            if _is_run_option(name):
                hint = " (an option of newsprint.run, not of the per-document path)"
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}{hint}")
    kinds = {"entities": str, "encoding": str, "no_builtin_drop": bool, "max_document_mb": int}
    for name, kind in kinds.items():
        value = options.get(name)
        if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
            raise TypeError(f"{name} must be a {kind.__name__}, not {type(value).__name__}")
    if threads is not None:
        if not isinstance(threads, int) or isinstance(threads, bool):
            raise TypeError(f"threads must be an int, not {type(threads).__name__}")
        if threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
    limit = options.get("max_document_mb")
    if limit is not None and not 1 <= limit <= 65536:
        raise ValueError(f"max_document_mb must be from 1 to 65536, not {limit}")


def _as_arrow(texts: Any) -> Any:
    """A column of texts as something the native core reads through the Arrow C interface."""
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of texts, not a single " + type(texts).__name__)
    if isinstance(texts, Mapping):
        raise TypeError("texts must be a sequence of texts, not a mapping (pass its values)")
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
            newsprint's own list takes out), ``max_document_mb`` (a larger text is an
            error row, as in a run; default 64).

    Returns:
        ``{"documents", "articles", "paragraphs", "entities", "quantities", "removed"}``,
        each a ``pyarrow.Table`` with the dataset's columns, types and keys (``doc_id``,
        ``article_id``). What needs the whole corpus is not computed: furniture learned
        across pages (only the built-in list and ``drop`` apply), ``articles.duplicate_of``
        and ``duplicate_similarity`` (null), a repeated text's ``documents`` status (each
        text is its own document), ``documents.run`` (null), and the summary tables.

    Raises:
        TypeError: ``texts`` is not a column of texts, an option is unknown, or a value
            is of the wrong type.
        ValueError: an option's value is wrong (a date, a pattern, an encoding), or
            ``published``/``sources`` are not as long as ``texts``. A text's own trouble
            (a null, bytes that are not text, a date that is not one, a text over the size
            limit) is its ``documents`` row, never an exception.
    """
    _check_options("process", options, threads)
    column = _as_arrow(texts)
    n = len(column)
    source_list = _sources(sources, n)
    published_list = _published(published, n)
    tables = _newsprint.process(
        column,
        source_list,
        published_list,
        threads,
        options.get("encoding"),
        _date(options.get("published_date"), "published_date"),
        _drop(options.get("drop")),
        options.get("no_builtin_drop") or False,
        options.get("entities") or "tagger",
        options.get("max_document_mb") or 64,
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
    the default sources count on across batches (``texts[1024]``, …). The arguments are
    checked when it is called, before the first batch."""
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, not {batch_size!r}")
    _check_options("process_batches", options, threads)
    column = _as_arrow(texts)
    if not isinstance(column, (list, pa.Array, pa.ChunkedArray)):
        column = pa.chunked_array(column.to_arrow()) if hasattr(column, "to_arrow") else pa.array(column)
    n = len(column)
    names = _sources(sources, n)
    dates = _published(published, n)

    def batches() -> Iterator[Dict[str, pa.Table]]:
        for start in range(0, n, batch_size):
            end = min(start + batch_size, n)
            part = column[start:end] if isinstance(column, list) else column.slice(start, end - start)
            yield process(
                part, published=dates[start:end], sources=names[start:end], threads=threads, **options
            )

    return batches()

"""``newsprint.run`` and ``newsprint.merge``: the batch, by the command line itself.

The run is the installed ``newsprint`` program (the wheel puts it on ``PATH``), so a
Python caller gets exactly what the command line does: the same options, dataset, commit
protocol, lock and exit codes. Its log lines reach the ``newsprint`` logger; its summary
comes back as a dict.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any, Dict, List, Union

log = logging.getLogger("newsprint")

PathLike = Union[str, "os.PathLike[str]"]


class NewsprintError(RuntimeError):
    """A run or merge that failed; ``exit_code`` is the command line's (1 failed, 130
    stopped by a signal), ``stderr`` its last lines."""

    def __init__(self, message: str, exit_code: int, stderr: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr = stderr


def command_line() -> str:
    """The path of the ``newsprint`` program that :func:`run` and :func:`merge` call: the
    ``NEWSPRINT_BIN`` environment variable, else the one this package installed, else
    the first on ``PATH``."""
    chosen = os.environ.get("NEWSPRINT_BIN")
    if chosen:
        return chosen
    exe = "newsprint.exe" if sys.platform == "win32" else "newsprint"
    # Where pip put this package's copy: the environment's scripts, or the user's (--user).
    places = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    try:
        places.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    except KeyError:
        pass
    for place in places:
        candidate = os.path.join(place, exe)
        if os.path.isfile(candidate):
            return candidate
    found = shutil.which(exe)
    if found:
        _check_version(found)
        return found
    raise FileNotFoundError(
        "the newsprint program is not installed beside this package nor on PATH; "
        "install the newsprint wheel or set NEWSPRINT_BIN"
    )


@functools.lru_cache(maxsize=None)
def _check_version(program: str) -> None:
    """Warns once when the command line found on PATH is not this package's version: its
    options and dataset may differ from what the package documents."""
    from ._newsprint import __version__

    said = subprocess.run([program, "--version"], capture_output=True, text=True).stdout.split()
    if said[-1:] != [__version__]:
        log.warning("%s is version %s, this package %s", program, " ".join(said[1:]) or "?", __version__)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


_HELP_OPTION = re.compile(r"^\s+(?:-\w, )?--([a-z0-9-]+)(?: <[^>]+>)?", re.MULTILINE)


@functools.lru_cache(maxsize=None)
def options_of(subcommand: str, program: str) -> Dict[str, bool]:
    """The options ``PROGRAM SUBCOMMAND`` takes, by their Python names, each ``True``
    when it takes a value and ``False`` when it is a flag: read from its ``--help``, so
    that they are the installed command line's own (kept by program, so a changed
    ``NEWSPRINT_BIN`` is asked afresh)."""
    text = subprocess.run(
        [program, subcommand, "--help"], capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout
    options = {}
    for match in _HELP_OPTION.finditer(text):
        name = match.group(1).replace("-", "_")
        if name != "help":
            options[name] = "<" in match.group(0)
    return options


def _arguments(function: str, options: Mapping[str, Any]) -> List[str]:
    """The command line's arguments for keyword options: for a flag, ``True`` or
    ``False``; for an option with a value, the value (``None`` leaves it out), a list or
    tuple the option repeated, ``shard=(i, n)`` ``--shard i/n``, ``drop={name: pattern}``
    ``--drop name=pattern`` each."""
    known = options_of(function, command_line())
    args: List[str] = []
    for name, value in options.items():
        if name == "log_format":
            raise TypeError(f"{function}() sets log_format itself: it reads the summary as JSON")
        if name not in known:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")
        flag = _flag(name)
        if not known[name]:
            if not isinstance(value, bool):
                raise TypeError(f"{name} is a flag: True or False, not {value!r}")
            if value:
                args.append(flag)
        elif value is None:
            continue
        elif name == "shard":
            if (
                not isinstance(value, (tuple, list))
                or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            ):
                raise TypeError(f"shard must be a pair of ints (i, n), not {value!r}")
            args += [flag, f"{value[0]}/{value[1]}"]
        elif isinstance(value, Mapping):  # drop={name: pattern}, storage_option={key: value}
            for key, item in value.items():
                args += [flag, f"{key}={_scalar(name, item)}"]
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, tuple) and len(item) == 2:  # drop=[(name, pattern)]
                    args += [flag, f"{_scalar(name, item[0])}={_scalar(name, item[1])}"]
                else:
                    args += [flag, _scalar(name, item)]
        else:
            args += [flag, _scalar(name, value)]
    return args


def _scalar(name: str, value: Any) -> str:
    if isinstance(value, bool):
        raise TypeError(f"{name} takes a value, not {value!r}")
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (str, int, float, os.PathLike)):
        return os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    raise TypeError(f"{name} takes a str, number, date or path, not {type(value).__name__}")


#: The options of run that merge takes too (passed on by the cluster runners).
MERGE_OPTIONS = ("config", "work_dir", "storage_option", "near_dup_threshold", "no_near_dup")

_UNEXPECTED = re.compile(r"unexpected argument '--([A-Za-z0-9-]+)'")


def _log_line(line: str) -> None:
    """One of the command line's JSON log lines to the ``newsprint`` logger, as its
    message and its fields (``pass started phase=processing stored_mb=61.2``)."""
    try:
        event = json.loads(line)
    except ValueError:
        log.info("%s", line)
        return
    if not isinstance(event, dict):
        log.info("%s", line)
        return
    level = getattr(logging, str(event.get("level", "INFO")).upper(), logging.INFO)
    log.log(level, "%s", _event_text(event))


def _event_text(event: Dict[str, Any]) -> str:
    """A JSON log line's message and its fields, without its level and time."""
    fields = " ".join(f"{k}={v}" for k, v in event.items() if k not in ("level", "timestamp", "message"))
    return f"{event.get('message', '')} {fields}".strip()


def _usage_message(tail: "deque[str]") -> str:
    """What the command line said of a usage error: its plain lines (clap's message with its
    possible values), without the advice to try --help and the program's name."""
    lines = []
    for line in tail:
        if line.startswith("{") or line.startswith("For more information") or line.startswith("Usage:"):
            continue
        lines.append(line.strip())
    text = " ".join(line for line in lines if line)
    for prefix in ("newsprint: ", "error: "):
        text = text[len(prefix) :] if text.startswith(prefix) else text
    return text


def _failure_message(tail: "deque[str]") -> str:
    """Why a run failed: its error and warning lines (the JSON ones as message and fields)
    and whatever it printed as plain text, the last ones first in mind (at most 2,000
    characters)."""
    said = []
    for line in tail:
        try:
            event = json.loads(line)
        except ValueError:
            if line.strip():
                said.append(line.strip())
            continue
        if isinstance(event, dict) and str(event.get("level", "")).upper() in ("ERROR", "WARN"):
            said.append(f"{str(event['level']).lower()}: {_event_text(event)}")
    text = "; ".join(said) or "no message"
    return text[-2000:]


def _die_with_python() -> None:
    """In the child, before the command line starts: on Linux, a SIGTERM when the Python
    process that started it dies (a Spark or Ray task killed), so that the run commits
    what it has, stops and releases its dataset instead of running on unowned."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _call(function: str, args: List[str]) -> Dict[str, Any]:
    """Runs the command line; its summary (the last JSON line of its output) as a dict."""
    command = [command_line(), *args]
    log.debug("running %s", command)
    tail: deque = deque(maxlen=40)
    # A session of its own: a Ctrl-C at the terminal reaches Python alone, which passes the
    # run one SIGINT (the command line stops at once on a second).
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
        preexec_fn=_die_with_python,
    )
    # Both pipes are drained on threads of their own, so that neither fills while Python
    # waits, and the log goes on reaching the logger while an interrupted run commits.
    out: List[str] = []
    assert process.stdout is not None and process.stderr is not None
    stdout_pipe, stderr_pipe = process.stdout, process.stderr

    def read_log() -> None:
        for line in stderr_pipe:
            line = line.rstrip("\n")
            tail.append(line)
            _log_line(line)

    readers = [
        threading.Thread(target=lambda: out.append(stdout_pipe.read()), daemon=True),
        threading.Thread(target=read_log, daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        code = process.wait()
    except KeyboardInterrupt:
        # As Ctrl-C at a terminal: the run commits the batch under way and stops; a second
        # interrupt while it does stops it at once.
        process.send_signal(signal.SIGINT)
        try:
            process.wait()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGINT)
            process.wait()
        raise
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        for reader in readers:
            reader.join(timeout=10)
    stdout = "".join(out)
    stderr = "\n".join(tail)
    if code == 0:
        for line in reversed(stdout.strip().splitlines()):
            try:
                return json.loads(line)
            except ValueError:
                continue
        raise NewsprintError(f"{function}: no summary in the output: {stdout[-500:]!r}", code, stderr)
    if code == 2:
        unexpected = _UNEXPECTED.search(stderr)
        if unexpected:
            name = unexpected.group(1).replace("-", "_")
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")
        raise ValueError(f"{function}(): {_usage_message(tail)}")
    raise NewsprintError(f"{function} failed (exit {code}): {_failure_message(tail)}", code, stderr)


def _local_inputs_exist(inputs: Sequence[PathLike]) -> None:
    for item in inputs:
        text = os.fspath(item)
        if "://" in text:
            continue
        if not os.path.exists(text):
            raise FileNotFoundError(2, "no such input", text)


def run(inputs: Union[PathLike, Sequence[PathLike]], out: PathLike, **options: Any) -> Dict[str, Any]:
    """Runs ``newsprint run INPUTS --out OUT`` with ``options`` and returns its summary.

    Args:
        inputs: files, folders (read recursively), ``.gz``/``.zst``, JSON Lines, or
            ``s3://bucket/prefix`` URLs; one or a sequence.
        out: the dataset: a folder, or an ``s3://`` URL.
        **options: ``run``'s options by their names with ``_`` for ``-`` (see
            ``newsprint run --help``): ``threads=2``, ``full=True``, ``entities="rules"``,
            ``text_field=["body", "paragraphs"]``, ``drop={"footer": "返回搜狐.*$"}``,
            ``published_date=date(2003, 3, 12)``, and ``shard=(i, n)`` for shard ``i`` of
            ``n`` (then :func:`merge` once every shard is done).

    Returns:
        The run's summary (``newsprint run --log-format json``'s ``finished`` event):
        ``run``, ``new_documents``, ``failed_documents``, ``rows``, ``dataset_rows``,
        ``seconds``, ``mb_per_s``, ``peak_rss_bytes``, …

    Raises:
        TypeError: an unknown option, or a value of the wrong type.
        ValueError: a value the command line refuses (its message).
        FileNotFoundError: a local input that does not exist.
        NewsprintError: the run failed (``exit_code`` 1) or was stopped (130).
    """
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    if not items:
        raise ValueError("run: no inputs")
    _local_inputs_exist(items)
    # The inputs after `--`, so that a path that starts with `-` is an input, not an option.
    arguments = ["run", "--out", os.fspath(out), *_arguments("run", options), "--log-format", "json"]
    return _call("run", [*arguments, "--", *map(os.fspath, items)])


def merge(out: PathLike, **options: Any) -> Dict[str, Any]:
    """Runs ``newsprint merge OUT``: after every shard's :func:`run`, the corpus-wide steps
    (near-duplicates, summaries) over the whole dataset, so that it equals one run's.
    ``options`` are ``merge``'s (``threads``, ``near_dup_threshold``, …). Returns the
    ``merged`` summary; raises as :func:`run` does."""
    target = os.fspath(out)
    if "://" not in target and not os.path.isdir(target):
        raise FileNotFoundError(2, "no such dataset", target)
    return _call("merge", ["merge", *_arguments("merge", options), "--log-format", "json", "--", target])

"""``newsprint.run`` and ``newsprint.merge``: the batch, by the command line itself.

The run is the installed ``newsprint`` program (the wheel puts it on ``PATH``), so a
Python caller gets exactly what the command line does: the same options, dataset, commit
protocol, lock and exit codes. Its log lines reach the ``newsprint`` logger; its summary
comes back as a dict.
"""

from __future__ import annotations

import datetime as _dt
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
    for scheme_dir in {sysconfig.get_path("scripts"), os.path.dirname(sys.executable)}:
        candidate = os.path.join(scheme_dir, exe)
        if os.path.isfile(candidate):
            return candidate
    found = shutil.which(exe)
    if found:
        return found
    raise FileNotFoundError(
        "the newsprint program is not installed beside this package nor on PATH; "
        "install the newsprint wheel or set NEWSPRINT_BIN"
    )


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _arguments(function: str, options: Mapping[str, Any]) -> List[str]:
    """The command line's arguments for keyword options: ``True`` a flag, ``False`` or
    ``None`` nothing, a list or tuple the option repeated, ``shard=(i, n)`` ``--shard i/n``,
    ``drop={name: pattern}`` ``--drop name=pattern`` each."""
    args: List[str] = []
    for name, value in options.items():
        if name == "log_format":
            raise TypeError(f"{function}() sets log_format itself: it reads the summary as JSON")
        flag = _flag(name)
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif name == "shard":
            if (
                not isinstance(value, (tuple, list))
                or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            ):
                raise TypeError(f"shard must be a pair of ints (i, n), not {value!r}")
            args += [flag, f"{value[0]}/{value[1]}"]
        elif name == "drop" and isinstance(value, Mapping):
            for key, pattern in value.items():
                args += [flag, f"{key}={pattern}"]
        elif isinstance(value, (list, tuple)):
            for item in value:
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


def _call(function: str, args: List[str]) -> Dict[str, Any]:
    """Runs the command line; its summary (the last JSON line of its output) as a dict."""
    command = [command_line(), *args, "--log-format", "json"]
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
        start_new_session=True,
    )
    # The output is drained beside the log, so that neither pipe fills while the other is read.
    out: List[str] = []
    assert process.stdout is not None and process.stderr is not None
    reader = threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True)
    reader.start()
    try:
        for line in process.stderr:
            line = line.rstrip("\n")
            tail.append(line)
            try:
                event = json.loads(line)
                level = getattr(logging, str(event.get("level", "INFO")).upper(), logging.INFO)
                log.log(level, "%s", event.get("fields", event))
            except (ValueError, AttributeError):
                log.info("%s", line)
        code = process.wait()
        reader.join()
        stdout = "".join(out)
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
        message = next((line for line in tail if line.startswith("error:")), stderr.strip()[-1000:])
        raise ValueError(f"{function}: {message}")
    raise NewsprintError(f"{function} failed (exit {code}): {stderr.strip()[-2000:]}", code, stderr)


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
    return _call("run", ["run", *map(os.fspath, items), "--out", os.fspath(out), *_arguments("run", options)])


def merge(out: PathLike, **options: Any) -> Dict[str, Any]:
    """Runs ``newsprint merge OUT``: after every shard's :func:`run`, the corpus-wide steps
    (near-duplicates, summaries) over the whole dataset, so that it equals one run's.
    ``options`` are ``merge``'s (``threads``, ``near_dup_threshold``, …). Returns the
    ``merged`` summary; raises as :func:`run` does."""
    return _call("merge", ["merge", os.fspath(out), *_arguments("merge", options)])

"""Ranges of JSONL and Parquet files for the distributed scans (``reprint.ray``, ``reprint.spark``):
where the files are cut, which lines a range owns, the line each range starts at, and the
checks both engines run on the driver before any task."""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import _CLEAN_ONLY, _reprint
from ._errors import InputError
from ._memory import release_memory

#: Bytes per range when ``partitions`` is not given.
DEFAULT_RANGE_BYTES = 64 << 20

_READ_BYTES = 1 << 20


def paths_of(dataset_or_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """One path or a list of paths, as strings, each directory replaced by the files found
    in it as the CLI lists them (``_reprint.input_files``); at least one."""
    if isinstance(dataset_or_paths, (str, os.PathLike)):
        paths = [os.fspath(dataset_or_paths)]
    else:
        paths = [os.fspath(p) for p in dataset_or_paths]
    if not paths:
        raise InputError("no input files")
    if any(os.path.isdir(p) for p in paths):
        paths = _reprint.input_files(paths)
        if not paths:
            raise InputError("no input files: the directories hold none")
    return paths


def check_options(scan_options: dict[str, Any]) -> None:
    """The settings checked once on the driver, before any task runs: a bad one is a
    ``ConfigError`` (or ``TypeError``) now, not a failed task."""
    for name in _CLEAN_ONLY:
        if name in scan_options:
            raise TypeError(f"unexpected keyword argument {name!r} (a setting of clean)")
    _reprint.map_jsonl("<check>", 0, 1, b"", scan_options)


def _line_start(f: Any, size: int, at: int) -> int:
    """The first offset ``>= at`` where a line starts (0, or just after a line feed), or
    ``size``. Both neighbours of a cut compute it alike, so every line has one owner."""
    if at <= 0:
        return 0
    if at >= size:
        return size
    pos = at - 1
    f.seek(pos)
    while True:
        chunk = f.read(_READ_BYTES)
        if not chunk:
            return size
        nl = chunk.find(b"\n")
        if nl >= 0:
            return pos + nl + 1
        pos += len(chunk)


def _read_range(row: dict[str, Any]) -> tuple[int, bytes]:
    """Where the lines that start in ``row``'s range of its file start, and their bytes."""
    with open(row["path"], "rb") as f:
        size = os.fstat(f.fileno()).st_size
        start = _line_start(f, size, row["start"])
        end = _line_start(f, size, row["end"])
        if end <= start:
            return start, b""
        f.seek(start)
        return start, f.read(end - start)


def read_range(row: dict[str, Any]) -> bytes:
    """The bytes of the lines that start in ``row``'s range of its file."""
    return _read_range(row)[1]


def range_lines(row: dict[str, Any]) -> int:
    """The line feeds of ``row``'s range (the first job of both engines); a Parquet range's
    rows, known from the file's footer."""
    if row.get("groups") is not None:
        return row["rows"]
    return read_range(row).count(b"\n")


def map_range(row: dict[str, Any], options: dict[str, Any]) -> bytes:
    """``row``'s range through the map kernel (stage 1, in Rust), as a part: the second job
    of both engines. ``row`` carries its ``first_line`` (``first_lines``). A JSONL range's
    part keeps where its texts are in the file, not the texts: the reducer, on the driver,
    reads the ones it needs from the file again, by the name the driver was given. A Parquet
    range (row groups of the file, read by the CLI's own reader) carries its texts."""
    if row.get("groups") is not None:
        first, end = row["groups"]
        part = _reprint.map_parquet(row["name"], row["input"], row["path"], first, end, options)
    else:
        start, data = _read_range(row)
        part = _reprint.map_jsonl(
            row["name"], row["input"], row["first_line"], data, options, offset=start
        )
        del data
    release_memory(collect=True)
    return part


def run_task(task: Any, options: dict[str, Any], shared: Any) -> bytes:
    """A stage-4, stage-6 or stage-8 task through the task kernel (``_reprint.work``), as both
    engines' workers run it, then the heap it let go given back (the trim only: after a task
    the collection freed nothing and took 50-100 ms in a Ray worker)."""
    result = _reprint.work(task, options, shared)
    release_memory()
    return result


def kill_once(marker: str | None, where: str = "") -> None:
    """Tests only: the first map task to find the file ``marker`` missing creates it and
    kills its own worker process (SIGKILL), so that the engine must run the task again."""
    if marker and not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write(f"killed pid {os.getpid()}{f' on {where}' if where else ''}\n")
        os.kill(os.getpid(), signal.SIGKILL)


def reduce_parts(rs: list[dict[str, Any]], parts: Iterable[bytes], options: dict[str, Any],
                 pretty: bool, work: Callable[..., list[bytes]] | None = None) -> str:
    """The report of the ranges ``rs`` (with their ``first_line``) from their parts, taken one
    at a time in any order (``_reprint.Reducer``): a part's stage-1 values go into the
    analysis as soon as the parts before it have come, so the caller need not hold every
    part; the reducer checks that every range's part came, once. With ``work``, stage 4's
    band collisions, the pairs stage 6 reads and the listed pairs stage 8 aligns go out as
    about one task per range each (``Reducer.finish``)."""
    reducer = _reprint.Reducer([(r["input"], r["first_line"]) for r in rs], options)
    for part in parts:
        reducer.add(part)
    return finish(reducer, pretty, work=work, tasks=max(1, len(rs)))


def finish(reducer: Any, pretty: bool, **kwargs: Any) -> str:
    """``reducer.finish(pretty, **kwargs)``, and then the heap the reducer let go given back
    (``release_memory``), whether it finished or raised: the driver of a distributed scan is
    often a process that goes on (a notebook, a service), and at 100k articles it kept about
    300 MB of the reducer's freed heap (``benches/results/ray-trim-2026-12-07.md``)."""
    try:
        return reducer.finish(pretty, **kwargs)
    finally:
        release_memory()


def ranges(paths: Sequence[str], partitions: int | None, engine: str) -> list[dict[str, Any]]:
    """About ``partitions`` ranges over the files (by size), at least one per file, in input
    order: byte ranges of a JSONL file, each ``{"input", "name", "path", "start", "end"}``,
    and ranges of a Parquet file's row groups, each ``{"input", "name", "path", "start",
    "groups": [first, end], "rows"}`` (``start`` = ``first``; one range of no group when the
    footer cannot be read, which the range's task reports as the CLI does)."""
    sizes = []
    kinds = []
    for p in paths:
        if not os.path.isfile(p):
            raise InputError(f"{p}: not a file ({engine} reads plain JSONL and Parquet files)")
        kind = _reprint.file_kind(p)
        if kind not in ("jsonl", "parquet"):
            what = {"feed": "an RSS or Atom feed", "text": "a plain-text article"}.get(kind, f"{kind}-compressed")
            raise InputError(
                f"{p}: {what}: {engine} cuts plain JSONL and Parquet files only "
                "(decompress it or convert it first, or scan it with `reprint scan`)"
            )
        kinds.append(kind)
        sizes.append(os.path.getsize(p))
    total = sum(sizes)
    if partitions is None:
        partitions = max(1, -(-total // DEFAULT_RANGE_BYTES))
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, got {partitions}")
    out = []
    for k, (p, size, kind) in enumerate(zip(paths, sizes, kinds)):
        n = max(1, round(partitions * size / total)) if total else 1
        if kind == "parquet":
            groups = _reprint.parquet_row_groups(p) or []
            n = min(n, max(1, len(groups)))
            cuts = [len(groups) * i // n for i in range(n + 1)]
            for a, b in zip(cuts, cuts[1:]):
                out.append({"input": k, "name": str(p), "path": os.path.abspath(p), "start": a,
                            "groups": [a, b], "rows": sum(groups[a:b])})
            continue
        n = min(n, max(1, size))
        cuts = [size * i // n for i in range(n + 1)]
        for a, b in zip(cuts, cuts[1:]):
            out.append({"input": k, "name": str(p), "path": os.path.abspath(p), "start": a, "end": b})
    return out


def first_lines(rs: list[dict[str, Any]], counted: Iterable[dict[str, Any]]) -> None:
    """Sets each range's ``first_line`` from the line feeds the engine counted per range
    (``{"input", "start", "lines"}``, in any order): a range starts where the one before it
    in its file ended."""
    lines = {(r["input"], r["start"]): r["lines"] for r in counted}
    if len(lines) != len(rs):
        raise RuntimeError(f"{len(lines)} line counts came back for {len(rs)} ranges")
    next_line: dict[int, int] = {}
    for r in rs:  # in input order
        r["first_line"] = next_line.get(r["input"], 1)
        next_line[r["input"]] = r["first_line"] + lines[(r["input"], r["start"])]


def parser(prog: str, engine: str) -> argparse.ArgumentParser:
    """The command line both engines' entry points take: files, partitions, pretty, and the
    settings a user most often changes."""
    ap = argparse.ArgumentParser(
        prog=prog,
        description=f"Scan JSONL and Parquet files on {engine}; prints what `reprint scan --format json` prints.",
    )
    ap.add_argument("files", nargs="+", help="plain JSONL or Parquet files or directories of them, in input order")
    ap.add_argument("--partitions", type=int, default=None, help="about how many ranges")
    ap.add_argument("--pretty", action="store_true", help="indented JSON")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--text-field", default=None)
    ap.add_argument("--id-field", default=None)
    return ap


def options_of(args: argparse.Namespace) -> dict[str, Any]:
    """The scan settings given on the command line of ``parser``."""
    given = [("threshold", args.threshold), ("text_field", args.text_field), ("id_field", args.id_field)]
    return {k: v for k, v in given if v is not None}

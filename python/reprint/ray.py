"""reprint.ray: the scan of JSONL files on Ray Data, with the CLI's report (issue 19).

::

    import ray, reprint.ray
    ray.init()
    text = reprint.ray.scan(["a.jsonl", "b.jsonl"], partitions=8)   # the JSON report

or, from a shell (on a cluster, with ``RAY_ADDRESS`` set)::

    python -m reprint.ray a.jsonl b.jsonl --partitions 8 > report.json

What runs where: the files are cut into byte ranges (about ``partitions`` of them, at least
one per file), each range owning the lines that start in it. A first Ray Data map counts
each range's line feeds, so the driver knows the line each range starts at; a second runs
the map kernel (``_reprint.map_jsonl``: read the lines and run stage 1, in Rust) on each
range and returns a *part* (versioned, checksummed bytes; it keeps where each text is in its
file, not the text). The parts stream to the driver as the tasks finish, and the driver hands
each to the reducer (``_reprint.Reducer``) and lets it go: the reducer moves a part's stage-1
values into the scan's analysis as soon as every part before it in input order has come
(whatever order Ray returns them in), checks that none is missing or doubled, and runs the
remaining stages in Rust. The report is byte-identical to ``reprint scan --format json`` on the same files in
the same order, for any number of partitions.

Only stage 1 is distributed: the reducer holds every stage-1 value on the driver, and reads
again from the files the texts it needs (the listed pairs', the report's examples), as a
one-machine scan does, so the driver must read the files by the names it was given, unchanged
since the tasks read them (see benches/results/ray-2026-12-02.md). Inputs are plain
(uncompressed) JSONL files, read as JSONL whatever their names.

Retries: Ray Data's map tasks are retried when their worker process dies (Ray Data submits
them with ``max_retries=-1``, and the ``max_retries`` keyword of ``Dataset.map`` is
deprecated in Ray 2.60 in favour of named parameters that do not include it), so a killed
worker costs the range it held, which runs again and gives the same part.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from ._ranges import (
    check_options,
    first_lines,
    map_range,
    options_of,
    parser,
    paths_of,
    range_lines,
    ranges,
    reduce_parts,
)

__all__ = ["scan", "main"]

#: Tests only: the path of a marker file. The first map task that finds it missing creates
#: it and kills its own worker process (SIGKILL), so that Ray must run the range again.
_FAULT_ENV = "REPRINT_RAY_KILL_ONCE"


def _count(row: dict[str, Any]) -> dict[str, Any]:
    """Ray map: the line feeds of a range."""
    return {"input": row["input"], "start": row["start"], "lines": range_lines(row)}


def _map(row: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Ray map: a range through the map kernel, as a part."""
    marker = os.environ.get(_FAULT_ENV)
    if marker and not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write(f"killed pid {os.getpid()} on input {row['input']} byte {row['start']}\n")
        os.kill(os.getpid(), signal.SIGKILL)
    return {"part": map_range(row, options)}


def scan(
    dataset_or_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    partitions: int | None = None,
    pretty: bool = False,
    **scan_options: Any,
) -> str:
    """Scans JSONL files on Ray Data and returns the JSON report, the bytes ``reprint scan
    --format json FILES`` prints (``--pretty`` with ``pretty``) for the files in this order.

    ``dataset_or_paths``: a path or a list of paths of plain JSONL files, named in the
    report as given. ``partitions``: about how many byte ranges the files are cut into (at
    least one per file; default one per 64 MiB). ``scan_options``: the settings of
    ``reprint.scan`` (``threshold``, ``text_field`` …). Ray must be initialised
    (``ray.init()``), or Ray Data starts a local instance.
    """
    import ray.data

    if isinstance(dataset_or_paths, ray.data.Dataset):
        raise TypeError(
            "reprint.ray.scan reads JSONL files: pass their paths (a Dataset's rows carry no "
            "input position, which the byte-identical report needs)"
        )
    paths = paths_of(dataset_or_paths)
    check_options(scan_options)
    rs = ranges(paths, partitions, "reprint.ray")
    counted = ray.data.from_items(rs, override_num_blocks=len(rs)).map(_count).take_all()
    first_lines(rs, counted)
    fault = os.environ.get(_FAULT_ENV)
    parts = ray.data.from_items(rs, override_num_blocks=len(rs)).map(
        _map,
        # One thread per task: Ray schedules a task per CPU.
        fn_kwargs={"options": {"threads": 1, **scan_options}},
        runtime_env={"env_vars": {_FAULT_ENV: fault}} if fault else None,
    )
    # Streamed to the reducer as the tasks finish, in whatever order: the driver holds a
    # part only until the reducer has taken it.
    return reduce_parts(rs, (row["part"] for row in parts.iter_rows()), dict(scan_options), pretty)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m reprint.ray FILES...``: the JSON report on stdout."""
    ap = parser("python -m reprint.ray", "Ray Data")
    ap.add_argument(
        "--address", default=None, help="Ray cluster to join (default: RAY_ADDRESS, else local)"
    )
    args = ap.parse_args(argv)

    import ray

    # A cluster named by --address or RAY_ADDRESS, else a Ray of this machine's own.
    address = args.address or os.environ.get("RAY_ADDRESS") or "local"
    ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        text = scan(args.files, partitions=args.partitions, pretty=args.pretty, **options_of(args))
    finally:
        ray.shutdown()
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""reprint.ray: the scan of JSONL and Parquet files, or of a Ray Dataset, on Ray, with the
CLI's report (issue 19).

::

    import ray, reprint.ray
    ray.init()
    text = reprint.ray.scan(["a.jsonl", "b.jsonl"], partitions=8)   # the JSON report
    text = reprint.ray.scan(ray.data.read_parquet("corpus/"), text_field="body")

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

Stages 1, 4, 6 and 8 are distributed. The reducer holds every stage-1 value on the driver and
runs stages 2, 3, 5 and 7 there, and hands out the rest, as Ray tasks running the task kernel
(``_reprint.work``), a batch of tasks at a time:

- stage 4's band collisions: each of the three signatures (shingle bands with leads, word
  signature, character signature) cut into about one range of bands per range of the input,
  each task reading the signature's band keys (put in the object store once for all its
  tasks) and listing the pairs that first meet in its bands;
- stage 6's reading: stage 6 judges most pairs from their shingle sets; the pairs it must read
  it cuts into about one task per range, each carrying its pairs and their articles'
  boilerplate masks;
- stage 8's alignment: the pairs the report lists, each hub's (the canonical's) together, cut
  into about one task per range.

A stage-6 or stage-8 task gives its articles' texts by their places in the input files (a
Parquet file's or a Dataset's texts, which have none, it carries), and the worker reads them
there, as the map tasks read the files. A pair's listing depends only on its articles' keys,
a verdict and a pair's spans only on the pair, so the report is the same bytes. The driver
reads again from the files only the report's examples, so it too must read the files by the
names it was given, unchanged since the tasks read them (see
benches/results/ray-2026-12-02.md). Inputs are plain
(uncompressed) JSONL and Parquet files. A file is Parquet as the CLI decides (a ``.parquet``
name, or Parquet's magic at the start of a name without a JSONL extension) and is cut at row
groups instead of bytes: each range's task reads its row groups with the CLI's own reader
(``_reprint.map_parquet``), rows numbered as in the whole file, so the report is the CLI's
here too; those parts carry their texts. Any other file is read as JSONL.

A Ray Dataset is scanned as ``reprint.scan`` scans its rows (``ds.materialize().take_all()``,
row ``i`` as line ``i + 1`` of an input called ``name``): the driver materializes it (the
blocks stay in the object store), cuts it into contiguous splits (``split_at_indices``), so
each split's first row is known from the counts before it, and runs a Ray task per split that
takes the split's rows and runs the map kernel over records (``_reprint.map_records``); the
parts stream to the same reducer. These parts carry their texts (a row has no file place to
read it again from), so the reducer holds the feed's texts as well.

Retries: Ray Data's map tasks are retried when their worker process dies (Ray Data submits
them with ``max_retries=-1``, and the ``max_retries`` keyword of ``Dataset.map`` is
deprecated in Ray 2.60 in favour of named parameters that do not include it), so a killed
worker costs the range it held, which runs again and gives the same part. A Dataset's split
tasks and the stage-4 and stage-6 tasks are plain Ray tasks with Ray's three retries.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import _reprint
from ._ranges import (
    DEFAULT_RANGE_BYTES,
    check_options,
    finish,
    first_lines,
    kill_once,
    map_range,
    options_of,
    parser,
    paths_of,
    range_lines,
    ranges,
    reduce_parts,
    run_task,
)
from ._memory import release_memory

__all__ = ["scan", "main"]

#: Tests only: the path of a marker file. The first map task that finds it missing creates
#: it and kills its own worker process (SIGKILL), so that Ray must run the range again.
_FAULT_ENV = "REPRINT_RAY_KILL_ONCE"
#: Tests only: the same for the first task of stage 4, 6 or 8 (``.format(stage)``).
_TASK_FAULT_ENV = "REPRINT_RAY_KILL_ONCE_STAGE{}"


def _count(row: dict[str, Any]) -> dict[str, Any]:
    """Ray map: the line feeds of a range."""
    return {"input": row["input"], "start": row["start"], "lines": range_lines(row)}


def _fault(where: str) -> None:
    """Tests only: kills this worker process once (see ``_FAULT_ENV``)."""
    kill_once(os.environ.get(_FAULT_ENV), where)


def _map(row: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Ray map: a range through the map kernel, as a part."""
    _fault(f"input {row['input']} byte {row['start']}")
    return {"part": map_range(row, options)}


def _work_task(task: Any, shared: Any, options: dict[str, Any]) -> bytes:
    """Ray task: a stage-4 task (a range of a signature's bands, with the signature's band keys
    as ``shared``), a stage-6 task (pairs to judge from their texts) or a stage-8 task (listed
    pairs to align) through the task kernel, as its result's bytes. Both are bytes, or read-only NumPy arrays of them that the
    object store maps into this worker."""
    stage = _reprint.task_stage(task)
    kill_once(os.environ.get(_TASK_FAULT_ENV.format(stage)), f"a stage-{stage} task")
    return run_task(task, options, shared)


def _work_on_ray(scan_options: dict[str, Any]) -> Callable[..., list[bytes]]:
    """The reducer's ``work``: each of a batch of tasks as a Ray task (one CPU, one thread,
    Ray's three retries: a task whose worker dies runs again and gives the same result), their
    results in the tasks' order. The bytes tasks share (a signature's band keys) go into the
    object store once (``ray.put``), and each task is given the reference to its own. Tasks
    and shared bytes go as NumPy views of the bytes where NumPy is installed (Ray Data needs
    it): Ray maps a large one into each worker from the store, and the task kernel reads it
    in place, where ``bytes`` would be copied into every task's process."""
    import ray

    try:
        import numpy

        def shareable(b: bytes) -> Any:
            return numpy.frombuffer(b, dtype=numpy.uint8)
    except ImportError:
        def shareable(b: bytes) -> Any:
            return b

    faults = {name: os.environ[name] for name in map(_TASK_FAULT_ENV.format, (4, 6, 8))
              if name in os.environ}
    remote = ray.remote(_work_task).options(
        num_cpus=1,
        max_retries=3,
        runtime_env={"env_vars": faults} if faults else None,
    )
    options = {"threads": 1, **scan_options}

    def work(tasks: list[bytes], shared: list[bytes], uses: list[int | None]) -> list[bytes]:
        refs = [ray.put(shareable(s)) for s in shared]
        return ray.get([remote.remote(shareable(t), None if u is None else refs[u], options)
                        for t, u in zip(tasks, uses)])

    return work


def _map_rows(rows: Any, name: str, first_line: int, last: bool, options: dict[str, Any]) -> bytes:
    """Ray task: one split of a Dataset's rows, the rows ``first_line``, ``first_line + 1``,
    … of the input, through the map kernel over records, as a part."""
    _fault(f"{name} row {first_line}")
    part = _reprint.map_records(rows.take_all(), name, first_line, last, options)
    release_memory(collect=True)
    return part


def _scan_dataset(ds: Any, partitions: int | None, name: str, pretty: bool,
                  scan_options: dict[str, Any]) -> str:
    """``scan`` of a Ray Dataset: the rows in the order of ``ds.materialize()``, cut into
    ``partitions`` contiguous splits (``split_at_indices``), each split's place in the input
    known from the row counts before it; a task per split makes its part, and the parts
    stream to the reducer as the tasks finish."""
    import ray

    if partitions is not None and partitions < 1:
        raise ValueError(f"partitions must be at least 1, got {partitions}")
    mat = ds.materialize()
    rows = mat.count()
    if partitions is None:
        partitions = max(1, -(-mat.size_bytes() // DEFAULT_RANGE_BYTES))
    k = max(1, min(partitions, rows))
    # Split i holds rows cuts[i] .. cuts[i + 1] - 1 (0-based): its first line is cuts[i] + 1.
    cuts = [rows * i // k for i in range(k)]
    splits = mat.split_at_indices(cuts[1:]) if k > 1 else [mat]
    firsts = [c + 1 for c in cuts]
    fault = os.environ.get(_FAULT_ENV)
    # One thread per task, a task per CPU; a task whose worker dies runs again (Ray's task
    # retries), on the same split, and gives the same part.
    task = ray.remote(_map_rows).options(
        num_cpus=1,
        max_retries=3,
        runtime_env={"env_vars": {_FAULT_ENV: fault}} if fault else None,
    )
    options = {"threads": 1, **scan_options}
    pending = [
        task.remote(split, name, first, at == len(splits) - 1, options)
        for at, (split, first) in enumerate(zip(splits, firsts))
    ]
    reducer = _reprint.Reducer([(0, first) for first in firsts], dict(scan_options))
    # The parts in the order they finish; the driver holds one until the reducer takes it.
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        reducer.add(ray.get(done[0]))
    return finish(reducer, pretty, work=_work_on_ray(scan_options), tasks=k)


def scan(
    dataset_or_paths: Any,
    *,
    partitions: int | None = None,
    pretty: bool = False,
    name: str = "<records>",
    **scan_options: Any,
) -> str:
    """Scans JSONL or Parquet files, or a Ray Dataset, on Ray and returns the JSON report.

    ``dataset_or_paths``, either:

    - a path or a list of paths of plain JSONL or Parquet files or of directories of them
      (walked as the CLI walks them), named in the report as the CLI names them: the report
      is the bytes ``reprint scan --format json FILES`` prints (``--pretty`` with
      ``pretty``) for the files in this order. ``partitions``: about how
      many ranges the files are cut into (at least one per file; a JSONL file at line
      starts, a Parquet file at row groups; default one per 64 MiB).
    - a ``ray.data.Dataset`` of records (``ray.data.read_parquet(...)``, ``read_json``,
      ``from_pandas`` …): the report is the one ``reprint.scan(rows, name=name)`` gives for
      the rows in the order of ``ds.materialize()`` (``.take_all()`` gives that list), row
      ``i`` read as line ``i + 1`` of an input called ``name``. The Dataset is materialized
      (its blocks stay in the object store; the driver holds none of them) and cut into
      ``partitions`` contiguous splits (default one per 64 MiB). Ray Data does not keep the
      order of rows through its operators unless told to, so for the same report on every
      run set ``DataContext.get_current().execution_options.preserve_order = True``, or pass
      a Dataset already materialized.

    ``scan_options``: the settings of ``reprint.scan`` (``threshold``, ``text_field`` …). Ray
    must be initialised (``ray.init()``), or Ray starts a local instance.
    """
    import ray.data

    check_options(scan_options)
    if isinstance(dataset_or_paths, ray.data.Dataset):
        return _scan_dataset(dataset_or_paths, partitions, name, pretty, scan_options)
    paths = paths_of(dataset_or_paths)
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
    return reduce_parts(
        rs,
        (row["part"] for row in parts.iter_rows()),
        dict(scan_options),
        pretty,
        work=_work_on_ray(scan_options),
    )


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

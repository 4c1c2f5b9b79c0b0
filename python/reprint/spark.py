"""reprint.spark: the scan of JSONL or Parquet files, or of a DataFrame, on Apache Spark, with
the CLI's report (issue 19).

A recipe for teams on Spark, over the same kernels as ``reprint.ray``; it is not run in CI
(``python/tests/test_spark.py`` runs where ``pyspark`` and Java are installed; see
benches/results/spark-2026-12-03.md)::

    from pyspark.sql import SparkSession
    import reprint.spark
    spark = SparkSession.builder.getOrCreate()
    text = reprint.spark.scan(spark, ["a.jsonl", "b.jsonl"], partitions=8)   # the JSON report

or submitted to a cluster (the reprint wheel installed on every executor, the files on a
path every executor reads, such as a shared file system)::

    spark-submit --conf spark.driver.maxResultSize=0 \\
        "$(python -c 'import reprint.spark as m; print(m.__file__)')" a.jsonl b.jsonl \\
        --partitions 64 > report.json

What runs where, as on Ray: the files are cut into byte ranges (``partitions`` of them, at
least one per file), each owning the lines that start in it. A first job counts each range's
line feeds, so the driver knows the line each range starts at; a second runs the map kernel
(``_reprint.map_jsonl``: read the lines and run stage 1, in Rust) on each range and returns
a *part* (versioned, checksummed bytes, which keep where each text is in its file, not the
text: the reducer reads the texts it needs from the files again). Both jobs are ``mapInArrow`` over a DataFrame of
range numbers, one range per Spark partition, so the kernel sees exactly one range and
Spark's task retries re-run a range whole (a range's part is the same on every run). The
driver collects the parts and gives them, one at a time, to the reducer
(``_reprint.Reducer``), which puts them in input and line order, whatever order Spark
returned them in, checks that none is missing or doubled, and runs the remaining stages in
Rust. The report is byte-identical to
``reprint scan --format json`` on the same files in the same order, for any number of
partitions.

Stage 4's band collisions, stage 6's reading and stage 8's alignment are distributed too, as
on Ray: each of the three signatures is cut into about one range of bands per range of the
input, each task reading the signature's band keys (a broadcast); the pairs stage 6 judges
from their texts, and the pairs stage 8 aligns, into about one task per range each, each
giving its articles' texts by their places in the input files (which the workers read, as
the map tasks do) or carrying them; the
reducer hands each batch of tasks to a Spark job (``parallelize``, one task per slice, the
task kernel ``_reprint.work`` in each); Spark's task retries re-run a task whole, which
gives the same result. The parts travel to the driver
through ``collect``: about 2.4 KB per article on a generated feed (0.96 times the JSONL), so set
``spark.driver.maxResultSize`` above that (its default, 1 GB, is about 400,000 articles).
The driver must read the files by the names it was given, unchanged since the tasks read
them.

A DataFrame of records (``spark.read.parquet(...)``, ``spark.read.json(...)``,
``createDataFrame`` …) is scanned the same way with Spark's partitions as the slices: it is
pinned first (``localCheckpoint``: both jobs then see the same rows in the same partitions,
whatever its plan), a first job counts each partition's rows, and a second runs the map
kernel over records (``_reprint.map_records``) on each non-empty partition, as row
``first_line``, ``first_line + 1``, … of one input. The report is the one ``reprint.scan``
gives for the rows in the order of ``df.collect()``. Such parts carry their texts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

# Absolute imports: ``spark-submit`` runs this file as a script, outside its package.
from reprint import _reprint
from reprint._ranges import (
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
from reprint._memory import release_memory

__all__ = ["scan", "main"]

#: Tests only: the path of a marker file. The first map task that finds it missing creates
#: it and kills its own Python worker (SIGKILL), so that Spark must run the range again.
_FAULT_ENV = "REPRINT_SPARK_KILL_ONCE"
#: Tests only: the same for the first task of stage 4, 6 or 8 (``.format(stage)``).
_TASK_FAULT_ENV = "REPRINT_SPARK_KILL_ONCE_STAGE{}"


def _work_on_spark(spark: Any, scan_options: dict[str, Any]) -> Any:
    """The reducer's ``work``: a batch of tasks (stage 4's, 6's or 8's) as one Spark job, one
    task per slice (``parallelize``), each through the task kernel, the bytes they share as
    broadcasts; the results' bytes in the tasks' order. The fault markers travel with the
    function (a reused Python worker does not see the driver's later environment)."""
    options = {"threads": 1, **scan_options}
    markers = {stage: os.environ.get(_TASK_FAULT_ENV.format(stage)) for stage in (4, 6, 8)}

    def work(tasks: list[bytes], shared: list[bytes], uses: list[int | None]) -> list[bytes]:
        if not tasks:
            return []
        sc = spark.sparkContext
        # The bytes tasks share (a signature's band keys) as broadcasts: sent to each executor
        # once, not with every task.
        casts = [sc.broadcast(s) for s in shared]

        def run(items: Iterator[tuple[int, bytes, int | None]]) -> Iterator[tuple[int, bytes]]:
            for k, task, u in items:
                task = bytes(task)
                stage = _reprint.task_stage(task)
                kill_once(markers.get(stage), f"a stage-{stage} task")
                yield k, run_task(task, options, None if u is None else casts[u].value)

        try:
            items = [(k, t, u) for k, (t, u) in enumerate(zip(tasks, uses))]
            got = dict(sc.parallelize(items, len(tasks)).mapPartitions(run).collect())
        finally:
            for c in casts:
                c.destroy()
        return [got[k] for k in range(len(tasks))]

    return work


def _count_batches(rs: list[dict[str, Any]]) -> Any:
    """mapInArrow: per range number, the range's line feeds."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for b in batches:
            ids = b.column("id").to_pylist()
            lines = [range_lines(rs[i]) for i in ids]
            yield pa.RecordBatch.from_arrays(
                [pa.array(ids, pa.int64()), pa.array(lines, pa.int64())], names=["id", "lines"]
            )

    return run


def _map_batches(rs: list[dict[str, Any]], options: dict[str, Any], marker: str | None) -> Any:
    """mapInArrow: per range number, the range through the map kernel, as a part.
    ``marker``: the driver's ``REPRINT_SPARK_KILL_ONCE`` (tests only; a reused Python
    worker does not see the driver's later environment, so it travels with the function)."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        kill_once(marker)
        for b in batches:
            ids = b.column("id").to_pylist()
            parts = [map_range(rs[i], options) for i in ids]
            yield pa.RecordBatch.from_arrays(
                [pa.array(ids, pa.int64()), pa.array(parts, pa.binary())], names=["id", "part"]
            )

    return run


def _count_rows(batches: Iterator[Any]) -> Iterator[Any]:
    """mapInArrow over a DataFrame: the partition's number and its rows (one row out per
    partition, an empty one included)."""
    import pyarrow as pa
    from pyspark import TaskContext

    rows = sum(b.num_rows for b in batches)
    yield pa.RecordBatch.from_arrays(
        [pa.array([TaskContext.get().partitionId()], pa.int64()), pa.array([rows], pa.int64())],
        names=["partition", "rows"],
    )


def _map_partitions(firsts: dict[int, int], last: int, name: str, options: dict[str, Any],
                    marker: str | None) -> Any:
    """mapInArrow over a DataFrame: a non-empty partition's rows, rows ``firsts[p]``, … of
    the input, through the map kernel over records, as a part."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        from pyspark import TaskContext

        p = TaskContext.get().partitionId()
        got = list(batches)
        if p not in firsts:
            return
        kill_once(marker)
        rows = pa.Table.from_batches(got).to_pylist() if got else []
        part = _reprint.map_records(rows, name, firsts[p], p == last, options)
        del rows, got
        release_memory(collect=True)
        yield pa.RecordBatch.from_arrays(
            [pa.array([p], pa.int64()), pa.array([part], pa.binary())], names=["partition", "part"]
        )

    return run


def _scan_frame(df: Any, name: str, pretty: bool, scan_options: dict[str, Any]) -> str:
    """``scan`` of a DataFrame: its partitions as the slices of one input (see the module's
    docstring)."""
    # Pinned, so that the count and the map see the same rows in the same partitions even
    # when the plan would not give them twice (a shuffle, a random sample).
    pinned = df.localCheckpoint(eager=True)
    counts = {r.partition: r.rows for r in pinned.mapInArrow(_count_rows, "partition long, rows long").collect()}
    firsts: dict[int, int] = {}
    line = 1
    for p in sorted(counts):
        if counts[p]:
            firsts[p] = line
            line += counts[p]
    options = {"threads": 1, **scan_options}
    if not firsts:
        # No rows at all: the report of no records, as one empty slice.
        reducer = _reprint.Reducer([(0, 1)], dict(scan_options))
        reducer.add(_reprint.map_records([], name, 1, True, options))
        return reducer.finish(pretty)
    job = _map_partitions(firsts, max(firsts), name, options, os.environ.get(_FAULT_ENV))
    parts = pinned.mapInArrow(job, "partition long, part binary").collect()
    reducer = _reprint.Reducer([(0, firsts[p]) for p in sorted(firsts)], dict(scan_options))
    # The reducer puts the parts in line order; each is let go once taken.
    while parts:
        reducer.add(bytes(parts.pop().part))
    return finish(reducer, pretty, work=_work_on_spark(df.sparkSession, scan_options),
                  tasks=len(firsts))


def scan(
    spark: Any,
    frame_or_paths: Any,
    *,
    partitions: int | None = None,
    pretty: bool = False,
    name: str = "<records>",
    **scan_options: Any,
) -> str:
    """Scans JSONL or Parquet files, or a DataFrame, on Spark and returns the JSON report.

    ``spark``: a ``SparkSession``. ``frame_or_paths``, either:

    - a path or a list of paths of plain JSONL or Parquet files, or of directories of them,
      that every executor can read, named in the report as the CLI names them: the report
      is the bytes ``reprint scan --format json FILES`` prints (``--pretty`` with
      ``pretty``) for the files in this order.
      ``partitions``: about how many ranges (and Spark tasks) the files are cut into (at
      least one per file; a JSONL file at line starts, a Parquet file at row groups; default
      one per 64 MiB).
    - a ``pyspark.sql.DataFrame`` of records (``spark.read.parquet(...)`` …): the report is
      the one ``reprint.scan(rows, name=name)`` gives for its rows in the order of
      ``df.collect()`` (``[r.asDict() for r in df.collect()]``), row ``i`` read as line
      ``i + 1`` of an input called ``name``; one task per Spark partition (``partitions`` is
      not used: repartition the DataFrame to choose).

    ``scan_options``: the settings of ``reprint.scan`` (``threshold``, ``text_field`` …).
    """
    check_options(scan_options)
    if hasattr(frame_or_paths, "mapInArrow") and hasattr(frame_or_paths, "localCheckpoint"):
        return _scan_frame(frame_or_paths, name, pretty, scan_options)
    files = paths_of(frame_or_paths)
    rs = ranges(files, partitions, "reprint.spark")
    n = len(rs)
    counted = (
        spark.range(n, numPartitions=n)
        .mapInArrow(_count_batches(rs), "id long, lines long")
        .collect()
    )
    first_lines(rs, ({**rs[r.id], "lines": r.lines} for r in counted))
    # One thread per task: Spark runs a task per executor core.
    options = {"threads": 1, **scan_options}
    parts = (
        spark.range(n, numPartitions=n)
        .mapInArrow(_map_batches(rs, options, os.environ.get(_FAULT_ENV)), "id long, part binary")
        .collect()
    )
    # collect() gives every part at once (toLocalIterator would run one task at a time); the
    # reducer takes them in range order, each let go once taken.
    parts.reverse()

    def drain() -> Iterator[bytes]:
        while parts:
            yield bytes(parts.pop().part)

    return reduce_parts(rs, drain(), dict(scan_options), pretty,
                        work=_work_on_spark(spark, scan_options))


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit spark.py FILES...`` (or ``python -m reprint.spark``): the JSON report
    on stdout."""
    ap = parser("python -m reprint.spark", "Spark")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("reprint scan").getOrCreate()
    try:
        text = scan(spark, args.files, partitions=args.partitions, pretty=args.pretty, **options_of(args))
    finally:
        spark.stop()
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

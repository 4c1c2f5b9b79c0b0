"""reprint.spark: the scan of JSONL files on Apache Spark, with the CLI's report (issue 19).

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

Only stage 1 is distributed, and the parts travel to the driver through ``collect``: about
2.4 KB per article on a generated feed (0.96 times the JSONL), so set
``spark.driver.maxResultSize`` above that (its default, 1 GB, is about 400,000 articles).
The driver must read the files by the names it was given, unchanged since the tasks read
them.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Sequence
from typing import Any

# Absolute imports: ``spark-submit`` runs this file as a script, outside its package.
from reprint._ranges import (
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
#: it and kills its own Python worker (SIGKILL), so that Spark must run the range again.
_FAULT_ENV = "REPRINT_SPARK_KILL_ONCE"


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

        if marker and not os.path.exists(marker):
            with open(marker, "w") as f:
                f.write(f"killed pid {os.getpid()}\n")
            os.kill(os.getpid(), signal.SIGKILL)
        for b in batches:
            ids = b.column("id").to_pylist()
            parts = [map_range(rs[i], options) for i in ids]
            yield pa.RecordBatch.from_arrays(
                [pa.array(ids, pa.int64()), pa.array(parts, pa.binary())], names=["id", "part"]
            )

    return run


def scan(
    spark: Any,
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    partitions: int | None = None,
    pretty: bool = False,
    **scan_options: Any,
) -> str:
    """Scans JSONL files on Spark and returns the JSON report, the bytes ``reprint scan
    --format json FILES`` prints (``--pretty`` with ``pretty``) for the files in this order.

    ``spark``: a ``SparkSession``. ``paths``: a path or a list of paths of plain JSONL or
    Parquet files (cut as ``reprint.ray`` cuts them) that every executor can read, named in the report as given. ``partitions``: about how
    many byte ranges (and Spark tasks) the files are cut into (at least one per file; default
    one per 64 MiB). ``scan_options``: the settings of ``reprint.scan`` (``threshold``,
    ``text_field`` …).
    """
    files = paths_of(paths)
    check_options(scan_options)
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

    return reduce_parts(rs, drain(), dict(scan_options), pretty)


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

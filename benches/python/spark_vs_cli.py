#!/usr/bin/env python3
"""The Spark recipe (``reprint.spark.scan``) against the CLI's report, on one machine: wall of
each scan and the peak resident memory of the Python driver during it (not of Spark's JVM).

Usage: spark_vs_cli.py CLI_REPORT.json PARTITIONS[,PARTITIONS...] FILE.jsonl [FILE.jsonl ...]

- ``CLI_REPORT.json``: ``reprint scan --format json -q FILES`` of the same files, which every
  Spark report must equal byte for byte (asserted).
- Spark: ``local[2]``, driver memory 6g, every other setting Spark's default (so
  ``spark.driver.maxResultSize`` is 1 GB); the session starts before the clock.
- The driver's peak: VmHWM of this process (``/proc/self/status``), reset before each scan
  by writing 5 to ``/proc/self/clear_refs``; Spark's JVM is another process and is not in it.

Needs ``pyspark`` (3.3 or later), Java, and the reprint wheel in the same environment.
"""

from __future__ import annotations

import sys
import time


def hwm_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    want = open(sys.argv[1], encoding="utf-8").read()
    partitions = [int(p) for p in sys.argv[2].split(",")]
    files = sys.argv[3:]

    from pyspark.sql import SparkSession

    import reprint.spark

    t = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.memory", "6g")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(f"SparkSession start {time.perf_counter() - t:.2f} s", flush=True)
    try:
        for p in partitions:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = hwm_mb()
            t = time.perf_counter()
            got = reprint.spark.scan(spark, files, partitions=p)
            s = time.perf_counter() - t
            assert got == want, f"Spark report differs from the CLI's at {p} partitions"
            print(f"spark {p} partitions: {s:.2f} s, identical to the CLI; Python driver RSS "
                  f"{before:.0f} MB at the start, peak {hwm_mb():.0f} MB", flush=True)
            del got
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

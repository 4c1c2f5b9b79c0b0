"""The Python API against the CLI on one feed, in one run (issue 19): what the binding costs.

    python benches/python/api_vs_cli.py FEED [--bin target/release/reprint] [--runs 2]

Times, per run (CLI and Python alternate): the CLI (`reprint scan --format json --quiet FEED`, wall clock of the process,
reading the file included); in Python, reading the JSONL into dicts (json.loads per line, the
user's cost, not the package's), `reprint.scan(records)` and `report.json()`. Checks that the
package's JSON equals the CLI's byte for byte, so a broken binding cannot look fast. Prints the
peak RSS of the CLI process and of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import reprint


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("feed")
    ap.add_argument("--bin", default="target/release/reprint")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, reprint {reprint.__version__}, cpus {os.cpu_count()}")
    # CLI and Python runs alternate, so a change in the machine's load hits both alike.
    for run in range(args.runs):
        t = time.perf_counter()
        p = subprocess.run(
            [args.bin, "scan", "--format", "json", "--quiet", args.feed],
            capture_output=True,
            check=False,
        )
        cli_s = time.perf_counter() - t
        assert p.returncode in (0, 3), p.stderr.decode()
        cli_out = p.stdout
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"run {run + 1}: cli scan {cli_s:.2f} s (peak RSS of the CLI so far {child_rss:.0f} MB)")

        t = time.perf_counter()
        with open(args.feed, encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        report = reprint.scan(records, name=args.feed)
        scan_s = time.perf_counter() - t
        t = time.perf_counter()
        text = report.json()
        json_s = time.perf_counter() - t
        assert text.encode() == cli_out, "the package's JSON differs from the CLI's"
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"run {run + 1}: python json.loads {load_s:.2f} s; reprint.scan {scan_s:.2f} s; "
            f".json() {json_s:.2f} s; scan+json {scan_s + json_s:.2f} s; steps "
            + ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items())
            + f" (peak RSS of this process so far {rss:.0f} MB)"
        )
        del records, report, text
        size = len(cli_out)
        del cli_out
    print(f"{size} bytes of JSON, identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Ray scan as the feed grows (issue 19): shuffle bytes and peak memory per process.

    python benches/python/ray_scale.py FEED [--bin target/release/reprint] [--cpus 2]
        [--files 4] [--partitions 2 4] [--json-out FIGURES.json] [--split-dir DIR]
        [--reference CLI.json] [--skip-kernel]

The feed is split into ``--files`` JSONL files (whole lines, in order), in a directory of
this run. Measured, on one machine:

- the CLI, ``reprint scan --format json --quiet FILES``: wall and peak RSS (``/usr/bin/time
  -f '%e %M'``); its report is what every other report must equal, byte for byte;
- ``reprint.ray.scan`` on a local Ray (127.0.0.1, ``--cpus`` CPUs, no dashboard, usage
  stats off; started, and warmed up on a small slice of the feed, before the clock) at each
  ``--partitions``: wall; the tasks of stage 4 (band collisions), of stage 6 (reading) and of
  stage 8 (alignment) on Ray, each stage's count, bytes out (tasks, and the bytes they share)
  and back, and wall (``--here all``: the reducer does them itself, as before they went to
  Ray; ``--here 4``, ``6`` or ``8``: that stage's tasks run in the driver's process through
  the task kernel, the others' on Ray); the bytes of every part it hands to the reducer (the shuffle of
  stage 1: total, per range, per article); the peak RSS of every process of this Ray (the
  workers, the raylet with the object store, the GCS ...) and of the driver, polled every
  0.2 s from a thread, by phase (stage 1 on Ray, during which the parts stream into the
  driver's ``_reprint.Reducer``, then the reducer's ``finish``); and ``finish`` itself (the
  stages after stage 1, on the driver): wall, each stage's wall as the reducer times it
  (``_reprint.Reducer.seconds``; a handed-out stage's includes the wait for its tasks), and
  the driver's RSS before it and at its peak;
- the map kernel alone on one range (``_reprint.map_jsonl``, one thread, in this process,
  after Ray is stopped): articles per core-second, for a projection of stage 1.

With ``--no-ray`` (for a feed whose Ray run would not fit beside other work on the machine:
Ray holds the parts twice, in the object store and in the driver), no Ray is started: every
range ``reprint.ray.scan`` would make at ``--partitions`` goes through the map kernel in this
process (the same bytes a Ray task returns), then the reducer runs here; part bytes, wall and
this process's peak RSS are measured, and the report is checked against the CLI's.
``--max-gb`` caps the address space of the process (after the CLI has run), so a run that
outgrows the machine fails alone.

For peak memory, run one ``--partitions`` value per invocation (a Ray worker, and the
driver, keep a run's memory into the next); ``--split-dir`` and ``--reference`` let the
invocations share the split files (the report names them) and the CLI's report.

RSS is resident memory as /proc reports it (``/proc/PID/statm``), peaks of 0.2 s samples, so a
shorter spike can be missed; ``rss_private`` subtracts the shared pages (file-backed and
the object store's shared memory, which every process that maps an object counts again).
The reducer is timed by wrapping ``_reprint.Reducer`` as ``reprint._ranges.reduce_parts``
sees it; the wrapped calls are the real ones, and the report is checked like the rest. Ray is stopped at the end, also on
failure, and any process of this Ray still alive then is stopped by its pid.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ray  # noqa: E402

import reprint  # noqa: E402
import reprint.ray  # noqa: E402
from reprint import _reprint  # noqa: E402

MB = 1e6
PAGE = os.sysconf("SC_PAGE_SIZE")


class Proc:
    """A process as /proc shows it (Ray 2.60 does not bring psutil)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def cmdline(self) -> str:
        with open(f"/proc/{self.pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()

    def memory(self) -> tuple[int, int]:
        """Resident bytes and the shared part of them (file-backed and shared memory)."""
        with open(f"/proc/{self.pid}/statm") as f:
            fields = f.read().split()
        return int(fields[1]) * PAGE, int(fields[2]) * PAGE

    def children(self) -> list["Proc"]:
        """Every process under this one (recursively)."""
        parent: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            parent[int(name)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            for c, pp in parent.items():
                if pp == p:
                    out.append(Proc(c))
                    todo.append(c)
        return out


class Monitor:
    """Peak RSS of this process and of every process under it (the local Ray), by phase."""

    def __init__(self, interval: float = 0.2) -> None:
        self.me = Proc(os.getpid())
        self.interval = interval
        self.phase = "idle"
        self.peaks: dict[str, dict[int, dict[str, Any]]] = {}
        self.kinds: dict[int, str] = {}
        self.cmds: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def set_phase(self, phase: str) -> None:
        self.sample()  # close the phase before with a sample
        self.phase = phase
        self.sample()

    def _kind(self, p: Proc) -> str:
        if p.pid == self.me.pid:
            return "driver"
        try:
            cmd = p.cmdline()
        except OSError:
            cmd = ""
        kind = self.kinds.get(p.pid)
        if kind == "worker":
            return kind  # a worker renames itself (ray::IDLE, ray::MapBatches ...)
        exe = os.path.basename(cmd.split(" ")[0]) if cmd else ""
        if exe in ("raylet", "gcs_server"):
            kind = exe  # the raylet's own command line names default_worker.py
        elif "default_worker.py" in cmd or (cmd.startswith("ray::") and "Agent" not in cmd):
            kind = "worker"
        else:
            kind = os.path.basename(cmd.split(" ")[0]) if cmd else "?"
            for tag in ("log_monitor", "dashboard", "agent", "monitor"):
                if tag in cmd:
                    kind = tag
                    break
        self.kinds[p.pid] = kind
        return kind

    def sample(self) -> None:
        procs = [self.me, *self.me.children()]
        table = self.peaks.setdefault(self.phase, {})
        for p in procs:
            try:
                rss, shared = p.memory()
                kind = self._kind(p)
            except (OSError, ValueError):
                continue
            e = table.setdefault(p.pid, {"kind": kind, "rss": 0, "rss_private": 0})
            if p.pid not in self.cmds:
                try:
                    self.cmds[p.pid] = p.cmdline()[:100]
                except OSError:
                    pass
            e["kind"] = kind
            e["rss"] = max(e["rss"], rss)
            e["rss_private"] = max(e["rss_private"], rss - shared)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def summary(self, phases: list[str]) -> dict[str, Any]:
        """Per kind: the peak of each process over the phases, largest first."""
        per_pid: dict[int, dict[str, Any]] = {}
        for ph in phases:
            for pid, e in self.peaks.get(ph, {}).items():
                a = per_pid.setdefault(pid, {"kind": e["kind"], "rss": 0, "rss_private": 0})
                a["rss"] = max(a["rss"], e["rss"])
                a["rss_private"] = max(a["rss_private"], e["rss_private"])
        out: dict[str, Any] = {}
        for pid, a in sorted(per_pid.items(), key=lambda kv: -kv[1]["rss"]):
            out.setdefault(a["kind"], []).append(
                {"pid": pid, "rss_mb": round(a["rss"] / MB, 1),
                 "rss_private_mb": round(a["rss_private"] / MB, 1), "cmd": self.cmds.get(pid, "")}
            )
        return out


class Reducer:
    """``_reprint`` as the driver's ``reprint._ranges.reduce_parts`` sees it, with the
    ``Reducer``'s parts measured as they are added (during stage 1: parts stream to it) and
    its ``finish`` (the stages after stage 1) timed; everything else is the extension module
    itself."""

    def __init__(self, monitor: Monitor, here: str = "none", cpus: int = 2) -> None:
        self.monitor = monitor
        self.calls: list[dict[str, Any]] = []
        self.label = ""
        #: "all": stages 4, 6 and 8 done by the driver's reducer; "4", "6" or "8": that stage's tasks
        #: run in the driver's process (the task kernel, ``cpus`` threads); "none": on Ray.
        self.here = here
        self.cpus = cpus

    def __getattr__(self, name: str) -> Any:
        return getattr(_reprint, name)

    def Reducer(self, starts: list[Any], options: dict[str, Any]) -> "TimedReducer":
        return TimedReducer(self, _reprint.Reducer(starts, options))


class TimedReducer:
    """A ``_reprint.Reducer`` whose parts are weighed and whose ``finish`` is timed."""

    def __init__(self, outer: Reducer, inner: Any) -> None:
        self.outer, self.inner = outer, inner
        self.part_bytes: list[int] = []

    def add(self, part: bytes) -> None:
        self.part_bytes.append(len(part))
        self.inner.add(part)

    def finish(self, pretty: bool = False, work: Any = None, tasks: int = 1) -> str:
        o = self.outer
        m = o.monitor
        m.set_phase(o.label + "/reduce")
        rss_before = m.me.memory()[0]
        weights = {stage: {"tasks": 0, "task_bytes": 0, "shared_bytes": 0, "result_bytes": 0,
                           "wall_s": 0.0, "batches": 0,
                           "where": "here" if o.here == stage else "ray"}
                   for stage in ("4", "6", "8")}
        options = {"threads": o.cpus}

        def weighed(batch: list[bytes], shared: list[bytes], uses: list[Any]) -> list[bytes]:
            stage = str(_reprint.task_stage(batch[0]))
            t0 = time.perf_counter()
            if o.here == stage:
                got = [_reprint.work(t, options, None if u is None else shared[u])
                       for t, u in zip(batch, uses)]
            else:
                got = work(batch, shared, uses)
            w = weights[stage]
            w["wall_s"] += time.perf_counter() - t0
            w["batches"] += 1
            w["tasks"] += len(batch)
            w["task_bytes"] += sum(map(len, batch))
            w["shared_bytes"] += sum(map(len, shared))
            w["result_bytes"] += sum(map(len, got))
            return got

        elsewhere = work is not None and o.here != "all"
        t = time.perf_counter()
        out = self.inner.finish(pretty, work=weighed if elsewhere else None, tasks=tasks)
        s = time.perf_counter() - t
        m.set_phase(o.label + "/after")
        peak = max(e["rss"] for e in m.peaks[o.label + "/reduce"].values()
                   if e["kind"] == "driver")
        o.calls.append({
            "label": o.label, "wall_s": round(s, 2), "parts": len(self.part_bytes),
            "part_bytes": self.part_bytes,
            "driver_rss_before_mb": round(rss_before / MB, 1),
            "driver_rss_peak_mb": round(peak / MB, 1),
            "handed_out": {stage: {**w, "wall_s": round(w["wall_s"], 2)}
                           for stage, w in weights.items()} if elsewhere else None,
            "stage_s": {name: round(secs, 2) for name, secs in self.inner.seconds},
        })
        return out


def split(feed: str, n_files: int, d: str) -> tuple[list[str], int, int]:
    """The feed in ``n_files`` files of whole lines, streamed (the feed is not held)."""
    total = 0
    size = 0
    with open(feed, "rb") as f:
        for line in f:
            total += 1
            size += len(line)
    files = []
    with open(feed, "rb") as f:
        for k in range(n_files):
            path = os.path.join(d, f"part-{k}.jsonl")
            want = (k + 1) * total // n_files - k * total // n_files
            with open(path, "wb") as out:
                for _ in range(want):
                    out.write(f.readline())
            files.append(path)
    return files, total, size


def stop_leftovers(before: set[int]) -> list[int]:
    """Stops (by pid) the processes under this one that were not there before Ray."""
    stopped = []
    for p in Proc(os.getpid()).children():
        if p.pid in before:
            continue
        try:
            os.kill(p.pid, signal.SIGKILL)
            stopped.append(p.pid)
        except OSError:
            pass
    return stopped


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("feed")
    ap.add_argument("--bin", default="target/release/reprint")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--partitions", type=int, nargs="+", default=[2, 4],
                    help="one run each, in one Ray: the workers (and the driver) keep the memory "
                    "of a run into the next, so for peak memory run one value per invocation")
    ap.add_argument("--json-out", default=None)
    ap.add_argument("--skip-kernel", action="store_true", help="no map-kernel-alone timing")
    ap.add_argument("--no-ray", action="store_true",
                    help="no Ray: every range of --partitions through the map kernel in this "
                    "process (--kernel-threads threads), then the reducer here, both measured")
    ap.add_argument("--kernel-threads", type=int, default=1)
    ap.add_argument("--here", choices=["none", "4", "6", "8", "all"], default="none",
                    help="all: stages 4, 6 and 8 done by the driver's reducer; 4, 6 or 8: "
                         "that stage's tasks run in the driver's process; none: all on Ray")
    ap.add_argument("--max-gb", type=float, default=None,
                    help="cap this process's address space (RLIMIT_AS): a run that outgrows it "
                    "fails alone instead of pressing a shared machine")
    ap.add_argument("--split-dir", default=None,
                    help="where the split files go (reused when already there: the report names them)")
    ap.add_argument("--reference", default=None,
                    help="the CLI's report on the split files: read when the file exists (the CLI "
                    "is then not run), else written")
    args = ap.parse_args()
    fig: dict[str, Any] = {
        "feed": args.feed, "python": sys.version.split()[0], "ray": ray.__version__,
        "cpus": os.cpu_count(), "files": args.files, "ray_cpus": args.cpus,
    }
    print(f"python {fig['python']}, ray {fig['ray']}, cpus {fig['cpus']}", flush=True)

    d = args.split_dir or tempfile.mkdtemp(prefix="ray-scale-", dir="/var/tmp")
    try:
        t = time.perf_counter()
        files = [os.path.join(d, f"part-{k}.jsonl") for k in range(args.files)]
        if args.split_dir and all(os.path.exists(f) for f in files):
            n = size = 0
            for path in files:
                with open(path, "rb") as f:
                    for line in f:
                        n += 1
                        size += len(line)
        else:
            os.makedirs(d, exist_ok=True)
            files, n, size = split(args.feed, args.files, d)
        fig.update(articles=n, jsonl_mb=round(size / MB, 1))
        print(f"{n} articles in {args.files} files, {size / MB:.1f} MB "
              f"(split in {time.perf_counter() - t:.1f} s)", flush=True)

        # The CLI: the reference report, wall and peak RSS.
        if args.reference and os.path.exists(args.reference):
            want = open(args.reference, "rb").read().decode()
            print(f"cli: not run; its report read from {args.reference}", flush=True)
        else:
            out_path = args.reference or os.path.join(d, "cli.json")
            time_path = os.path.join(d, "cli.time")
            with open(out_path, "wb") as out:
                p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", time_path, args.bin,
                                    "scan", "--format", "json", "--quiet", *files],
                                   stdout=out, stderr=subprocess.PIPE)
            assert p.returncode in (0, 3), p.stderr.decode()
            wall, kb = open(time_path).read().split()[-2:]
            fig["cli"] = {"wall_s": float(wall), "rss_mb": round(int(kb) * 1024 / MB, 1)}
            want = open(out_path, "rb").read().decode()
            print(f"cli: {wall} s, peak RSS {int(kb) / 1024:.0f} MiB", flush=True)
        fig["report_mb"] = round(len(want) / MB, 1)

        if args.max_gb:
            import resource
            cap = int(args.max_gb * 1e9)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            fig["rlimit_as_gb"] = args.max_gb
        if args.no_ray:
            in_process(args, files, n, want, fig)
            return finish(args, fig)

        monitor = Monitor()
        reducer = Reducer(monitor, args.here, args.cpus)
        before = {c.pid for c in Proc(os.getpid()).children()}
        ray_tmp = tempfile.mkdtemp(prefix="rs-ray-", dir="/tmp")
        monitor.start()
        fig["ray_runs"] = []
        try:
            t = time.perf_counter()
            ray.init(address="local", num_cpus=args.cpus, include_dashboard=False,
                     log_to_driver=False, _node_ip_address="127.0.0.1", _temp_dir=ray_tmp)
            fig["ray_init_s"] = round(time.perf_counter() - t, 2)
            # Warm-up (not timed): the worker processes start, the modules load.
            warm = os.path.join(d, "warm.jsonl")
            with open(files[0], "rb") as f, open(warm, "wb") as w:
                for _ in range(200):
                    w.write(f.readline())
            reprint.ray.scan([warm], partitions=args.cpus)
            print(f"ray start {fig['ray_init_s']} s (and a warm-up scan)", flush=True)
            reprint._ranges._reprint = reducer  # the driver's calls only; workers import their own
            for parts in args.partitions:
                label = f"p{parts}"
                reducer.label = label
                driver_start = monitor.me.memory()[0]
                monitor.set_phase(label + "/stage1")
                t = time.perf_counter()
                got = reprint.ray.scan(files, partitions=parts)
                s = time.perf_counter() - t
                monitor.set_phase("idle")
                assert got == want, f"ray report differs from the CLI's at {parts} partitions"
                del got
                call = reducer.calls[-1]
                pb = call["part_bytes"]
                mem1 = monitor.summary([label + "/stage1"])
                mem2 = monitor.summary([label + "/reduce"])
                run = {
                    "partitions": parts, "ranges": call["parts"], "wall_s": round(s, 2),
                    "driver_rss_start_mb": round(driver_start / MB, 1),
                    "stage1_wall_s": round(s - call["wall_s"], 2),
                    "reducer": {k: v for k, v in call.items() if k != "part_bytes"},
                    "shuffle_mb": round(sum(pb) / MB, 1),
                    "part_mb": [round(b / MB, 1) for b in pb],
                    "bytes_per_article": round(sum(pb) / n),
                    "mem_stage1": mem1, "mem_reduce": mem2,
                }
                fig["ray_runs"].append(run)
                workers = mem1.get("worker", [])
                print(f"ray {parts} partitions ({call['parts']} ranges): {s:.2f} s, identical to "
                      f"the CLI; stage 1 {run['stage1_wall_s']} s, reducer {call['wall_s']} s; "
                      f"shuffle {run['shuffle_mb']} MB ({run['bytes_per_article']} B/article), "
                      f"parts {run['part_mb']} MB", flush=True)
                print(f"  workers' peak RSS in stage 1 (MB): "
                      f"{[w['rss_mb'] for w in workers]} (private {[w['rss_private_mb'] for w in workers]})",
                      flush=True)
                for kind in ("raylet", "gcs_server", "driver"):
                    print(f"  {kind} peak RSS in stage 1: {[e['rss_mb'] for e in mem1.get(kind, [])]} MB",
                          flush=True)
                print(f"  driver RSS before the reducer {call['driver_rss_before_mb']} MB, peak "
                      f"{call['driver_rss_peak_mb']} MB", flush=True)
                print("  reducer's stages (s): " + ", ".join(f"{k} {v}" for k, v in call["stage_s"].items()),
                      flush=True)
                for stage, w in (call["handed_out"] or {}).items():
                    print(f"  stage {stage} ({w['where']}): {w['tasks']} tasks in {w['batches']} "
                          f"batches, {w['wall_s']} s; tasks {w['task_bytes'] / MB:.1f} MB, "
                          f"shared {w['shared_bytes'] / MB:.1f} MB, "
                          f"results {w['result_bytes'] / MB:.1f} MB", flush=True)
        finally:
            reprint._ranges._reprint = _reprint
            ray.shutdown()
            monitor.stop()
            time.sleep(1)
            left = stop_leftovers(before)
            if left:
                print(f"stopped leftover processes of this Ray: {left}", flush=True)
            shutil.rmtree(ray_tmp, ignore_errors=True)

        # The map kernel alone on the first range of the last run, one thread, in-process.
        if not args.skip_kernel:
            rng = reprint._ranges.ranges(files, args.partitions[-1], "reprint.ray")[0]
            start, data = reprint._ranges._read_range(rng)
            lines = data.count(b"\n")
            t = time.perf_counter()
            part = _reprint.map_jsonl(rng["name"], rng["input"], 1, data, {"threads": 1},
                                      offset=start)
            s = time.perf_counter() - t
            fig["kernel"] = {"articles": lines, "wall_s": round(s, 2),
                             "articles_per_core_s": round(lines / s),
                             "slice_mb": round(len(data) / MB, 1), "part_mb": round(len(part) / MB, 1)}
            print(f"map kernel alone, 1 thread: {lines} articles in {s:.2f} s "
                  f"({lines / s:.0f} articles/core-s); slice {len(data) / MB:.1f} MB -> part "
                  f"{len(part) / MB:.1f} MB", flush=True)
            del data, part
    finally:
        if not args.split_dir:
            shutil.rmtree(d, ignore_errors=True)
    return finish(args, fig)


def finish(args: argparse.Namespace, fig: dict[str, Any]) -> int:
    import resource

    fig["driver_ru_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB, 1)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(fig, f, indent=1)
    return 0


def in_process(args: argparse.Namespace, files: list[str], n: int, want: str,
               fig: dict[str, Any]) -> None:
    """Without Ray: the ranges ``reprint.ray.scan`` would make, through the map kernel here,
    in order (the parts are the bytes a Ray task returns: same kernel, same range, same first
    line), each handed to the reducer (``_reprint.Reducer``) as it is made and let go, then
    the reducer's ``finish``; RSS of this process polled as in the Ray runs."""
    monitor = Monitor()
    monitor.start()
    try:
        ranges = reprint._ranges.ranges(files, args.partitions[0], "reprint.ray")
        monitor.set_phase("map")
        rss0 = monitor.me.memory()[0]
        pb, per = [], []
        next_line: dict[int, int] = {}
        starts = []
        for rng in ranges:  # the line each range starts at, as the count job finds it
            starts.append((rng["input"], next_line.get(rng["input"], 1)))
            next_line[rng["input"]] = starts[-1][1] + reprint._ranges.range_lines(rng)
        reducer = _reprint.Reducer(starts, {})
        add_s = 0.0
        t = time.perf_counter()
        for rng, (_, first) in zip(ranges, starts):
            start, data = reprint._ranges._read_range(rng)
            t1 = time.perf_counter()
            # As reprint.ray's tasks do (_ranges.map_range): texts as places in the file.
            part = _reprint.map_jsonl(rng["name"], rng["input"], first, data,
                                      {"threads": args.kernel_threads}, offset=start)
            t2 = time.perf_counter()
            reducer.add(part)
            add_s += time.perf_counter() - t2
            pb.append(len(part))
            per.append({"articles": data.count(b"\n"), "slice_mb": round(len(data) / MB, 1),
                        "part_mb": round(len(part) / MB, 1), "wall_s": round(t2 - t1, 2)})
            del data, part
        map_s = time.perf_counter() - t
        monitor.set_phase("reduce")
        rss1 = monitor.me.memory()[0]
        t = time.perf_counter()
        got = reducer.finish()
        red_s = time.perf_counter() - t
        monitor.set_phase("idle")
        assert got == want, "reducer report differs from the CLI's"
        del got
        peak_map = monitor.summary(["map"])["driver"][0]
        peak_red = monitor.summary(["reduce"])["driver"][0]
        fig["in_process"] = {
            "ranges": len(ranges), "kernel_threads": args.kernel_threads,
            "map_wall_s": round(map_s, 2), "reducer_add_s": round(add_s, 2), "per_range": per,
            "shuffle_mb": round(sum(pb) / MB, 1), "bytes_per_article": round(sum(pb) / n),
            "rss_start_mb": round(rss0 / MB, 1), "rss_map_peak_mb": peak_map["rss_mb"],
            "reducer": {"wall_s": round(red_s, 2), "rss_before_mb": round(rss1 / MB, 1),
                        "rss_peak_mb": peak_red["rss_mb"]},
        }
        print(f"no Ray: map kernel ({args.kernel_threads} threads) over {len(ranges)} ranges, "
              f"each part added to the reducer as made, {map_s:.2f} s (adding {add_s:.2f} s); shuffle {sum(pb) / MB:.1f} MB ({sum(pb) / n:.0f} B/article), parts "
              f"{[e['part_mb'] for e in per]} MB; RSS {rss0 / MB:.0f} -> {peak_map['rss_mb']} MB",
              flush=True)
        print(f"no Ray: reducer {red_s:.2f} s, identical to the CLI; RSS before {rss1 / MB:.0f} MB, "
              f"peak {peak_red['rss_mb']} MB", flush=True)
    finally:
        monitor.stop()


if __name__ == "__main__":
    sys.exit(main())

"""The scan on Ray Data (``reprint.ray``, issue 19): a generated feed split into several files,
scanned on a local Ray with 2 CPUs, must give the CLI's JSON byte for byte at 1, 3 and 8
partitions, and again after a worker is killed in the middle of the map stage, of stage 4 (band
collisions, also on Ray), of stage 6 (the pairs judged from their texts) or of stage 8 (the
listed pairs aligned). The same feed
as a Ray Dataset of records must give the report ``reprint.scan`` gives for its rows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
ray = pytest.importorskip("ray", reason="CI installs ray[data] (python/ci.sh)")

import reprint.ray  # noqa: E402
from conftest import ROOT, cli_json, feed_records, same_report, tree_of  # noqa: E402

@pytest.fixture(scope="module")
def local_ray(tmp_path_factory: pytest.TempPathFactory):
    marker = tmp_path_factory.mktemp("fault") / "killed"
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
        runtime_env={"env_vars": {"RAY_USAGE_STATS_ENABLED": "0"}},
    )
    try:
        yield marker
    finally:
        ray.shutdown()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_the_ray_scan_is_the_cli_report(local_ray: Path, feed: list[str], want: str, partitions: int) -> None:
    got = reprint.ray.scan(feed, partitions=partitions)
    assert len(want) > 100_000
    same_report(got, want)


@pytest.mark.timeout(600)
def test_a_worker_killed_mid_stage_changes_nothing(
    local_ray: Path, feed: list[str], want: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first map task to run kills its own worker process (reprint.ray's fault hook for
    # tests); Ray runs that range again on another worker.
    marker = local_ray
    assert not marker.exists()
    monkeypatch.setenv("REPRINT_RAY_KILL_ONCE", str(marker))
    got = reprint.ray.scan(feed, partitions=5)
    assert marker.exists(), "the fault was injected"
    assert "killed pid" in marker.read_text()
    same_report(got, want)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("stage", [4, 6, 8])
def test_a_worker_killed_in_a_handed_out_stage_changes_nothing(
    local_ray: Path, feed: list[str], want: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    stage: int
) -> None:
    # The first task of stage 4 (band collisions), of stage 6 (pairs judged from their
    # texts) or of stage 8 (listed pairs aligned), on Ray, kills its own worker process; Ray runs that task again on another
    # worker, and its result is the same.
    marker = tmp_path / f"killed-stage{stage}"
    monkeypatch.setenv(f"REPRINT_RAY_KILL_ONCE_STAGE{stage}", str(marker))
    got = reprint.ray.scan(feed, partitions=3)
    assert "killed pid" in marker.read_text() and f"stage-{stage}" in marker.read_text()
    same_report(got, want)


@pytest.mark.timeout(600)
def test_handed_out_tasks_carry_their_work_and_the_reducer_checks_the_results(
    feed: list[str], want: str
) -> None:
    # The reducer's finish with a work callable of our own (what reprint.ray hands to Ray
    # tasks): each task's bytes through the task kernel give the CLI's report; a callable
    # that raises, or gives results that do not fit their tasks, is an error, never another
    # report.
    from reprint import ReprintError, _reprint

    def reducer() -> _reprint.Reducer:
        r = _reprint.Reducer([(k, 1) for k in range(len(feed))], {})
        for k, path in enumerate(feed):
            r.add(_reprint.map_jsonl(path, k, 1, open(path, "rb").read(), {}, offset=0))
        return r

    seen: dict[bytes, list[int]] = {b"RPRTBAND": [], b"RPRTTASK": [], b"RPRTALGN": []}
    signatures: list[int] = []

    def work(tasks: list[bytes], shared: list[bytes], uses: list[int | None]) -> list[bytes]:
        for t, u in zip(tasks, uses):
            seen[t[:8]].append(len(t))
            assert (u is None) == (t[:8] in (b"RPRTTASK", b"RPRTALGN")), (t[:8], u)
            # The stage the engines' fault markers go by, as the task kernel reads it.
            stage = {b"RPRTBAND": 4, b"RPRTTASK": 6, b"RPRTALGN": 8}[t[:8]]
            assert _reprint.task_stage(t) == stage, (t[:8], u)
        signatures.extend(len(s) for s in shared)
        return [_reprint.work(t, {"threads": 1}, None if u is None else shared[u])
                for t, u in zip(tasks, uses)]

    done = reducer()
    assert done.seconds == []
    same_report(done.finish(work=work, tasks=4), want)
    # The stages finish ran, timed, named and ordered as the CLI's `stages:` line names them.
    assert [name for name, _ in done.seconds] == [
        "shingle+repeats", "boilerplate", "minhash", "candidates", "verify", "evidence",
        "cluster", "align+lists", "report"]
    assert all(s >= 0 for _, s in done.seconds)
    # Stage 4: three signatures of at least four bands each, four ranges of bands each; the
    # tasks name their range and signature, whose keys go out once beside them.
    bands, reads = seen[b"RPRTBAND"], seen[b"RPRTTASK"]
    assert len(bands) == 12 and max(bands) < 64, bands
    # 3,000 articles, at least 32 keys of 4 bytes each.
    assert len(signatures) == 3 and min(signatures) > 3000 * 32 * 4, signatures
    assert len(reads) == 4 and min(reads) > 1000, reads
    # Stage 8: the listed pairs, a hub's together, in at most four tasks; like stage 6's, they
    # give their articles' texts by place in the feed's files, which the kernel reads.
    aligns = seen[b"RPRTALGN"]
    assert 1 <= len(aligns) <= 4 and min(aligns) > 1000, aligns

    def raises(tasks: list[bytes], shared: list[bytes], uses: list[int | None]) -> list[bytes]:
        raise ValueError("the cluster went away")

    def spoil(stage: bytes) -> Any:
        """Runs the tasks, then replaces the results of the tasks of ``stage`` with bytes
        that are not results."""
        return lambda ts, sh, us: [t[:100] + b"x" * 40 if t[:8] == stage else r
                                   for t, r in zip(ts, work(ts, sh, us))]

    def swapped(tasks: list[bytes], shared: list[bytes], uses: list[int | None]) -> list[bytes]:
        """Gives each stage-4 task another signature than its own."""
        return work(tasks, shared, [None if u is None else (u + 1) % len(shared) for u in uses])

    with pytest.raises(ValueError, match="the cluster went away"):
        reducer().finish(work=raises, tasks=2)
    with pytest.raises(ReprintError, match="stage-4 task 1: 1 results for 6 tasks"):
        reducer().finish(work=lambda ts, sh, us: work(ts, sh, us)[:1], tasks=2)
    with pytest.raises(ReprintError, match="stage-4 task 0: .*RPRTPAIR magic"):
        reducer().finish(work=spoil(b"RPRTBAND"), tasks=2)
    with pytest.raises(ReprintError, match="stage-6 task 0: .*RPRTVERD magic"):
        reducer().finish(work=spoil(b"RPRTTASK"), tasks=2)
    with pytest.raises(ReprintError, match="stage-8 task 0: .*RPRTSPAN magic"):
        reducer().finish(work=spoil(b"RPRTALGN"), tasks=2)
    with pytest.raises(ReprintError, match="stage-4 task 0: the signature given is not the task's"):
        reducer().finish(work=swapped, tasks=2)
    with pytest.raises(ReprintError, match="task 0: not a reprint task"):
        _reprint.work(b"RPRTPART" + bytes(40), {})
    assert _reprint.task_stage(b"RPRTPART" + bytes(40)) is None
    assert _reprint.task_stage(b"") is None


@pytest.mark.timeout(600)
def test_tasks_and_signatures_are_read_from_any_buffer_of_their_bytes(
    feed: list[str], want: str
) -> None:
    # reprint.ray hands tasks and signatures to Ray as read-only NumPy arrays, which a task
    # reads where the object store maps them. Bytes, such an array, a memoryview and a
    # bytearray (copied first, as Python code could change it) give the same results, and
    # the report is the CLI's; a buffer of other items than bytes is refused.
    import numpy

    from reprint import _reprint

    r = _reprint.Reducer([(k, 1) for k in range(len(feed))], {})
    for k, path in enumerate(feed):
        r.add(_reprint.map_jsonl(path, k, 1, open(path, "rb").read(), {}, offset=0))
    stages: list[int | None] = []

    def forms(b: bytes | None) -> list[Any]:
        if b is None:
            return [None] * 4
        array = numpy.frombuffer(b, dtype=numpy.uint8)
        assert not array.flags.writeable
        return [b, array, memoryview(b), bytearray(b)]

    def work(tasks: list[bytes], shared: list[bytes], uses: list[int | None]) -> list[bytes]:
        out = []
        for t, u in zip(tasks, uses):
            s = None if u is None else shared[u]
            got = [_reprint.work(tf, {"threads": 1}, sf) for tf, sf in zip(forms(t), forms(s))]
            assert all(g == got[0] for g in got[1:])
            stages.extend(_reprint.task_stage(tf) for tf in forms(t))
            for wrong in [numpy.zeros(8, dtype=numpy.uint32), numpy.zeros(8, dtype=numpy.float64)]:
                with pytest.raises((TypeError, BufferError)):
                    _reprint.work(wrong, {"threads": 1}, s)
            out.append(got[0])
        return out

    same_report(r.finish(work=work, tasks=2), want)
    # Six stage-4 tasks (three signatures, two ranges each), two stage-6 tasks and two
    # stage-8 tasks, each read in its four forms.
    assert stages == [4] * 24 + [6] * 8 + [8] * 8, stages


@pytest.mark.timeout(600)
def test_ranges_inside_lines_and_a_last_line_without_feed(
    local_ray: Path, cli: Path, tmp_path: Path
) -> None:
    # 40 ranges over a file of 4 lines: most ranges own no line start (empty parts), and the
    # last line has no line feed, so ranges inside it start past the end.
    small = tmp_path / "small.jsonl"
    rows = [
        '{"id":"a","text":"The harbour council voted on Monday to rebuild the old ferry pier before winter."}',
        "not json",
        '{"id":"b","text":"LONDON - The harbour council voted on Monday to rebuild the old ferry pier before winter."}',
        '{"text":"No id, so the reader names it after its file and line; it has no line feed."}',
    ]
    small.write_text("\n".join(rows), encoding="utf-8")
    want = cli_json(cli, str(small))
    assert '"line":2' in want
    same_report(reprint.ray.scan([str(small)], partitions=40), want)


def test_bad_parts_and_settings_are_errors(local_ray: Path, feed: list[str]) -> None:
    from reprint import ConfigError, ReprintError, _reprint

    part = _reprint.map_jsonl("x", 0, 1, b'{"id":"a","text":"some words here"}\n', {})
    assert part[:8] == b"RPRTPART"
    assert '"articles":1' in _reprint.scan_parts([part], {})
    with pytest.raises(ReprintError, match="checksum"):
        _reprint.scan_parts([part[:-1] + bytes([part[-1] ^ 1])], {})
    with pytest.raises(ReprintError, match="given twice"):
        _reprint.scan_parts([part, part], {})
    # The streaming reducer: a part twice, a part due that never came, use after finish.
    r = _reprint.Reducer([(0, 1)], {})
    r.add(part)
    with pytest.raises(ReprintError, match="given twice"):
        r.add(part)
    r = _reprint.Reducer([(0, 1), (1, 1)], {})
    r.add(part)
    with pytest.raises(ReprintError, match="0 of 1 parts due"):
        r.finish()
    r = _reprint.Reducer([(0, 1)], {"threads": 1})
    r.add(part)
    assert '"articles":1' in r.finish()
    with pytest.raises(ReprintError, match="finished"):
        r.add(part)
    with pytest.raises(ReprintError, match="finished"):
        r.finish()
    with pytest.raises(ConfigError):
        reprint.ray.scan(feed, threshold=2.0)


@pytest.mark.timeout(600)
def test_a_directory_is_read_as_the_cli_reads_it_and_other_kinds_are_refused(
    local_ray: Path, cli: Path, mixed: list[str], tmp_path: Path
) -> None:
    import gzip

    from reprint import InputError

    # The mixed feed (a Parquet file among JSONL) under a tree whose byte order of names is
    # not the order of the files' creation, with a hidden file the walk skips.
    tree = tree_of(mixed, tmp_path / "tree")
    (tree / ".hidden.jsonl").write_bytes(Path(mixed[0]).read_bytes())
    want = cli_json(cli, str(tree), mixed[0])
    r = json.loads(want)
    assert r["summary"]["articles"] > 3000
    assert any(w["file"] == str(tree / "B.data") for w in r["warnings"])
    for partitions in (2, 7):
        same_report(reprint.ray.scan([tree, mixed[0]], partitions=partitions), want)

    # What the CLI reads but the ranges cannot cut is refused, naming the file.
    gz = tmp_path / "feed.jsonl.gz"
    gz.write_bytes(gzip.compress(Path(mixed[0]).read_bytes()))
    txt = tmp_path / "story.txt"
    txt.write_text("One plain article of a few words.\n")
    rss = tmp_path / "feed.xml"
    rss.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>')
    for path, what in ((gz, "gzip-compressed"), (txt, "plain-text article"), (rss, "RSS or Atom feed")):
        with pytest.raises(InputError, match=re.escape(f"{path}: ") + f"(an? )?{what}: reprint.ray cuts"):
            reprint.ray.scan([mixed[0], path])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no input files"):
        reprint.ray.scan(empty)
    fifo = tree / "b" / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="pipe.*not a regular file"):
        reprint.ray.scan(tree)


def test_parts_give_texts_by_place_and_the_reducer_reads_the_file(feed: list[str], want: str) -> None:
    # What reprint.ray's tasks make (_ranges.map_range): parts that keep where each text is in
    # its file. Cut at a line end inside the first file, they give the CLI's report, and are
    # much smaller than parts that carry the texts.
    from reprint import ReprintError, _reprint

    first = open(feed[0], "rb").read()
    cut = first.index(b"\n", len(first) // 2) + 1
    lines = first[:cut].count(b"\n")
    parts = [
        _reprint.map_jsonl(feed[0], 0, 1 + lines, first[cut:], {}, offset=cut),
        _reprint.map_jsonl(feed[0], 0, 1, first[:cut], {}, offset=0),
    ]
    for k, path in enumerate(feed[1:], start=1):
        parts.append(_reprint.map_jsonl(path, k, 1, open(path, "rb").read(), {}, offset=0))
    same_report(_reprint.scan_parts(parts, {}), want)
    carried = _reprint.map_jsonl(feed[0], 0, 1, first, {})
    placed = _reprint.map_jsonl(feed[0], 0, 1, first, {}, offset=0)
    assert len(placed) * 10 < len(carried) * 7
    # The reducer reads texts again by the part's name: a name it cannot open is an error
    # naming it, not a crash or another report.
    gone = _reprint.map_jsonl("no/such/feed.jsonl", 0, 1, first, {}, offset=0)
    with pytest.raises(ReprintError, match="no/such/feed.jsonl"):
        _reprint.scan_parts([gone], {})


def test_the_module_prints_the_report(cli: Path, feed: list[str], want: str) -> None:
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    p = subprocess.run(
        [sys.executable, "-m", "reprint.ray", *feed, "--partitions", "3"],
        capture_output=True,
        env=env,
        cwd=ROOT / "python" / "tests",
        timeout=600,
        check=False,
    )
    assert p.returncode == 0, p.stderr.decode()[-3000:]
    same_report(p.stdout.decode(), want)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("partitions", [1, 4, 9])
def test_parquet_files_are_cut_at_row_groups_and_give_the_cli_report(
    local_ray: Path, cli: Path, mixed: list[str], partitions: int
) -> None:
    want = cli_json(cli, *mixed)
    r = json.loads(want)
    assert r["summary"]["articles"] > 2900
    assert any(w["file"] == mixed[1] and "null" in w["message"] for w in r["warnings"])
    same_report(reprint.ray.scan(mixed, partitions=partitions), want)


@pytest.fixture(scope="module")
def dataset(local_ray: Path, feed: list[str]):
    """The split feed's records as a Ray Dataset of 6 blocks (materialized, so its order is
    fixed), with a text that is null, two records the binding cannot write as JSON, a number
    for an id, and a repeated id; and the report ``reprint.scan`` gives its rows."""
    rows = feed_records(feed)
    rows[10]["text"] = None  # the reader's warning
    rows[20]["text"] = float("inf")  # the binding's: JSON has no infinity
    rows[25]["text"] = {"a", "set"}  # the binding's: not a JSON type
    rows[30]["id"] = 30
    rows.append(dict(rows[40]))
    ds = ray.data.from_items(rows, override_num_blocks=6).materialize()
    want = reprint.scan(ds.take_all()).json()
    return ds, want


@pytest.mark.timeout(600)
@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_a_dataset_scan_is_the_report_of_its_rows(dataset, partitions: int) -> None:
    ds, want = dataset
    summary = json.loads(want)["summary"]
    assert summary["articles"] > 2900 and summary["reprint_pairs"] > 1000
    assert summary["warnings"] >= 4  # the null text, the two records not written, the id
    same_report(reprint.ray.scan(ds, partitions=partitions), want)


@pytest.mark.timeout(600)
def test_a_dataset_scan_survives_a_worker_killed_mid_stage(
    dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds, want = dataset
    marker = tmp_path / "killed"
    monkeypatch.setenv("REPRINT_RAY_KILL_ONCE", str(marker))
    got = reprint.ray.scan(ds, partitions=4)
    assert "killed pid" in marker.read_text()
    same_report(got, want)


@pytest.mark.timeout(600)
def test_a_parquet_dataset_an_empty_one_and_strict_mode(local_ray: Path, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from reprint import InputError

    story = (
        "The harbour council voted on Monday to rebuild the old ferry pier before winter, "
        "after a survey found the pilings rotten. Work starts in March and the ferry will "
        "use the fish quay until the new pier opens, the council said in a statement. "
        "Fishermen at the meeting asked for a second landing stage, and the mayor promised "
        "an answer by the end of the month."
    )
    bodies = [f"{story} Reported by desk {k}." if k % 3 else f"Desk {k} files a brief of its own on the tides." for k in range(60)]
    for k, part in enumerate([bodies[:25], bodies[25:]]):
        table = pa.table({"id": list(range(k * 25, k * 25 + len(part))), "body": part})
        pq.write_table(table, tmp_path / f"p{k}.parquet", row_group_size=7)
    # Arrow blocks from Parquet row groups of 7 rows (``ray.data.from_arrow``), one block a
    # row group.
    files = [pq.ParquetFile(tmp_path / f"p{k}.parquet") for k in range(2)]
    groups = [f.read_row_group(g) for f in files for g in range(f.num_row_groups)]
    assert len(groups) == 9
    ds = ray.data.from_arrow(groups).materialize()
    want = reprint.scan(ds.take_all(), text_field="body", name="news").json()
    assert json.loads(want)["summary"]["articles"] == 60
    assert json.loads(want)["summary"]["clusters"] >= 1
    same_report(reprint.ray.scan(ds, partitions=5, text_field="body", name="news"), want)
    # And as a user reads them: ``read_parquet`` over the directory.
    ds = ray.data.read_parquet(str(tmp_path)).materialize()
    rows = ds.take_all()
    assert sorted(r["id"] for r in rows) == list(range(60))
    want = reprint.scan(rows, text_field="body", name="news").json()
    same_report(reprint.ray.scan(ds, partitions=3, text_field="body", name="news"), want)

    empty = ray.data.from_items([{"text": "x"}]).filter(lambda r: False)
    assert reprint.ray.scan(empty) == reprint.scan([]).json()

    # The middle split is one record the binding cannot write as JSON (its line stays, blank),
    # with a null text after it.
    rows = [{"id": "a", "text": story}, {"id": "b", "text": float("inf")}, {"id": "c", "text": None},
            {"id": "d", "text": story}]
    bad = ray.data.from_items(rows, override_num_blocks=4).materialize()
    want = reprint.scan(bad.take_all()).json()
    assert '"line":2' in want and '"line":3' in want
    assert json.loads(want)["summary"]["articles"] == 2
    same_report(reprint.ray.scan(bad, partitions=4), want)
    with pytest.raises(InputError, match="<records>:2: .*infinity|<records>:2: .*inf"):
        reprint.ray.scan(bad, partitions=4, strict=True)

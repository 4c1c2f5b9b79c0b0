"""The scan on Ray Data (``reprint.ray``, issue 19): a generated feed split into several files,
scanned on a local Ray with 2 CPUs, must give the CLI's JSON byte for byte at 1, 3 and 8
partitions, and again after a worker is killed in the middle of the map stage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
ray = pytest.importorskip("ray", reason="CI installs ray[data] (python/ci.sh)")

import reprint.ray  # noqa: E402
from conftest import ROOT, cli_json  # noqa: E402

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
    assert got == want


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
    assert got == want


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
    assert reprint.ray.scan([str(small)], partitions=40) == want


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
    assert _reprint.scan_parts(parts, {}) == want
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
    assert p.stdout.decode() == want

"""Shared fixtures: the repository, the CLI binary the package is compared with, and a
generated feed (``reprint synth``) made once per test session."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "data/example/feed.jsonl"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The release binary built from this checkout (``REPRINT_BIN`` overrides the path)."""
    path = Path(os.environ.get("REPRINT_BIN", ROOT / "target" / "release" / "reprint"))
    if not path.is_file():
        pytest.fail(f"{path}: build the CLI first (cargo build --release)")
    return path


def run_cli(cli: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Runs the CLI from the repository root (so relative input names match)."""
    return subprocess.run([str(cli), *args], cwd=ROOT, capture_output=True, check=False)


def cli_json(cli: Path, *args: str) -> str:
    """``reprint scan --format json ARGS`` stdout; exit 0 or 3 (malformed input) only."""
    p = run_cli(cli, "scan", "--format", "json", "--quiet", *args)
    assert p.returncode in (0, 3), p.stderr.decode()
    return p.stdout.decode()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def feed_records(paths: list[str]) -> list[dict]:
    """The records of JSONL files in order, their malformed lines left out."""
    rows = []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return rows


def tree_of(files: list[str], root: Path) -> Path:
    """``files`` copied under ``root`` at places whose byte order of names is not the
    order of ``files`` (``B.data`` sorts before ``a.jsonl``, sub-directories in between)."""
    places = ["b/x.jsonl", "B.data", "a.jsonl", "b/a/y.jsonl"]
    assert len(files) <= len(places)
    for src, place in zip(files, places):
        (root / place).parent.mkdir(parents=True, exist_ok=True)
        (root / place).write_bytes(Path(src).read_bytes())
    return root


@pytest.fixture(scope="session")
def generated(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated feed of 1,500 articles (bundled base stories, seed 3)."""
    d = tmp_path_factory.mktemp("synth")
    feed, truth = d / "feed.jsonl", d / "truth.json"
    p = run_cli(
        cli, "synth", "--seed", "3", "--articles", "1500", "--out", str(feed), "--truth", str(truth)
    )
    assert p.returncode == 0, p.stderr.decode()
    return feed


#: Files the distributed scans' feed is split into.
FILES = 4


@pytest.fixture(scope="session")
def feed(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A generated feed of 3,000 articles in ``FILES`` files of unequal length, the middle
    ones with a repeated id and a bad line, so warnings and renaming cross files."""
    d = tmp_path_factory.mktemp("splitfeed")
    whole = d / "feed.jsonl"
    p = run_cli(
        cli, "synth", "--seed", "11", "--articles", "3000", "--out", str(whole), "--truth", str(d / "t.json")
    )
    assert p.returncode == 0, p.stderr.decode()
    lines = whole.read_bytes().splitlines(keepends=True)
    cuts = [0, 400, 1300, 1310, len(lines)]
    paths = []
    for k in range(FILES):
        path = d / f"part-{k}.jsonl"
        body = b"".join(lines[cuts[k] : cuts[k + 1]])
        if k in (1, 2):
            body += b"not json\n" + lines[0]  # a malformed line, and the feed's first id again
        path.write_bytes(body)
        paths.append(str(path))
    return paths


@pytest.fixture(scope="session")
def want(cli: Path, feed: list[str]) -> str:
    """The CLI's JSON report on ``feed``, which the distributed scans must print."""
    text = cli_json(cli, *feed)
    assert '"duplicate id' in text and text.count('"line"') >= 4, "warnings from several files"
    return text


@pytest.fixture(scope="session")
def mixed(feed: list[str], tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The split feed with its second file (a bad line, a repeated id) as Parquet in row
    groups of 97 rows, one text null, under a name without the extension (found by its
    magic, as the CLI finds it)."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = feed_records(feed[1:2])
    rows[7]["text"] = None
    path = tmp_path_factory.mktemp("mixed") / "part-1.data"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=97)
    return [feed[0], str(path), *feed[2:]]


def same_report(got: str, want: str) -> None:
    """Fails, saying where, unless two reports are the same text. (``assert got == want``
    would do, but when it fails pytest diffs the two strings, and on reports of a megabyte
    that takes minutes of CPU.)"""
    if got == want:
        return
    at = next((i for i, (x, y) in enumerate(zip(got, want)) if x != y), min(len(got), len(want)))
    lo = max(0, at - 300)
    pytest.fail(
        f"the reports differ from character {at} (lengths {len(got)} and {len(want)}):\n"
        f"  got  ...{got[lo:at + 300]!r}\n  want ...{want[lo:at + 300]!r}",
        pytrace=False,
    )

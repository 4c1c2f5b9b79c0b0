"""The README's Python example runs, and does what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, cli_json, same_report


def test_the_readme_example_runs_and_matches_the_cli(
    cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- python-example:[^>]*-->\n```python\n(.*?)```", readme, re.S)
    assert block, "the README's Python example is missing"
    monkeypatch.chdir(ROOT)
    ns: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), ns)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("<reprint.Report articles=300 clusters=30 pairs=128 ")
    same_report(ns["text"], cli_json(cli, "data/example/feed.jsonl"))
    assert len(ns["biggest"]["members"]) >= 2
    # The shared passage is in the other article of the pair too, where its span says.
    other = next(r["text"] for r in ns["records"] if r["id"] == ns["pair"]["b"]).encode()
    b0, b1 = ns["pair"]["spans"][0]["b"]
    assert len(ns["shared"].split()) >= 5
    assert ns["shared"].split() == other[b0:b1].decode().split()
    c = ns["cleaned"].counts
    assert out[1] == f"{c['kept']} of 300 kept" and c["kept"] < 300

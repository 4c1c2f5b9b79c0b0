"""The type stubs say what the package does: every setting, every report field."""

from __future__ import annotations

import ast
from pathlib import Path

import reprint
from conftest import EXAMPLE, ROOT, read_jsonl

STUB = Path(reprint.__file__).with_name("__init__.pyi")


def stub() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"))


def keyword_names(func: str) -> set[str]:
    f = next(n for n in stub().body if isinstance(n, ast.FunctionDef) and n.name == func)
    return {a.arg for a in f.args.kwonlyargs}


def test_the_stubs_list_every_setting() -> None:
    clean_only = {"keep", "keep_boilerplate", "min_boilerplate_words"}
    assert keyword_names("scan") == set(reprint.DEFAULTS) - clean_only | {"name"}
    assert keyword_names("clean") == set(reprint.DEFAULTS) | {"name"}
    assert (STUB.parent / "py.typed").is_file()


def test_the_typed_dicts_have_the_report_s_keys() -> None:
    report = reprint.scan(read_jsonl(ROOT / EXAMPLE) + [{"id": 1}])
    fields = {
        n.name: {a.target.id for a in n.body if isinstance(a, ast.AnnAssign)}
        for n in stub().body
        if isinstance(n, ast.ClassDef) and any(getattr(b, "id", "") == "TypedDict" for b in n.bases)
    }
    assert set(report.summary) == fields["Summary"]
    for name, items in [
        ("Repeat", report.repeats),
        ("Boilerplate", report.boilerplate),
        ("Pair", report.pairs),
        ("Cluster", report.clusters),
        ("Warning", report.warnings),
    ]:
        assert items, name
        assert all(set(x) == fields[name] for x in items), name
    assert set(report.pairs[0]["spans"][0]) == fields["SpanPair"]
    assert set(report.repeats[0]["first"]) == fields["RepeatSide"]

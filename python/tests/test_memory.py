"""A process gives back the heap a scan or an engine's task let go (``reprint._memory``),
instead of keeping it under what it runs next."""

from __future__ import annotations

import subprocess
import sys

import pytest

import reprint
from reprint import _memory

# Run in a process of its own, whose heap holds nothing else: 200 MB of small blocks are
# written and freed below one block still in use, so glibc keeps them (its own trim only
# gives back free memory at the top of the heap), until ``release_memory`` trims.
_FREED_UNDER_A_LIVE_BLOCK = """
import ctypes
from reprint._memory import release_memory

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]


def anon():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024


blocks = [libc.malloc(4000) for _ in range(50_000)]
for b in blocks:
    ctypes.memset(b, 1, 4000)
live = libc.malloc(4000)
written = anon()
for b in blocks:
    libc.free(b)
freed = anon()
release_memory()
print(written - freed, freed - anon())
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or _memory._TRIM is None,
    reason="trimming the heap is glibc's (Linux)",
)
def test_release_memory_gives_back_a_freed_heap() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _FREED_UNDER_A_LIVE_BLOCK],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    by_free, by_release = (int(x) for x in out)
    # Freed, the blocks stay the process's own; released, most of their 200 MB goes back.
    assert by_free < 20 << 20, f"free alone gave back {by_free >> 20} MB"
    assert by_release > 150 << 20, f"gave back {by_release >> 20} MB of 200"


def test_release_memory_collects_cycles_when_asked() -> None:
    import gc
    import weakref

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    gc.disable()
    try:
        _memory.release_memory()
        assert gone() is not None, "a plain release leaves the collection to Python"
        _memory.release_memory(collect=True)
        assert gone() is None
    finally:
        gc.enable()


def test_scan_and_clean_give_back_what_they_freed(monkeypatch) -> None:
    # Each ends with a release, after the library's work and before it returns.
    calls: list[str] = []
    monkeypatch.setattr(reprint, "_release_memory", lambda: calls.append("released"))
    story = (
        "The city council voted on Tuesday to close the old harbour bridge for repairs.\n\n"
        "Engineers found cracks in two of its steel supports during an inspection last month.\n\n"
        "Traffic will be sent over the northern ring road until the work ends in the spring."
    )
    records = [{"id": f"r{i}", "text": story} for i in range(3)]
    report = reprint.scan(records)
    assert calls == ["released"] and len(report.clusters) == 1
    cleaned = reprint.clean(records)
    assert calls == ["released"] * 2 and len(cleaned.records) == 1


def test_a_distributed_scan_gives_back_the_reducers_heap_even_when_it_fails(monkeypatch) -> None:
    # The driver of reprint.ray and reprint.spark finishes its reducer through
    # _ranges.finish, which releases after the report is made or the reducer raised.
    from reprint import _ranges

    calls: list[str] = []
    monkeypatch.setattr(_ranges, "release_memory", lambda: calls.append("released"))

    class Finishes:
        def finish(self, pretty: bool, **kwargs: object) -> str:
            calls.append(f"finish {pretty} {sorted(kwargs)}")
            return "{}"

    class Raises:
        def finish(self, pretty: bool, **kwargs: object) -> str:
            calls.append("finish")
            raise reprint.ReprintError("a part is missing")

    assert _ranges.finish(Finishes(), True, tasks=3) == "{}"
    assert calls == ["finish True ['tasks']", "released"]
    with pytest.raises(reprint.ReprintError, match="a part is missing"):
        _ranges.finish(Raises(), False)
    assert calls[2:] == ["finish", "released"]

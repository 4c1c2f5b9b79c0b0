"""Giving back to the system the heap a finished piece of work let go (issue 19)."""

from __future__ import annotations

import gc
from typing import Any


def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, where the process has it (not on macOS, Windows or musl)."""
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):
        return None


_TRIM = _malloc_trim()


def release_memory(collect: bool = False) -> None:
    """Gives back to the system the memory a finished piece of work let go: Python's
    reference cycles collected (``collect``), then glibc's free lists trimmed
    (``malloc_trim``; nothing where there is no glibc), which otherwise keep what the scan's
    threads freed as the process's own heap. ``reprint.scan`` and ``reprint.clean`` end with
    it: after a scan of 100k generated articles a Python process held 1,152 MB, and 784 MB
    once trimmed (the records and the report still alive). An engine's worker process runs
    task after task, and without it keeps what the kernel and the engine's copies freed under
    every later task. Measured on Ray with 2 workers
    (``benches/results/ray-trim-2026-12-07.md``): after a map task the collection freed
    190-230 MB of a worker's private memory and the trim up to 190 MB more; after a stage-4
    task the collection freed nothing (and takes 50-100 ms in a Ray worker), the trim 5-40
    MB."""
    if collect:
        gc.collect()
    if _TRIM is not None:
        _TRIM(0)

"""The native module (Rust, PyO3). Use the ``reprint`` package, which wraps it."""

import os
import sys
from typing import Any, Callable, Sequence

if sys.version_info >= (3, 12):
    from collections.abc import Buffer
else:
    from typing_extensions import Buffer

__version__: str

class NativeReport:
    malformed: int
    seconds: list[tuple[str, float]]
    def json(self, pretty: bool = False) -> str: ...

def scan(records: Sequence[Any], options: dict[str, Any], name: str) -> NativeReport: ...
def clean(
    records: Sequence[Any], options: dict[str, Any], name: str
) -> tuple[NativeReport, list[tuple[int, str | None]], str]: ...
def defaults() -> dict[str, Any]: ...
def map_jsonl(
    name: str,
    input: int,
    first_line: int,
    data: bytes,
    options: dict[str, Any],
    offset: int | None = None,
) -> bytes: ...
def map_records(
    records: list[Any],
    name: str,
    first_line: int,
    last: bool,
    options: dict[str, Any],
) -> bytes: ...
def parquet_row_groups(path: str | os.PathLike[str]) -> list[int] | None: ...
def input_files(paths: list[str | os.PathLike[str]]) -> list[str]: ...
def file_kind(path: str | os.PathLike[str]) -> str: ...
def map_parquet(
    name: str,
    input: int,
    path: str | os.PathLike[str],
    first_group: int,
    end_group: int,
    options: dict[str, Any],
) -> bytes: ...
def scan_parts(parts: list[bytes], options: dict[str, Any], pretty: bool = False) -> str: ...
def work(task: Buffer, options: dict[str, Any], shared: Buffer | None = None) -> bytes: ...
def task_stage(task: Buffer) -> int | None: ...

class Reducer:
    def __init__(self, starts: list[tuple[int, int]], options: dict[str, Any]) -> None: ...
    def add(self, part: bytes) -> None: ...
    def finish(
        self,
        pretty: bool = False,
        work: Callable[[list[bytes], list[bytes], list[int | None]], list[bytes]] | None = None,
        tasks: int = 1,
    ) -> str: ...
    @property
    def seconds(self) -> list[tuple[str, float]]: ...

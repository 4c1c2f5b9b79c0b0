"""Type stubs of the ``reprint`` package: every setting with its type. Defaults (``None``
here: "the library's default") are in :data:`DEFAULTS`, read from the Rust library."""

from typing import Any, Iterable, Literal, Mapping, TypedDict, Union

from ._errors import ConfigError as ConfigError
from ._errors import InputError as InputError
from ._errors import ReprintError as ReprintError

__version__: str
DEFAULTS: dict[str, Any]

# A record: a mapping of field names to values, or a bare text.
Record = Union[Mapping[str, Any], str, bytes]
# A list or other iterable of records, a pandas DataFrame or a pyarrow Table / RecordBatch.
Articles = Any

class Summary(TypedDict):
    articles: int
    repeats: int
    boilerplate: int
    pairs: int
    reprint_pairs: int
    partial_pairs: int
    clusters: int
    warnings: int

class RepeatSide(TypedDict):
    start: int
    end: int
    paragraphs: list[int]

class Repeat(TypedDict):
    article: str
    words: int
    first: RepeatSide
    repeat: RepeatSide
    exact: bool

class Boilerplate(TypedDict):
    text: str
    articles: int
    sources: dict[str, int]
    ids: list[str]
    paragraphs: int
    words: int

class SpanPair(TypedDict):
    a: list[int]
    b: list[int]
    words: int

class Pair(TypedDict):
    a: str
    b: str
    kind: str
    short_share: float
    long_share: float
    shorter: str
    evidence: str
    jaccard: float
    containment: float
    shared_shingles: int
    spans: list[SpanPair]

class Cluster(TypedDict):
    canonical: str
    members: list[str]
    via: dict[str, str]

class Warning(TypedDict):
    file: str
    line: int
    message: str

class Report:
    def json(self, pretty: bool = False) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def version(self) -> int: ...
    @property
    def summary(self) -> Summary: ...
    @property
    def params(self) -> dict[str, Any]: ...
    @property
    def repeats(self) -> list[Repeat]: ...
    @property
    def boilerplate(self) -> list[Boilerplate]: ...
    @property
    def pairs(self) -> list[Pair]: ...
    @property
    def clusters(self) -> list[Cluster]: ...
    @property
    def warnings(self) -> list[Warning]: ...
    @property
    def malformed(self) -> int: ...
    @property
    def seconds(self) -> dict[str, float]: ...

class Cleaned:
    records: list[Any]
    removed: list[dict[str, Any]]
    counts: dict[str, int]
    report: Report

def scan(
    articles: Articles,
    *,
    name: str = "<records>",
    id_field: str | None = None,
    title_field: str | None = None,
    text_field: str | None = None,
    source_field: str | None = None,
    date_field: str | None = None,
    threads: int | None = None,
    strict: bool | None = None,
    ngram_words: int | None = None,
    num_perms: int | None = None,
    threshold: float | None = None,
    containment_threshold: float | None = None,
    evidence_containment: float | None = None,
    min_body_words: int | None = None,
    min_story_words: int | None = None,
    paragraph_coverage: float | None = None,
    char_coverage: float | None = None,
    noisy_char_coverage: float | None = None,
    short_share: float | None = None,
    long_share: float | None = None,
    min_shared_words: int | None = None,
    partial_words: int | None = None,
    min_repeat_words: int | None = None,
    repeat_similarity: float | None = None,
    min_boilerplate_articles: int | None = None,
    boilerplate_coverage: float | None = None,
    all_pairs: bool | None = None,
    max_article_bytes: int | None = None,
    key_memory_bytes: int | None = None,
) -> Report: ...
def clean(
    articles: Articles,
    *,
    name: str = "<records>",
    keep: Literal["canonical", "all", "longest"] | None = None,
    keep_boilerplate: bool | None = None,
    min_boilerplate_words: int | None = None,
    id_field: str | None = None,
    title_field: str | None = None,
    text_field: str | None = None,
    source_field: str | None = None,
    date_field: str | None = None,
    threads: int | None = None,
    strict: bool | None = None,
    ngram_words: int | None = None,
    num_perms: int | None = None,
    threshold: float | None = None,
    containment_threshold: float | None = None,
    evidence_containment: float | None = None,
    min_body_words: int | None = None,
    min_story_words: int | None = None,
    paragraph_coverage: float | None = None,
    char_coverage: float | None = None,
    noisy_char_coverage: float | None = None,
    short_share: float | None = None,
    long_share: float | None = None,
    min_shared_words: int | None = None,
    partial_words: int | None = None,
    min_repeat_words: int | None = None,
    repeat_similarity: float | None = None,
    min_boilerplate_articles: int | None = None,
    boilerplate_coverage: float | None = None,
    all_pairs: bool | None = None,
    max_article_bytes: int | None = None,
    key_memory_bytes: int | None = None,
) -> Cleaned: ...

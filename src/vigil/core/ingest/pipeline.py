"""Ingest: every line validated, bad lines rejected with file, line and reason, good lines stored.

The store takes batches, each atomic, so a crash leaves whole records only;
content hashes make a second load of the same input change nothing, so running
an interrupted load again completes it.
"""

from __future__ import annotations

import gc
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import astuple, dataclass, field
from typing import IO

import orjson

from vigil.core.contract import (
    Access,
    Action,
    ContractError,
    Rejection,
    parse_access,
    parse_action,
    parse_record,
    parse_staff,
)
from vigil.core.ingest.source import SourceFile, SourceLine
from vigil.core.ingest.store import Counts, IngestStore, Item, Prepared, RunOutcome

BATCH_SIZE = 2000
# Rejections kept in memory for the closing summary; all of them are stored.
REJECTIONS_SHOWN = 50

_PARSERS: dict[str, Callable[[object], Item]] = {
    "staff": parse_staff,
    "records": parse_record,
    "actions": parse_action,
    "access": parse_access,
}
# Staff before records before actions: actions are checked against stored records.
LOAD_ORDER = ("staff", "records", "actions", "access")


@dataclass
class IngestReport:
    """What a run did, for the person who ran it."""

    run_id: int
    source: str
    status: str
    counts: dict[str, Counts] = field(default_factory=dict)
    rejected: int = 0
    rejections_shown: list[Rejection] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every line went in."""
        return self.rejected == 0 and self.status == "completed"


class _RefusedError(Exception):
    """Raised inside a strict run to undo it."""


class _Rejections:
    """Collects rejections, storing them in batches and keeping the first few to show.

    A strict run can store them only after its transaction is undone, so until
    then they wait in a temporary file rather than in memory.
    """

    def __init__(self, store: IngestStore, run_id: int, *, defer: bool) -> None:
        self._store = store
        self._run_id = run_id
        self._defer = defer
        self._pending: list[Rejection] = []
        self._spool: IO[bytes] | None = None
        self.shown: list[Rejection] = []
        self.total = 0

    def add(self, rejection: Rejection) -> None:
        self.total += 1
        if len(self.shown) < REJECTIONS_SHOWN:
            self.shown.append(rejection)
        self._pending.append(rejection)
        if len(self._pending) >= BATCH_SIZE:
            if self._defer:
                self._spill()
            else:
                self.flush()

    def _spill(self) -> None:
        if self._spool is None:
            self._spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed in flush)
        for rejection in self._pending:
            self._spool.write(orjson.dumps(astuple(rejection)) + b"\n")
        self._pending = []

    def flush(self) -> None:
        """Stores every rejection not yet stored."""
        if self._spool is not None:
            self._spool.seek(0)
            batch: list[Rejection] = []
            for raw in self._spool:
                batch.append(Rejection(*orjson.loads(raw)))
                if len(batch) >= BATCH_SIZE:
                    self._store.record_rejections(self._run_id, batch)
                    batch = []
            self._store.record_rejections(self._run_id, batch)
            self._spool.close()
            self._spool = None
        if self._pending:
            self._store.record_rejections(self._run_id, self._pending)
            self._pending = []


def content_hash(data: object) -> str:
    """A hash of a line's content that ignores key order and spacing."""
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def ingest(
    files: Iterable[SourceFile],
    store: IngestStore,
    *,
    source: str,
    strict: bool = False,
    ignored: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Loads files (of kinds staff, records, actions, access) into the store.

    Args:
        files: The files to load; loaded in LOAD_ORDER whatever order they come in.
        store: Where valid lines go.
        source: What the user asked to load, as they named it.
        strict: All or nothing: one bad line and no line goes in.
        ignored: Files present but not part of the contract, to report.
        progress: Called with the number of bytes read since the last call.
        batch_size: Lines per atomic write.

    Returns:
        What the run did.
    """
    with _fewer_collections():
        return _ingest(files, store, source, strict, ignored, progress, batch_size)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Ingest makes millions of short-lived objects and no cycles of its own;
    the default collector thresholds would scan the heap thousands of times."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _ingest(
    files: Iterable[SourceFile],
    store: IngestStore,
    source: str,
    strict: bool,
    ignored: Sequence[str],
    progress: Callable[[int], None] | None,
    batch_size: int,
) -> IngestReport:
    ordered = sorted(files, key=lambda file: LOAD_ORDER.index(file.kind))
    run_id = store.begin_run(source=source, strict=strict, ignored=ignored)
    report = IngestReport(run_id=run_id, source=source, status="completed", ignored=list(ignored))
    rejections = _Rejections(store, run_id, defer=strict)
    try:
        with store.all_or_nothing() if strict else nullcontext():
            for file in ordered:
                counts = report.counts.setdefault(file.kind, Counts())
                started = time.perf_counter()
                _load_file(file, store, run_id, counts, rejections, progress, batch_size)
                counts.seconds += time.perf_counter() - started
            if strict and rejections.total:
                raise _RefusedError
    except _RefusedError:
        report.status = "refused"
        for counts in report.counts.values():
            counts.new = counts.new_versions = counts.unchanged = 0
    rejections.flush()
    report.rejected = rejections.total
    report.rejections_shown = rejections.shown
    store.finish_run(
        run_id,
        RunOutcome(
            status=report.status,
            counts={kind: counts.as_dict() for kind, counts in report.counts.items()},
        ),
    )
    return report


@dataclass
class _Chunk:
    """A batch of valid lines, and the lines refused on the way to it."""

    valid: list[Prepared] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    read: int = 0


def _load_file(
    file: SourceFile,
    store: IngestStore,
    run_id: int,
    counts: Counts,
    rejections: _Rejections,
    progress: Callable[[int], None] | None,
    batch_size: int,
) -> None:
    for chunk in _chunks(file, progress, batch_size):
        counts.read += chunk.read
        counts.rejected += len(chunk.rejected)
        for rejection in chunk.rejected:
            rejections.add(rejection)
        if chunk.valid:
            _write_batch(file, store, run_id, chunk.valid, counts, rejections)


def _chunks(
    file: SourceFile, progress: Callable[[int], None] | None, batch_size: int
) -> Iterator[_Chunk]:
    """Reads and validates a file, in chunks of `batch_size` valid lines."""
    parse = _PARSERS[file.kind]
    first_seen: dict[str, int] = {}
    chunk = _Chunk()
    for line in file.lines(progress):
        chunk.read += 1
        reason = line.error
        if reason is None:
            try:
                item = parse(line.data)
            except ContractError as error:
                reason = str(error)
            else:
                key = None if isinstance(item, Access) else item.id
                earlier = None if key is None else first_seen.get(key)
                if earlier is None:
                    if key is not None:
                        first_seen[key] = line.line
                    chunk.valid.append(Prepared(item, content_hash(line.data), line.line))
                    if len(chunk.valid) >= batch_size:
                        yield chunk
                        chunk = _Chunk()
                    continue
                reason = f"id {key!r} is used twice (first at line {earlier})"
        chunk.rejected.append(_rejection(line, reason))
    yield chunk


def _rejection(line: SourceLine, reason: str) -> Rejection:
    excerpt = line.excerpt
    if not excerpt and line.data is not None:
        excerpt = orjson.dumps(line.data)[:200].decode("utf-8", "replace")
    return Rejection(line.file, line.line, reason, excerpt)


def _write_batch(
    file: SourceFile,
    store: IngestStore,
    run_id: int,
    batch: list[Prepared],
    counts: Counts,
    rejections: _Rejections,
) -> None:
    if file.kind == "actions":
        batch = _actions_with_known_subjects(file.name, store, batch, counts, rejections)
    if batch:
        counts.add(store.write(run_id, file.kind, batch))


def _actions_with_known_subjects(
    file_name: str,
    store: IngestStore,
    batch: list[Prepared],
    counts: Counts,
    rejections: _Rejections,
) -> list[Prepared]:
    """Drops actions whose subjects point at a mention no stored record defines."""
    wanted = {
        subject.record_id
        for prepared in batch
        if isinstance(prepared.item, Action)
        for subject in prepared.item.subjects
    }
    known = store.known_mention_refs(wanted) if wanted else {}
    kept = []
    for prepared in batch:
        assert isinstance(prepared.item, Action)
        reason = _unknown_subject(prepared.item, known)
        if reason is None:
            kept.append(prepared)
        else:
            counts.rejected += 1
            excerpt = f'{{"id": "{prepared.item.id}", ...}}'
            rejections.add(Rejection(file_name, prepared.line, reason, excerpt))
    return kept


def _unknown_subject(action: Action, known: dict[str, frozenset[str]]) -> str | None:
    for index, subject in enumerate(action.subjects):
        refs = known.get(subject.record_id)
        if refs is None:
            return (
                f"subjects[{index}] points at record {subject.record_id!r}, "
                "which is not in the bundle or the store"
            )
        if subject.ref not in refs:
            return (
                f"subjects[{index}] points at ref {subject.ref!r}, which no mention "
                f"of record {subject.record_id!r} defines"
            )
    return None

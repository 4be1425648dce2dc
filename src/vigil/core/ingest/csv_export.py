"""An agency's CSV export read through a mapping file, row by row, as bundle lines.

Each row becomes one object shaped like a line of the bundle file the mapping
names (records, actions, staff or access), or an error that names the row's
first physical line. The contract itself is checked later, by ingest, as for
any bundle line.
"""

from __future__ import annotations

import codecs
import csv
import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from vigil.core.ingest.mapping import (
    ColumnSource,
    ConstantSource,
    CsvMapping,
    Dialect,
    FieldRule,
    JoinSource,
    MentionRule,
    Place,
    Source,
    TemplateSource,
    Value,
    load_mapping,
    source_columns,
)
from vigil.core.ingest.source import EXCERPT_CHARS, MAX_LINE_BYTES, SourceError, SourceLine

Row = Sequence[str]
Read = Callable[[Row], str]
Progress = Callable[[int], None]

_UTF8 = frozenset({"utf-8", "utf-8-sig"})


def open_csv_export(csv_path: Path, mapping_path: Path) -> CsvExport:
    """Opens a CSV export with its mapping, checking the mapping and the CSV header now.

    Args:
        csv_path: The CSV file.
        mapping_path: The YAML mapping file that says how its columns become bundle fields.

    Returns:
        The export, ready to read line by line like a bundle file.

    Raises:
        SourceError: when the mapping is wrong, the CSV cannot be read, or its
            header lacks a column the mapping names.
    """
    mapping = load_mapping(mapping_path)
    try:
        size = csv_path.stat().st_size
    except OSError as error:
        raise SourceError(f"{csv_path}: cannot read: {error.strerror}") from None
    export = CsvExport(
        name=str(csv_path), kind=mapping.kind, size=size, path=csv_path, mapping=mapping
    )
    export.check_header()
    return export


@dataclass
class CsvExport:
    """A CSV export and its mapping: a bundle file (SourceFile) of one kind.

    Attributes:
        name: The CSV file's name as the user gave it.
        kind: The bundle file kind its rows become.
        size: The CSV file's size in bytes.
        path: The CSV file.
        mapping: The checked mapping.
    """

    name: str
    kind: str
    size: int
    path: Path
    mapping: CsvMapping

    def check_header(self) -> None:
        """Reads the header alone and checks it has every column the mapping names.

        Raises:
            SourceError: when the file cannot be read or a column is missing.
        """
        with self._open() as handle:
            self._start(handle, None)

    def lines(self, progress: Progress | None = None) -> Iterator[SourceLine]:
        """Yields one line a row: the bundle object, or why the row cannot be mapped.

        Blank rows, and rows the mapping's `when:` passes over, yield nothing.
        `progress` is called with the bytes read since its last call.

        Raises:
            SourceError: when the file cannot be read or its header no longer fits.
        """
        with self._open() as handle:
            feed, reader, build = self._start(handle, progress)
            while True:
                start = feed.count + 1
                problem: str | None = None
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    row, problem = [], _csv_problem(error)
                undecodable = feed.end_row()
                if undecodable:
                    problem = "; ".join(undecodable)
                if problem is None:
                    if not any(cell.strip() for cell in row):
                        continue
                    try:
                        data = build(row)
                    except _RowError as error:
                        problem = str(error)
                    else:
                        if data is not None:
                            yield SourceLine(self.name, start, data=data)
                        continue
                yield SourceLine(self.name, start, error=problem, excerpt=feed.excerpt())

    def _open(self) -> IO[bytes]:
        try:
            return self.path.open("rb")
        except OSError as error:
            raise SourceError(f"{self.name}: cannot read: {error.strerror}") from None

    def _start(
        self, handle: IO[bytes], progress: Progress | None
    ) -> tuple[_LineFeed, Iterator[list[str]], _RowBuilder]:
        dialect = self.mapping.dialect
        feed = _LineFeed(handle, dialect.encoding, progress, self.name)
        reader = csv.reader(
            feed,
            delimiter=dialect.delimiter,
            quotechar=dialect.quotechar,
            escapechar=dialect.escapechar,
            strict=True,
        )
        for _ in range(dialect.skip_lines):
            next(feed, None)
        feed.end_row()
        header = self._header(feed, reader)
        return feed, reader, _RowBuilder.bind(self.mapping, header, self.name)

    def _header(self, feed: _LineFeed, reader: Iterator[list[str]]) -> list[str]:
        while True:
            try:
                header = next(reader)
            except StopIteration:
                raise SourceError(f"{self.name}: the file has no header line") from None
            except csv.Error as error:
                raise SourceError(
                    f"{self.name}:{feed.count}: the header cannot be read: {_csv_problem(error)}"
                ) from None
            problems = feed.end_row()
            if problems:
                raise SourceError(
                    f"{self.name}: the header cannot be read: {problems[0]} "
                    "(is csv: encoding: in the mapping right?)"
                )
            if any(cell.strip() for cell in header):
                return [cell.strip() for cell in header]


class _LineFeed:
    """The physical lines of a CSV file as text, counted, noting any that cannot be decoded.

    The csv reader asks for one line at a time, so the lines of each row are
    known: from one more than the count before the row to the count after it.
    """

    def __init__(
        self, handle: IO[bytes], encoding: str, progress: Progress | None, name: str
    ) -> None:
        self.count = 0
        self._handle = handle
        self._encoding = encoding
        self._progress = progress
        self._name = name
        self._problems: list[str] = []
        self._first = ""
        self._row_open = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self._handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            raise StopIteration
        self.count += 1
        consumed = len(raw)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            consumed += self._skip_rest_of_line()
            self._problems.append(
                f"line {self.count} is longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB"
            )
            text = "\n"
        else:
            text = self._decode(raw)
        if self._progress is not None:
            self._progress(consumed)
        if not self._row_open:
            self._first = text
            self._row_open = True
        return text

    def _decode(self, raw: bytes) -> str:
        if self.count == 1 and raw.startswith(codecs.BOM_UTF8):
            if codecs.lookup(self._encoding).name not in _UTF8:
                raise SourceError(
                    f"{self._name}: the file starts with a UTF-8 byte order mark but the "
                    f"mapping says encoding {self._encoding}: set encoding: utf-8"
                )
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            return raw.decode(self._encoding)
        except UnicodeDecodeError as error:
            self._problems.append(
                f"line {self.count} is not valid {self._encoding} "
                f"(byte {error.start + 1} of the line)"
            )
            # Decoded anyway so the csv reader keeps its place in quoted values.
            return raw.decode(self._encoding, "replace")

    def _skip_rest_of_line(self) -> int:
        skipped = 0
        while True:
            chunk = self._handle.readline(1024 * 1024)
            skipped += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                return skipped

    def end_row(self) -> list[str]:
        """Closes the row read so far, returning what was wrong with its bytes."""
        problems, self._problems = self._problems, []
        self._row_open = False
        return problems

    def excerpt(self) -> str:
        """The start of the last row's first line."""
        return self._first.strip()[:EXCERPT_CHARS]


_CSV_PROBLEMS = {
    "unexpected end of data": "a quoted value is not closed before the end of the file",
    "line contains NUL": "the row contains a NUL byte",
    "new-line character seen in unquoted field": "the row holds a bare carriage return",
}


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    for start, plain in _CSV_PROBLEMS.items():
        if message.startswith(start):
            return plain
    if "expected after" in message:
        return f"a quoted value has text after its closing quote ({message})"
    if message.startswith("field larger than field limit"):
        return f"a value is longer than {csv.field_size_limit()} characters"
    return f"not readable as CSV: {message}"


class _RowError(Exception):
    """Why a row cannot be mapped: every problem found in it, joined."""


@dataclass(frozen=True, slots=True)
class _Field:
    """A field rule bound to the header's column positions."""

    rule: FieldRule
    read: Read
    origin: str
    from_row: bool

    def value(self, row: Row, problems: list[str]) -> Value | None:
        text = self.read(row)
        try:
            value = self.rule.apply(text)
        except ValueError as error:
            problems.append(f"{self.rule.label}: {self.origin}: {error}")
            return None
        if value is None and self.rule.required:
            if text:
                problems.append(f"{self.rule.label}: {self.origin}: {text!r} maps to no value")
            else:
                problems.append(f"{self.rule.label} is required, but {self.origin} is empty")
        return value


@dataclass(frozen=True, slots=True)
class _Mention:
    """A mention rule bound to the header."""

    rule: MentionRule
    when: tuple[Read, ...]
    role: _Field | None
    fields: tuple[_Field, ...]
    identifiers: tuple[_Field, ...]
    extra: tuple[_Field, ...]

    def build(self, row: Row, problems: list[str]) -> dict[str, object] | None:
        if not self._present(row):
            if self.rule.required:
                problems.append(
                    f"{self.rule.ref}: this mention is required, but its columns are empty"
                )
            return None
        mention: dict[str, object] = {"ref": self.rule.ref, "type": self.rule.type}
        _fill(mention, (self.role,) if self.role else (), row, problems)
        _fill(mention, self.fields, row, problems)
        identifiers: dict[str, object] = {}
        _fill(identifiers, self.identifiers, row, problems)
        if identifiers:
            mention["identifiers"] = identifiers
        _fill(mention, self.extra, row, problems)
        return mention

    def _present(self, row: Row) -> bool:
        if self.when:
            return any(read(row) for read in self.when)
        from_row = [
            field for field in (*self.fields, *self.identifiers, *self.extra) if field.from_row
        ]
        # A mention of constants alone stands for the same thing on every row.
        return not from_row or any(field.read(row) for field in from_row)


def _fill(
    target: dict[str, object], fields: Sequence[_Field], row: Row, problems: list[str]
) -> None:
    for field in fields:
        value = field.value(row, problems)
        if value is not None:
            target[field.rule.name] = value


@dataclass(frozen=True, slots=True)
class _RowBuilder:
    """A mapping bound to one header: turns a row into a bundle object."""

    width: int
    when: tuple[Read, ...]
    fields: tuple[_Field, ...]
    mentions: tuple[_Mention, ...]
    links: tuple[tuple[str, str, str], ...]
    subjects: tuple[tuple[_Field, _Field], ...]

    @classmethod
    def bind(cls, mapping: CsvMapping, header: list[str], csv_name: str) -> _RowBuilder:
        """Finds each column the mapping names in the header.

        Raises:
            SourceError: listing every column the header lacks or holds twice, and
                every bare constant that is also a column name.
        """
        positions: dict[str, int] = {}
        repeated: set[str] = set()
        for index, name in enumerate(header):
            if name in positions:
                repeated.add(name)
            positions.setdefault(name, index)
        problems = [
            _misnamed(mapping, place, column, header, repeated, csv_name)
            for column, place in mapping.columns()
            if column not in positions or column in repeated
        ]
        problems += [
            f"{mapping.path}:{rule.place.line}: {rule.place.key}: {rule.source.value!r} is a "
            f"column of {csv_name}: write column: {rule.source.value} to read it, or "
            f"value: {rule.source.value} to mean the text itself"
            for rule in mapping.rules()
            if isinstance(rule.source, ConstantSource)
            and rule.source.bare
            and rule.source.value in positions
        ]
        if problems:
            raise SourceError("\n".join(dict.fromkeys(problems)))
        binder = _Binder(positions, mapping.dialect)
        return cls(
            width=len(header),
            when=tuple(binder.cell(column) for column in mapping.when),
            fields=tuple(binder.field(rule) for rule in (*mapping.fields, *mapping.extra)),
            mentions=tuple(binder.mention(rule) for rule in mapping.mentions),
            links=tuple((link.from_ref, link.to_ref, link.type) for link in mapping.links),
            subjects=tuple(
                (binder.field(subject.record_id), binder.field(subject.ref))
                for subject in mapping.subjects
            ),
        )

    def __call__(self, row: Row) -> dict[str, object] | None:
        """The bundle object for `row`, or None when the mapping's `when:` passes it over.

        Raises:
            _RowError: naming every field that cannot be filled.
        """
        if len(row) != self.width:
            raise _RowError(
                f"the row has {len(row)} values but the header has {self.width} columns"
            )
        if self.when and not any(read(row) for read in self.when):
            return None
        problems: list[str] = []
        data: dict[str, object] = {}
        _fill(data, self.fields, row, problems)
        mentions = [
            mention for rule in self.mentions if (mention := rule.build(row, problems)) is not None
        ]
        if mentions:
            data["mentions"] = mentions
        refs = {mention["ref"] for mention in mentions}
        links = [
            {"from": start, "to": end, "type": kind}
            for start, end, kind in self.links
            if start in refs and end in refs
        ]
        if links:
            data["links"] = links
        subjects = []
        for record_id, ref in self.subjects:
            pair = (record_id.value(row, problems), ref.value(row, problems))
            if pair[0] is not None and pair[1] is not None:
                subjects.append({"record_id": pair[0], "ref": pair[1]})
        if subjects:
            data["subjects"] = subjects
        if problems:
            raise _RowError("; ".join(problems))
        return data


def _misnamed(
    mapping: CsvMapping,
    place: Place,
    column: str,
    header: list[str],
    repeated: set[str],
    csv_name: str,
) -> str:
    where = f"{mapping.path}:{place.line}: {place.key}"
    if column in repeated:
        return f"{where}: column {column!r} appears more than once in the header of {csv_name}"
    close = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{where}: column {column!r} is not in the header of {csv_name}{hint}"


@dataclass(frozen=True, slots=True)
class _Binder:
    """Turns the mapping's sources into readers of a row's cells."""

    positions: dict[str, int]
    dialect: Dialect

    def cell(self, column: str) -> Read:
        index = self.positions[column]
        nulls = self.dialect.null_values
        if not nulls:
            return lambda row: row[index].strip()

        def read(row: Row) -> str:
            text = row[index].strip()
            return "" if text.casefold() in nulls else text

        return read

    def source(self, source: Source) -> Read:
        if isinstance(source, ConstantSource):
            value = source.value
            return lambda row: value
        if isinstance(source, ColumnSource):
            return self.cell(source.column)
        cells = tuple(self.cell(column) for column in source.columns)
        if isinstance(source, JoinSource):
            separator = source.separator
            return lambda row: separator.join(text for read in cells if (text := read(row)))
        literals = source.literals

        def fill(row: Row) -> str:
            parts = [literals[0]]
            for read, literal in zip(cells, literals[1:], strict=True):
                text = read(row)
                if not text:
                    return ""
                parts += (text, literal)
            return "".join(parts)

        return fill

    def field(self, rule: FieldRule) -> _Field:
        return _Field(
            rule=rule,
            read=self.source(rule.source),
            origin=_describe(rule.source),
            from_row=bool(source_columns(rule.source)),
        )

    def mention(self, rule: MentionRule) -> _Mention:
        return _Mention(
            rule=rule,
            when=tuple(self.cell(column) for column in rule.when),
            role=self.field(rule.role) if rule.role else None,
            fields=tuple(self.field(item) for item in rule.fields),
            identifiers=tuple(self.field(item) for item in rule.identifiers),
            extra=tuple(self.field(item) for item in rule.extra),
        )


def _describe(source: Source) -> str:
    if isinstance(source, ColumnSource):
        return f"column {source.column!r}"
    if isinstance(source, ConstantSource):
        return f"value {source.value!r}"
    if isinstance(source, TemplateSource):
        return f"template {source.text!r}"
    return "columns " + ", ".join(repr(column) for column in source.columns)

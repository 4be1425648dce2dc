"""What a CSV mapping file says, checked in full before a single row is read.

A mapping file (YAML) tells Vigil how the columns of one agency's CSV export
become the fields of one bundle file kind. docs/csv-mapping.md describes the
format for the people who write them; this module reads and checks it, and
says what each field rule does to a value.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import math
import re
import types
import typing
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from vigil.core.contract.types import (
    ACTION_KINDS,
    MENTION_TYPES,
    RECORD_KINDS,
    Access,
    Action,
    Mention,
    Record,
    Staff,
)
from vigil.core.ingest.source import SourceError
from vigil.core.normalise.dates import PartialDate

VERSION = "1"

# A value written into a bundle line.
Value = str | int | float | list[str]


class ValueType(Enum):
    """The shape a field's value takes in the bundle."""

    TEXT = "text"
    LIST = "list"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class Target:
    """A bundle field a mapping may fill."""

    type: ValueType
    required: bool


def _value_type(hint: object) -> ValueType:
    if isinstance(hint, types.UnionType):
        (hint,) = (arg for arg in typing.get_args(hint) if arg is not type(None))
    if hint is datetime:
        return ValueType.DATETIME
    if hint is PartialDate:
        return ValueType.DATE
    if hint is str:
        return ValueType.TEXT
    if hint is float:
        return ValueType.NUMBER
    if hint == tuple[str, ...]:
        return ValueType.LIST
    if hint == dict[str, str]:
        return ValueType.TABLE
    raise TypeError(f"the CSV mapping has no value type for {hint!r}")


def _targets(shape: type[Any], structural: Collection[str]) -> dict[str, Target]:
    # Read off the contract's own types, so that the two cannot drift apart.
    hints = typing.get_type_hints(shape)
    return {
        item.name: Target(
            _value_type(hints[item.name]),
            required=item.default is dataclasses.MISSING
            and item.default_factory is dataclasses.MISSING,
        )
        for item in dataclasses.fields(shape)
        if item.name not in structural
    }


_STRUCTURAL = ("extra", "mentions", "links", "subjects")
FILE_KINDS: dict[str, dict[str, Target]] = {
    "records": _targets(Record, _STRUCTURAL),
    "actions": _targets(Action, _STRUCTURAL),
    "staff": _targets(Staff, _STRUCTURAL),
    "access": _targets(Access, _STRUCTURAL),
}
MENTION_FIELDS: dict[str, Target] = _targets(Mention, ("extra", "ref", "type", "role"))
# Values outside these sets would make every row fail, so the mapping is refused instead.
_CLOSED_VALUES = {("records", "kind"): RECORD_KINDS, ("actions", "kind"): ACTION_KINDS}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a rule was written: its key path in the mapping file, and the line."""

    key: str
    line: int


@dataclass(frozen=True, slots=True)
class ColumnSource:
    """The value of one column."""

    column: str


@dataclass(frozen=True, slots=True)
class ConstantSource:
    """The same value on every row.

    Attributes:
        value: The value.
        bare: Written as a plain string rather than `value:`, so it may be a
            column name the writer meant to read.
    """

    value: str
    bare: bool = False


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """Text with `{Column}` places, empty when any of those columns is empty.

    `literals` has one more item than `columns`: the text before, between and
    after the places.
    """

    text: str
    literals: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class JoinSource:
    """The non-empty values of several columns joined by a separator."""

    columns: tuple[str, ...]
    separator: str


Source = ColumnSource | ConstantSource | TemplateSource | JoinSource


def source_columns(source: Source) -> tuple[str, ...]:
    """The columns a source reads."""
    if isinstance(source, ColumnSource):
        return (source.column,)
    if isinstance(source, ConstantSource):
        return ()
    return source.columns


@dataclass(frozen=True, slots=True)
class DateFormat:
    """One strptime format, and what a value read with it tells."""

    pattern: str
    precision: str
    has_time: bool
    has_zone: bool

    def write(self, parsed: datetime, zone: ZoneInfo | None, keep_time: bool) -> str:
        """`parsed` as a bundle writes it: a date to this format's precision, or a zoned time."""
        if not (keep_time and self.has_time):
            month = parsed.month if self.precision != "year" else None
            day = parsed.day if self.precision == "day" else None
            return PartialDate(parsed.year, month, day).isoformat()
        if parsed.tzinfo is None:
            # fold=0: a time in the repeated autumn hour is read as the first (summer) one.
            parsed = parsed.replace(tzinfo=zone)
        return parsed.isoformat()


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one bundle field gets its value from a row.

    Attributes:
        name: The field's name in the bundle line (or in `identifiers`).
        type: The shape of its value.
        source: Where the text comes from.
        place: Where the rule is written, for mapping errors.
        label: How a row error names the field (`recorded_at`, `p1.dob`).
        required: An empty value is a row error.
        table: The `map:` table, keys case-folded; a value of '' means empty.
        default: The value when the source is empty or not in the map.
        formats: strptime formats tried in order.
        zone: The time zone of times written without an offset.
        split: The separator between the items of a list.
    """

    name: str
    type: ValueType
    source: Source
    place: Place
    label: str
    required: bool = False
    table: dict[str, str] | None = None
    default: str | None = None
    formats: tuple[DateFormat, ...] = ()
    zone: ZoneInfo | None = None
    split: str | None = None

    def apply(self, text: str) -> Value | None:
        """The bundle value for the source's text (stripped; '' when empty), or None.

        Raises:
            ValueError: with the reason in plain words when the text cannot be used.
        """
        if self.type is ValueType.LIST:
            return self._items(text)
        if not text:
            return self._default()
        if self.table is not None:
            found = self.table.get(text.casefold())
            if found is None:
                if self.default is None:
                    raise ValueError(f"{text!r} is not in the map (add it, or give a default)")
                return self._default()
            if not found:
                return self._default()
            text = found
        if self.type is ValueType.NUMBER:
            return read_number(text)
        if self.formats:
            return self._date(text)
        return text

    def _items(self, text: str) -> list[str] | None:
        items: list[str] = []
        for piece in text.split(self.split) if self.split else [text]:
            item = piece.strip()
            if not item:
                continue
            if self.table is not None:
                found = self.table.get(item.casefold(), self.default)
                if found is None:
                    raise ValueError(f"{item!r} is not in the map (add it, or give a default)")
                item = found
            if item and item not in items:
                items.append(item)
        if not items and self.default:
            items.append(self.default)
        return items or None

    def _default(self) -> Value | None:
        # An empty default still stands: it keeps unmapped values from being errors.
        if not self.default:
            return None
        if self.type is ValueType.NUMBER:
            return read_number(self.default)
        return self.default

    def _date(self, text: str) -> str:
        out_of_range = False
        for form in self.formats:
            try:
                parsed = datetime.strptime(text, form.pattern)
            except ValueError as error:
                out_of_range = out_of_range or "out of range" in str(error)
                continue
            return form.write(parsed, self.zone, keep_time=self.type is ValueType.DATETIME)
        patterns = " or ".join(form.pattern for form in self.formats)
        if out_of_range:
            raise ValueError(f"{text!r} is not a real date ({patterns})")
        raise ValueError(f"{text!r} does not match {patterns}")


def read_number(text: str) -> int | float:
    """A whole or decimal number as written in an export.

    Raises:
        ValueError: when the text is not a number.
    """
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a number")
    return number


@dataclass(frozen=True, slots=True)
class MentionRule:
    """How one mention of a record is made from a row.

    Attributes:
        ref: The mention's ref.
        type: person, vehicle, phone, address or organisation.
        place: Where the rule is written.
        role: The mention's role, if any.
        when: The mention is made only when one of these columns has a value;
            when empty, only when one of its fields read from the row has one.
        required: A row that makes no such mention is an error.
        fields: The mention's fields, `identifiers` apart.
        identifiers: The entries of `identifiers`.
        extra: Fields the contract does not name, kept as written.
    """

    ref: str
    type: str
    place: Place
    role: FieldRule | None
    when: tuple[str, ...]
    required: bool
    fields: tuple[FieldRule, ...]
    identifiers: tuple[FieldRule, ...]
    extra: tuple[FieldRule, ...]


@dataclass(frozen=True, slots=True)
class LinkRule:
    """A link made whenever the row makes both of its mentions."""

    from_ref: str
    to_ref: str
    type: str


@dataclass(frozen=True, slots=True)
class SubjectRule:
    """An action subject (`record_id` + `ref`), made when both have a value."""

    record_id: FieldRule
    ref: FieldRule


@dataclass(frozen=True, slots=True)
class Dialect:
    """How the CSV file is written.

    Attributes:
        encoding: A text encoding in which ',', '"' and newlines are plain ASCII bytes.
        delimiter: The character between values.
        quotechar: The character around values that hold delimiters or newlines.
        escapechar: The character that escapes the next one, if the export uses one.
        null_values: Values that mean empty (case-folded), such as 'n/k'.
        skip_lines: Lines above the header (report titles) to pass over.
    """

    encoding: str = "utf-8"
    delimiter: str = ","
    quotechar: str = '"'
    escapechar: str | None = None
    null_values: frozenset[str] = frozenset()
    skip_lines: int = 0


@dataclass(frozen=True, slots=True)
class CsvMapping:
    """A checked mapping file.

    Attributes:
        path: The mapping file.
        kind: The bundle file kind its rows become: records, actions, staff or access.
        dialect: How the CSV file is written.
        when: Rows where none of these columns has a value are passed over.
        when_place: Where `when` is written.
        fields: Rules for the contract's fields, in the contract's order.
        extra: Rules for other top-level fields, kept as written.
        mentions: Rules for mentions (records only).
        links: Rules for links (records only).
        subjects: Rules for action subjects (actions only).
    """

    path: Path
    kind: str
    dialect: Dialect
    when: tuple[str, ...]
    when_place: Place | None
    fields: tuple[FieldRule, ...]
    extra: tuple[FieldRule, ...] = ()
    mentions: tuple[MentionRule, ...] = ()
    links: tuple[LinkRule, ...] = ()
    subjects: tuple[SubjectRule, ...] = ()

    def columns(self) -> Iterator[tuple[str, Place]]:
        """Every column the mapping reads, with where it is named."""
        for column in self.when:
            assert self.when_place is not None
            yield column, self.when_place
        for rule in self.rules():
            for column in source_columns(rule.source):
                yield column, rule.place
        for mention in self.mentions:
            for column in mention.when:
                yield column, mention.place

    def rules(self) -> Iterator[FieldRule]:
        """Every field rule, mentions' and subjects' included."""
        yield from self.fields
        yield from self.extra
        for mention in self.mentions:
            if mention.role is not None:
                yield mention.role
            yield from mention.fields
            yield from mention.identifiers
            yield from mention.extra
        for subject in self.subjects:
            yield subject.record_id
            yield subject.ref


def load_mapping(path: Path) -> CsvMapping:
    """Reads and checks a mapping file; the CSV header is checked when the export is opened.

    Raises:
        SourceError: naming the file, the line, the key path and what is wrong.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{path}: the mapping file is not UTF-8 text") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot read the mapping file: {error.strerror}") from None
    try:
        # BaseLoader keeps every value as written: '01' stays '01' and 'no' stays 'no'.
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as error:
        line = f":{error.problem_mark.line + 1}" if error.problem_mark else ""
        raise SourceError(f"{path}{line}: not valid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise SourceError(f"{path}: not valid YAML: {error}") from None
    if root is None:
        raise SourceError(f"{path}: the mapping file is empty")
    return _read_mapping(_At(root, "", path))


@dataclass(frozen=True, slots=True)
class _At:
    """A node of the mapping file, with the key path that leads to it."""

    node: yaml.Node
    key: str
    file: Path

    @property
    def place(self) -> Place:
        return Place(self.key or "(top level)", self.node.start_mark.line + 1)

    def fail(self, reason: str) -> NoReturn:
        place = self.place
        raise SourceError(f"{self.file}:{place.line}: {place.key}: {reason}")

    def child(self, node: yaml.Node, name: str | int) -> _At:
        if isinstance(name, int):
            key = f"{self.key}[{name}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            key = f"{self.key}.{name}" if self.key else name
        else:
            key = f"{self.key}[{name!r}]"
        return _At(node, key, self.file)

    def is_text(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode)

    def text(self) -> str:
        if not isinstance(self.node, yaml.ScalarNode):
            self.fail(f"must be a single value, not {_shape(self.node)}")
        value: str = self.node.value
        return value

    def word(self) -> str:
        value = self.text().strip()
        if not value:
            self.fail("must not be empty")
        return value

    def texts(self) -> tuple[str, ...]:
        if self.is_text():
            return (self.word(),)
        return tuple(item.word() for item in self.sequence())

    def flag(self) -> bool:
        value = self.text().strip().lower()
        if value in ("true", "yes"):
            return True
        if value in ("false", "no"):
            return False
        return self.fail(f"must be true or false, not {value!r}")

    def sequence(self) -> list[_At]:
        if not isinstance(self.node, yaml.SequenceNode):
            self.fail(f"must be a list (lines starting with '- '), not {_shape(self.node)}")
        return [self.child(node, index) for index, node in enumerate(self.node.value)]

    def entries(self) -> list[tuple[str, _At]]:
        """The `key: value` lines of a table whose keys are free (a map, the fields)."""
        if not isinstance(self.node, yaml.MappingNode):
            self.fail(f"must be a table of 'key: value' lines, not {_shape(self.node)}")
        seen: dict[str, int] = {}
        entries: list[tuple[str, _At]] = []
        for key_node, value_node in self.node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(f"a key must be a single value, not {_shape(key_node)}")
            name: str = key_node.value
            at = self.child(value_node, name)
            if name in seen:
                at.fail(f"{name!r} is given twice (first on line {seen[name]})")
            seen[name] = key_node.start_mark.line + 1
            entries.append((name, at))
        return entries

    def table(self, allowed: Collection[str]) -> dict[str, _At]:
        """The `key: value` lines of a table whose keys are fixed."""
        entries = dict(self.entries())
        for name, at in entries.items():
            if name not in allowed:
                at.fail(f"unknown key {name!r}{_suggest(name, allowed)}")
        return entries


def _shape(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a table"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a single value"


def _suggest(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f"; expected one of: {', '.join(known)}"


_TOP_KEYS = (
    "version",
    "kind",
    "csv",
    "timezone",
    "when",
    "fields",
    "extra",
    "mentions",
    "links",
    "subjects",
)
_CSV_KEYS = ("encoding", "delimiter", "quotechar", "escapechar", "null_values", "skip_lines")


def _read_mapping(root: _At) -> CsvMapping:
    top = root.table(_TOP_KEYS)
    if "version" in top and top["version"].word() != VERSION:
        top["version"].fail(f"this Vigil reads mapping version {VERSION}")
    kind = top["kind"].word() if "kind" in top else "records"
    if kind not in FILE_KINDS:
        top["kind"].fail(f"must be one of {', '.join(FILE_KINDS)}, not {kind!r}")
    for name, only in (("mentions", "records"), ("links", "records"), ("subjects", "actions")):
        if name in top and kind != only:
            top[name].fail(f"only {only} have {name}; this mapping makes {kind}")
    zone = _zone(top["timezone"]) if "timezone" in top else None
    if "fields" not in top:
        root.fail("the mapping has no 'fields' table")
    reader = _FieldReader(kind, zone)
    mentions = _mentions(top["mentions"], reader) if "mentions" in top else ()
    return CsvMapping(
        path=root.file,
        kind=kind,
        dialect=_dialect(top["csv"]) if "csv" in top else Dialect(),
        when=top["when"].texts() if "when" in top else (),
        when_place=top["when"].place if "when" in top else None,
        fields=reader.fields(top["fields"], FILE_KINDS[kind], label=""),
        extra=reader.extra(top["extra"], FILE_KINDS[kind], label="") if "extra" in top else (),
        mentions=mentions,
        links=tuple(_link(at, mentions) for at in top["links"].sequence())
        if "links" in top
        else (),
        subjects=tuple(_subject(at, reader) for at in top["subjects"].sequence())
        if "subjects" in top
        else (),
    )


def _zone(at: _At) -> ZoneInfo:
    name = at.word()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return at.fail(f"unknown time zone {name!r} (use a name such as Europe/London or UTC)")


def _dialect(at: _At) -> Dialect:
    spec = at.table(_CSV_KEYS)
    default = Dialect()

    def character(name: str, fallback: str) -> str:
        return _character(spec[name]) if name in spec else fallback

    skip_lines = spec["skip_lines"].word() if "skip_lines" in spec else "0"
    if not skip_lines.isdigit():
        spec["skip_lines"].fail(f"must be a whole number, not {skip_lines!r}")
    dialect = Dialect(
        encoding=_encoding(spec["encoding"]) if "encoding" in spec else default.encoding,
        delimiter=character("delimiter", default.delimiter),
        quotechar=character("quotechar", default.quotechar),
        escapechar=_character(spec["escapechar"]) if "escapechar" in spec else None,
        null_values=frozenset(value.casefold() for value in spec["null_values"].texts())
        if "null_values" in spec
        else default.null_values,
        skip_lines=int(skip_lines),
    )
    if len({dialect.delimiter, dialect.quotechar, dialect.escapechar}) < 3:
        at.fail("delimiter, quotechar and escapechar must all differ")
    return dialect


def _encoding(at: _At) -> str:
    name = at.word()
    try:
        codecs.lookup(name)
    except LookupError:
        at.fail(f"unknown encoding {name!r} (common ones: utf-8, utf-8-sig, cp1252)")
    # Lines are split on newline bytes before decoding, which needs ASCII to be itself.
    sample = b"\r\n,;|\t\"' azAZ09"
    try:
        same = sample.decode(name) == sample.decode("ascii")
    except UnicodeDecodeError:
        same = False
    if not same:
        at.fail(f"encoding {name!r} is not supported: save the export as UTF-8")
    return name


def _character(at: _At) -> str:
    value = at.text()
    if len(value) != 1 or value in "\r\n":
        at.fail(f'must be one character (write a tab as "\\t"), not {value!r}')
    return value


_FIELD_KEYS = (
    "column",
    "columns",
    "join",
    "value",
    "template",
    "map",
    "default",
    "format",
    "timezone",
    "split",
    "required",
)
_SOURCE_KEYS = ("column", "columns", "value", "template")


@dataclass(frozen=True, slots=True)
class _FieldReader:
    """Reads field rules for one bundle file kind, with the mapping's default time zone."""

    kind: str
    zone: ZoneInfo | None

    def fields(
        self, at: _At, targets: dict[str, Target], label: str, apart: str = ""
    ) -> tuple[FieldRule, ...]:
        """The rules of a `fields:` table, but for the key `apart`, which the caller reads."""
        rules: dict[str, FieldRule] = {}
        for name, spec in at.entries():
            if name == apart:
                continue
            if name not in targets:
                spec.fail(f"{name!r} is not a field here{_suggest(name, targets)}")
            # Only the file's own fields (label "") have closed value sets.
            closed = None if label else _CLOSED_VALUES.get((self.kind, name))
            rules[name] = self.rule(spec, name, targets[name], f"{label}{name}", closed=closed)
        for name, target in targets.items():
            if target.required and name not in rules:
                at.fail(f"the required field {name!r} has no rule")
        # Contract order, so that lines read the same whatever order the mapping uses.
        return tuple(rules[name] for name in targets if name in rules)

    def extra(self, at: _At, targets: Collection[str], label: str) -> tuple[FieldRule, ...]:
        rules: list[FieldRule] = []
        for name, spec in at.entries():
            if not name.strip():
                spec.fail("an extra field needs a name")
            if name in targets or name in _STRUCTURAL:
                spec.fail(f"{name!r} is a field of the contract: give its rule under fields:")
            rules.append(
                self.rule(spec, name, Target(ValueType.TEXT, False), f"{label}{name}", extra=True)
            )
        return tuple(rules)

    def rule(
        self,
        at: _At,
        name: str,
        target: Target,
        label: str,
        extra: bool = False,
        closed: frozenset[str] | None = None,
    ) -> FieldRule:
        """One field rule: a plain value is a constant, a table says where the value comes from."""
        if at.is_text():
            rule = FieldRule(
                name,
                target.type,
                ConstantSource(at.word(), bare=True),
                at.place,
                label,
                required=target.required,
            )
            _check_constant(at, rule, closed)
            return rule
        spec = at.table(_FIELD_KEYS)
        value_type = target.type
        if extra and "format" in spec:
            value_type = ValueType.DATETIME
        elif extra and "split" in spec:
            value_type = ValueType.LIST
        rule = FieldRule(
            name,
            value_type,
            _source(at, spec),
            at.place,
            label,
            required=_required(spec, target),
            table=_table(spec["map"], closed) if "map" in spec else None,
            default=spec["default"].text().strip() if "default" in spec else None,
            split=spec["split"].text() if "split" in spec else None,
        )
        _check_options(at, spec, rule)
        if rule.default and value_type is ValueType.NUMBER:
            _number(spec["default"], rule.default)
        if rule.default and closed is not None:
            _check_closed(spec["default"], rule.default, closed)
        if isinstance(rule.source, ConstantSource):
            _check_constant(spec["value"], rule, closed)
        if "format" in spec:
            zone = _zone(spec["timezone"]) if "timezone" in spec else self.zone
            formats = tuple(_format(item) for item in _texts_at(spec["format"]))
            _check_formats(spec["format"], formats, zone, value_type, day_needed=not extra)
            rule = dataclasses.replace(rule, formats=formats, zone=zone)
        return rule


def _texts_at(at: _At) -> list[_At]:
    return [at] if at.is_text() else at.sequence()


def _required(spec: dict[str, _At], target: Target) -> bool:
    if "required" not in spec:
        return target.required
    required = spec["required"].flag()
    if target.required and not required:
        spec["required"].fail("this field is always required by the bundle contract")
    return required


def _source(at: _At, spec: dict[str, _At]) -> Source:
    given = [name for name in _SOURCE_KEYS if name in spec]
    if len(given) != 1:
        found = ", ".join(given) if given else "none"
        at.fail(f"needs exactly one of column, columns, value or template (found: {found})")
    (name,) = given
    if name == "column":
        return ColumnSource(spec[name].word())
    if name == "value":
        return ConstantSource(spec[name].word())
    if name == "template":
        return _template(spec[name])
    columns = spec[name].sequence()
    if not columns:
        spec[name].fail("must name at least one column")
    separator = spec["join"].text() if "join" in spec else " "
    return JoinSource(tuple(column.word() for column in columns), separator)


_TEMPLATE_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _template(at: _At) -> TemplateSource:
    if not at.is_text():
        # YAML reads an unquoted {URN} as a table.
        at.fail('must be text: put the template in quotes, as in "pol-{URN}"')
    text = at.word()
    literals: list[str] = []
    columns: list[str] = []
    literal = ""
    position = 0
    for match in _TEMPLATE_PART.finditer(text):
        literal += text[position : match.start()]
        position = match.end()
        part = match.group(0)
        if part in ("{{", "}}"):
            literal += part[0]
        elif match.group(1) is None:
            at.fail(f"unmatched {part!r} in {text!r} (write a brace itself as {part * 2!r})")
        elif not match.group(1).strip():
            at.fail(f"empty {{}} in {text!r}: put a column name between the braces")
        else:
            literals.append(literal)
            columns.append(match.group(1).strip())
            literal = ""
    literals.append(literal + text[position:])
    if not columns:
        at.fail(f"{text!r} names no {{column}}: write value: for a constant")
    return TemplateSource(text, tuple(literals), tuple(columns))


def _table(at: _At, closed: frozenset[str] | None) -> dict[str, str]:
    table: dict[str, str] = {}
    originals: dict[str, str] = {}
    for name, value_at in at.entries():
        key = name.strip().casefold()
        if not key:
            value_at.fail("empty values never reach the map: use default: for them")
        if key in table:
            value_at.fail(f"{name!r} is the same as {originals[key]!r} (the map ignores case)")
        value = value_at.text().strip()
        if value and closed is not None:
            _check_closed(value_at, value, closed)
        table[key] = value
        originals[key] = name
    return table


def _check_options(at: _At, spec: dict[str, _At], rule: FieldRule) -> None:
    if "join" in spec and "columns" not in spec:
        spec["join"].fail("join: goes with columns:")
    if isinstance(rule.source, ConstantSource):
        for name in ("map", "default", "format", "split", "required", "timezone"):
            if name in spec:
                spec[name].fail(f"{name}: has no effect on a constant value")
    if "format" in spec and rule.type not in (ValueType.DATE, ValueType.DATETIME):
        spec["format"].fail(f"format: is for dates and times; {rule.name!r} is not one")
    if "timezone" in spec and "format" not in spec:
        spec["timezone"].fail("timezone: goes with format:")
    if "split" in spec:
        if rule.type is not ValueType.LIST:
            spec["split"].fail(f"split: is for list fields; {rule.name!r} is not one")
        if not rule.split:
            spec["split"].fail("must not be empty")


def _check_constant(at: _At, rule: FieldRule, closed: frozenset[str] | None) -> None:
    assert isinstance(rule.source, ConstantSource)
    if rule.type is ValueType.NUMBER:
        _number(at, rule.source.value)
    if closed is not None:
        _check_closed(at, rule.source.value, closed)


def _number(at: _At, text: str) -> None:
    try:
        read_number(text)
    except ValueError as error:
        at.fail(str(error))


def _check_closed(at: _At, value: str, closed: frozenset[str]) -> None:
    if value not in closed:
        at.fail(f"{value!r} is not one of: {', '.join(sorted(closed))}")


_DIRECTIVE = re.compile(r"%(.?)")
_KNOWN_DIRECTIVES = frozenset("aAbBcdfGHIjmMpSuUVwWxXyYzZ%")
_YEAR = frozenset("YyGcx")
_MONTH = frozenset("mbB")
_DAY = frozenset("djcx")
_TIME = frozenset("HIMSfpXc")


def _format(at: _At) -> DateFormat:
    pattern = at.word()
    directives = {match.group(1) for match in _DIRECTIVE.finditer(pattern)}
    for directive in directives:
        if directive not in _KNOWN_DIRECTIVES:
            at.fail(f"%{directive} in {pattern!r} is not a strptime directive")
    if not directives & _YEAR:
        at.fail(f"{pattern!r} has no year (%Y, or %y for two digits)")
    if directives & _DAY:
        precision = "day"
    elif directives & _MONTH:
        precision = "month"
    else:
        precision = "year"
    return DateFormat(pattern, precision, bool(directives & _TIME), "z" in directives)


def _check_formats(
    at: _At,
    formats: tuple[DateFormat, ...],
    zone: ZoneInfo | None,
    value_type: ValueType,
    day_needed: bool,
) -> None:
    if not formats:
        at.fail("must name at least one format")
    if value_type is not ValueType.DATETIME:
        return
    for form in formats:
        if day_needed and form.precision != "day":
            at.fail(f"{form.pattern!r} has no day, and this field needs a full date")
        if form.has_time and not form.has_zone and zone is None:
            at.fail(
                f"times read with {form.pattern!r} have no zone: add timezone: "
                "(for example Europe/London) here or at the top of the mapping"
            )


_MENTION_KEYS = ("ref", "type", "role", "when", "required", "fields", "extra")


def _mention(at: _At, reader: _FieldReader) -> MentionRule:
    spec = at.table(_MENTION_KEYS)
    for name in ("ref", "type", "fields"):
        if name not in spec:
            at.fail(f"a mention needs {name}:")
    ref = spec["ref"].word()
    mention_type = spec["type"].word()
    if mention_type not in MENTION_TYPES:
        spec["type"].fail(f"must be one of {', '.join(sorted(MENTION_TYPES))}")
    label = f"{ref}."
    text = Target(ValueType.TEXT, False)
    for name, field_at in spec["fields"].entries():
        if name == "role":
            field_at.fail("role: goes beside ref: and type:, not under fields:")
    fields = reader.fields(spec["fields"], MENTION_FIELDS, label, apart="identifiers")
    identifiers: tuple[FieldRule, ...] = ()
    for name, field_at in spec["fields"].entries():
        if name == "identifiers":
            identifiers = tuple(
                reader.rule(rule_at, key, text, f"{label}identifiers.{key}")
                for key, rule_at in field_at.entries()
            )
    if not fields and not identifiers:
        spec["fields"].fail("a mention needs at least one field")
    return MentionRule(
        ref=ref,
        type=mention_type,
        place=at.place,
        role=reader.rule(spec["role"], "role", text, f"{label}role") if "role" in spec else None,
        when=spec["when"].texts() if "when" in spec else (),
        required=spec["required"].flag() if "required" in spec else False,
        fields=fields,
        identifiers=identifiers,
        extra=reader.extra(spec["extra"], MENTION_FIELDS.keys() | {"ref", "type", "role"}, label)
        if "extra" in spec
        else (),
    )


def _mentions(at: _At, reader: _FieldReader) -> tuple[MentionRule, ...]:
    mentions: list[MentionRule] = []
    for item in at.sequence():
        mention = _mention(item, reader)
        if any(other.ref == mention.ref for other in mentions):
            item.fail(f"ref {mention.ref!r} is used by an earlier mention too")
        mentions.append(mention)
    return tuple(mentions)


def _link(at: _At, mentions: tuple[MentionRule, ...]) -> LinkRule:
    spec = at.table(("from", "to", "type"))
    for name in ("from", "to", "type"):
        if name not in spec:
            at.fail(f"a link needs {name}:")
    refs = {mention.ref for mention in mentions}
    for name in ("from", "to"):
        if spec[name].word() not in refs:
            spec[name].fail(f"no mention has ref {spec[name].word()!r}")
    return LinkRule(spec["from"].word(), spec["to"].word(), spec["type"].word())


def _subject(at: _At, reader: _FieldReader) -> SubjectRule:
    spec = at.table(("record_id", "ref"))
    for name in ("record_id", "ref"):
        if name not in spec:
            at.fail(f"a subject needs {name}:")
    text = Target(ValueType.TEXT, False)
    return SubjectRule(
        record_id=reader.rule(spec["record_id"], "record_id", text, "subject.record_id"),
        ref=reader.rule(spec["ref"], "ref", text, "subject.ref"),
    )

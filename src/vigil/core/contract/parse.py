"""Turns one decoded JSON object into a contract type, or says exactly what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from vigil.core.contract.errors import ContractError
from vigil.core.contract.types import (
    ACTION_KINDS,
    MENTION_TYPES,
    RECORD_KINDS,
    Access,
    Action,
    Link,
    Mention,
    Record,
    Staff,
    Subject,
)
from vigil.core.normalise.dates import DateError, PartialDate, parse_datetime

T = TypeVar("T")

_MENTION_TEXT_FIELDS = (
    "role",
    "name",
    "gender",
    "address",
    "postcode",
    "phone",
    "email",
    "ethnicity",
    "nationality",
    "religion",
    "description",
    "vrm",
    "make",
    "model",
    "colour",
    "number",
    "org_type",
)
_MENTION_TEXT_SET = frozenset(_MENTION_TEXT_FIELDS)
_MENTION_FIELDS = frozenset(
    {"ref", "type", "aliases", "dob", "age", "identifiers", *_MENTION_TEXT_FIELDS}
)
_RECORD_FIELDS = frozenset(
    {
        "id",
        "agency",
        "kind",
        "recorded_at",
        "occurred_on",
        "author",
        "offence",
        "title",
        "text",
        "sensitivity",
        "shared_with",
        "attendees",
        "mentions",
        "links",
    }
)
_ACTION_FIELDS = frozenset(
    {
        "id",
        "agency",
        "kind",
        "taken_at",
        "by",
        "approved_by",
        "record_ids",
        "subjects",
        "rationale",
    }
)
_RECORD_TEXT_FIELDS = frozenset({"author", "title", "text", "sensitivity"})
_STAFF_FIELDS = frozenset({"id", "name", "agency", "role", "team"})
_ACCESS_FIELDS = frozenset({"staff", "record_id", "at", "purpose"})
_MAX_AGE = 130


def parse_staff(obj: object) -> Staff:
    """Reads one line of staff.jsonl.

    Raises:
        ContractError: naming the field and what is wrong with it.
    """
    data = _object(obj)
    return Staff(
        id=_required_text(data, "id"),
        agency=_required_text(data, "agency"),
        name=_text(data, "name"),
        role=_text(data, "role"),
        team=_text(data, "team"),
        extra=_extra(data, _STAFF_FIELDS),
    )


def parse_record(obj: object) -> Record:
    """Reads one line of records.jsonl, checking that every link joins mentions it defines.

    Raises:
        ContractError: naming the field and what is wrong with it.
    """
    data = _object(obj)
    record_id = _required_text(data, "id")
    kind = _required_text(data, "kind")
    if kind not in RECORD_KINDS:
        raise ContractError(f"unknown record kind {kind!r}")
    mentions = tuple(
        _item(index, "mentions", raw, _parse_mention)
        for index, raw in enumerate(_list(data, "mentions"))
    )
    refs: set[str] = set()
    for mention in mentions:
        if mention.ref in refs:
            raise ContractError(f"mention ref {mention.ref!r} is used twice in the record")
        refs.add(mention.ref)
    links = tuple(
        _item(index, "links", raw, _parse_link) for index, raw in enumerate(_list(data, "links"))
    )
    for index, link in enumerate(links):
        for end in (link.from_ref, link.to_ref):
            if end not in refs:
                raise ContractError(
                    f"links[{index}] points at ref {end!r}, which no mention defines"
                )
    optional = _optional_texts(data, _RECORD_TEXT_FIELDS)
    return Record(
        id=record_id,
        agency=_required_text(data, "agency"),
        kind=kind,
        recorded_at=_required_datetime(data, "recorded_at"),
        occurred_on=_partial_date(data, "occurred_on"),
        offence=_offence(data),
        shared_with=_texts(data, "shared_with"),
        attendees=_texts(data, "attendees"),
        mentions=mentions,
        links=links,
        extra=_extra(data, _RECORD_FIELDS),
        **optional,
    )


def parse_action(obj: object) -> Action:
    """Reads one line of actions.jsonl. Whether its subjects exist is checked by ingest.

    Raises:
        ContractError: naming the field and what is wrong with it.
    """
    data = _object(obj)
    kind = _required_text(data, "kind")
    if kind not in ACTION_KINDS:
        raise ContractError(f"unknown action kind {kind!r}")
    return Action(
        id=_required_text(data, "id"),
        agency=_required_text(data, "agency"),
        kind=kind,
        taken_at=_required_datetime(data, "taken_at"),
        by=_text(data, "by"),
        approved_by=_text(data, "approved_by"),
        record_ids=_texts(data, "record_ids"),
        subjects=tuple(
            _item(index, "subjects", raw, _parse_subject)
            for index, raw in enumerate(_list(data, "subjects"))
        ),
        rationale=_text(data, "rationale"),
        extra=_extra(data, _ACTION_FIELDS),
    )


def parse_access(obj: object) -> Access:
    """Reads one line of access.jsonl.

    Raises:
        ContractError: naming the field and what is wrong with it.
    """
    data = _object(obj)
    return Access(
        staff=_required_text(data, "staff"),
        record_id=_required_text(data, "record_id"),
        at=_required_datetime(data, "at"),
        purpose=_text(data, "purpose"),
        extra=_extra(data, _ACCESS_FIELDS),
    )


def _parse_mention(data: Mapping[str, Any]) -> Mention:
    # One pass over the keys present: a mention sets few of its many fields.
    texts = _optional_texts(data, _MENTION_TEXT_SET)
    extra = _extra(data, _MENTION_FIELDS)
    mention_type = _required_text(data, "type")
    if mention_type not in MENTION_TYPES:
        raise ContractError(f"unknown mention type {mention_type!r}")
    return Mention(
        ref=_required_text(data, "ref"),
        type=mention_type,
        aliases=_texts(data, "aliases") if "aliases" in data else (),
        dob=_partial_date(data, "dob") if "dob" in data else None,
        age=_age(data),
        identifiers=_identifiers(data) if "identifiers" in data else {},
        extra=extra,
        **texts,
    )


def _parse_link(data: Mapping[str, Any]) -> Link:
    return Link(
        from_ref=_required_text(data, "from"),
        to_ref=_required_text(data, "to"),
        type=_required_text(data, "type"),
        extra=_extra(data, frozenset({"from", "to", "type"})),
    )


def _parse_subject(data: Mapping[str, Any]) -> Subject:
    return Subject(record_id=_required_text(data, "record_id"), ref=_required_text(data, "ref"))


def _item(index: int, name: str, raw: object, parse: Callable[[Mapping[str, Any]], T]) -> T:
    if not isinstance(raw, dict):
        raise ContractError(f"{name}[{index}] must be an object, not {_kind(raw)}")
    try:
        return parse(raw)
    except ContractError as error:
        raise ContractError(f"{name}[{index}]: {error}") from None


def _object(obj: object) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise ContractError(f"a line must be a JSON object, not {_kind(obj)}")
    return obj


def _kind(value: object) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _required_text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        raise ContractError(f"required field {name!r} is missing")
    if not isinstance(value, str):
        raise ContractError(f"field {name!r} must be a string, not {_kind(value)}")
    if not value.strip():
        raise ContractError(f"required field {name!r} is empty")
    return value


def _text(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise ContractError(f"field {name!r} must be a string, not {_kind(value)}")


def _optional_texts(data: Mapping[str, Any], names: frozenset[str]) -> dict[str, str]:
    """The optional text fields present in `data` (null counts as absent)."""
    found: dict[str, str] = {}
    for key, value in data.items():
        if key in names and value is not None:
            if not isinstance(value, str):
                raise ContractError(f"field {key!r} must be a string, not {_kind(value)}")
            found[key] = value
    return found


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContractError(f"field {name!r} must be a list, not {_kind(value)}")
    return value


def _texts(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    values = _list(data, name)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ContractError(f"{name}[{index}] must be a string, not {_kind(value)}")
    return tuple(values)


def _required_datetime(data: Mapping[str, Any], name: str) -> datetime:
    text = _required_text(data, name)
    try:
        return parse_datetime(text)
    except DateError as error:
        raise ContractError(f"field {name!r}: {error}") from None


def _partial_date(data: Mapping[str, Any], name: str) -> PartialDate | None:
    text = _text(data, name)
    if text is None or not text.strip():
        return None
    try:
        return PartialDate.parse(text.strip())
    except DateError as error:
        raise ContractError(f"field {name!r}: {error}") from None


def _age(data: Mapping[str, Any]) -> float | None:
    value = data.get("age")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ContractError(f"field 'age' must be a number, not {_kind(value)}")
    if not 0 <= value <= _MAX_AGE:
        raise ContractError(f"field 'age' must be between 0 and {_MAX_AGE}, not {value}")
    return float(value)


def _offence(data: Mapping[str, Any]) -> str | None:
    value = data.get("offence")
    if value is None:
        return None
    # Counting Rules codes such as "8" are sometimes exported as numbers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    raise ContractError(f"field 'offence' must be a string, not {_kind(value)}")


def _identifiers(data: Mapping[str, Any]) -> dict[str, str]:
    value = data.get("identifiers")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ContractError(f"field 'identifiers' must be an object, not {_kind(value)}")
    for key, item in value.items():
        if not isinstance(item, str):
            raise ContractError(f"identifiers.{key} must be a string, not {_kind(item)}")
    return dict(value)


def _extra(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    if known.issuperset(data):
        return {}
    return {key: value for key, value in data.items() if key not in known}

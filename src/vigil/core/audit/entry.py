"""What one audit entry says, and the exact bytes that are hashed for it.

An entry names who did what to which records, when and why, by ids only. The
Data Protection Act 2018 s.62 requires logs of collection, alteration,
consultation, disclosure, combination and erasure with the person and the
justification; `Category` holds those six and `Event` says what happened in
Vigil's own words. Nothing here can carry a victim's details: objects are
`kind:id` references with ids that cannot hold spaces, and reasons are short.

Canonical form (what the leaf hash covers): a JSON object with the keys in
sorted order, no whitespace, UTF-8, only strings, integers, null and arrays of
strings (so RFC 8785's number rules never come into play):

    {"actor_agency":..,"actor_id":..,"actor_kind":..,"at":..,"category":..,
     "event":..,"objects":[..],"prev":..,"reason":..,"seq":..,"v":1}

`prev` is the previous entry's leaf hash in hex (64 zeros for entry 0), which
chains the entries so that verification can name the first one that breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple

import orjson

from vigil.core.audit.merkle import leaf_hash

FORMAT_VERSION = 1
GENESIS_PREV = "0" * 64
"""The `prev` of entry 0: there is no entry before it."""

MAX_REASON = 200
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,127}")


class AuditEntryError(ValueError):
    """An entry that must not be logged as it stands (not an id, a long reason, ...)."""


class Category(StrEnum):
    """The processing operations DPA 2018 s.62(1) requires a log of."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"


class Event(StrEnum):
    """What happened, in Vigil's words."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    SEARCH = "search"
    VIEW = "view"
    EXPORT = "export"
    INGEST = "ingest"
    JUDGEMENT = "judgement"
    ALERT_TRANSITION = "alert_transition"
    ACCESS_DENIED = "access_denied"
    BREAK_GLASS = "break_glass"
    DECISION = "decision"
    PUBLICATION = "publication"
    ERASURE = "erasure"
    COMPLAINT_RECEIVED = "complaint_received"
    COMPLAINT_TRANSITION = "complaint_transition"

    @property
    def usual_category(self) -> Category | None:
        """The s.62 category this event usually is (None: not a processing operation)."""
        return _USUAL_CATEGORY.get(self)


_USUAL_CATEGORY: dict[Event, Category] = {
    Event.SEARCH: Category.CONSULTATION,
    Event.VIEW: Category.CONSULTATION,
    Event.EXPORT: Category.DISCLOSURE,
    Event.INGEST: Category.COLLECTION,
    Event.JUDGEMENT: Category.COMBINATION,
    Event.ALERT_TRANSITION: Category.ALTERATION,
    Event.ACCESS_DENIED: Category.CONSULTATION,  # the consultation that was refused
    Event.BREAK_GLASS: Category.CONSULTATION,
    Event.DECISION: Category.ALTERATION,
    Event.PUBLICATION: Category.DISCLOSURE,
    Event.ERASURE: Category.ERASURE,
    Event.COMPLAINT_RECEIVED: Category.COLLECTION,
    Event.COMPLAINT_TRANSITION: Category.ALTERATION,
}


class ObjectKind(StrEnum):
    """What an entry may name. A recipient is who received a disclosure (s.62(3))."""

    RECORD = "record"
    ENTITY = "entity"
    NETWORK = "network"
    ALERT = "alert"
    RUN = "run"
    USER = "user"
    AGENCY = "agency"
    RECIPIENT = "recipient"
    EXPORT = "export"
    SEARCH = "search"
    JUDGEMENT = "judgement"
    DECISION = "decision"
    COMPLAINT = "complaint"
    FINDING = "finding"
    REPORT = "report"
    RECOMMENDATION = "recommendation"
    ESCALATION = "escalation"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: a person (with their agency) or Vigil itself."""

    kind: str
    id: str
    agency: str = ""

    @classmethod
    def user(cls, user_id: str, *, agency: str) -> Actor:
        """A person, by their user id, and the agency they act for."""
        return cls("user", _checked_id(user_id, "user id"), _checked_id(agency, "agency"))

    @classmethod
    def system(cls, component: str = "vigil", *, on_behalf_of: str = "") -> Actor:
        """Vigil itself (a component such as `ingest`), optionally started by a named user."""
        agency = _checked_id(on_behalf_of, "user id") if on_behalf_of else ""
        return cls("system", _checked_id(component, "component"), agency)


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """A reference to something by kind and id, never by its content."""

    kind: ObjectKind
    id: str

    def __post_init__(self) -> None:
        _checked_id(self.id, f"{self.kind} id")

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> ObjectRef:
        """Reads `kind:id` back."""
        kind, _, ident = text.partition(":")
        try:
            return cls(ObjectKind(kind), ident)
        except ValueError as error:
            raise AuditEntryError(f"not an object reference: {text!r}") from error


def _checked_id(value: str, what: str) -> str:
    if not _ID.fullmatch(value):
        raise AuditEntryError(
            f"{what} must be an id (letters, digits and _.:/@+-, no spaces, at most 128)"
        )
    return value


def checked_reason(reason: str) -> str:
    """Refuses reasons that could carry case details: long or multi-line text."""
    if len(reason) > MAX_REASON or "\n" in reason or "\r" in reason:
        raise AuditEntryError(f"a reason is one line of at most {MAX_REASON} characters")
    return reason


def format_at(moment: datetime) -> str:
    """The fixed-width UTC form stored and hashed: 2025-01-31T09:30:00.000000Z."""
    if moment.tzinfo is None:
        raise AuditEntryError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class EntryRow(NamedTuple):
    """An entry as stored: the canonical fields, then the hashes kept with them.

    `objects` is the references joined by single spaces (ids hold none), which
    both databases store and return byte for byte.
    """

    seq: int
    at: str
    actor_kind: str
    actor_id: str
    actor_agency: str
    category: str | None
    event: str
    objects: str
    reason: str
    prev: str
    leaf: str


def canonical_bytes(
    seq: int,
    at: str,
    actor_kind: str,
    actor_id: str,
    actor_agency: str,
    category: str | None,
    event: str,
    objects: str,
    reason: str,
    prev: str,
) -> bytes:
    """The bytes whose leaf hash is the entry's hash (see the module docstring)."""
    # Keys written in sorted order, so orjson needs no sort option.
    return orjson.dumps(
        {
            "actor_agency": actor_agency,
            "actor_id": actor_id,
            "actor_kind": actor_kind,
            "at": at,
            "category": category,
            "event": event,
            "objects": objects.split(" ") if objects else [],
            "prev": prev,
            "reason": reason,
            "seq": seq,
            "v": FORMAT_VERSION,
        }
    )


def new_entry(
    *,
    seq: int,
    at: datetime,
    actor: Actor,
    category: Category | None,
    event: Event,
    objects: tuple[ObjectRef, ...] | list[ObjectRef],
    reason: str,
    prev: str,
) -> EntryRow:
    """Checks and hashes the next entry, ready to store."""
    if actor.kind not in ("user", "system"):
        raise AuditEntryError(f"unknown actor kind {actor.kind!r}")
    stamped = format_at(at)
    refs = " ".join(str(ref) for ref in objects)
    fields = (
        seq,
        stamped,
        actor.kind,
        actor.id,
        actor.agency,
        Category(category).value if category is not None else None,
        Event(event).value,
        refs,
        checked_reason(reason),
        prev,
    )
    return EntryRow(*fields, leaf_hash(canonical_bytes(*fields)).hex())

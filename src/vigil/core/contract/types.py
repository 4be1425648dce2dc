"""The bundle v1 contract as Python types (see shared/spec/bundle-v1.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vigil.core.normalise.dates import PartialDate

RECORD_KINDS = frozenset(
    {
        "intelligence",
        "crime",
        "incident",
        "missing_episode",
        "referral",
        "meeting",
        "case_note",
        "complaint",
        "other",
    }
)
ACTION_KINDS = frozenset(
    {
        "investigation_opened",
        "arrest",
        "charge",
        "conviction",
        "disruption_notice",
        "safeguarding_plan",
        "strategy_meeting",
        "referral_made",
        "no_further_action",
        "closed",
        "other",
    }
)
MENTION_TYPES = frozenset({"person", "vehicle", "phone", "address", "organisation"})
# The roles the spec names. Other roles are kept as written: the list is not closed.
MENTION_ROLES = frozenset(
    {"victim", "suspect", "associate", "witness", "reporter", "subject", "professional", "other"}
)
COMMON_AGENCIES = frozenset(
    {
        "police",
        "children_social_care",
        "youth_service",
        "health",
        "education",
        "housing",
        "licensing",
        "voluntary",
    }
)
# Recorded for statistics only: never evidence for linkage, scores or alerts.
STATISTICS_ONLY_FIELDS = frozenset({"ethnicity", "nationality", "religion"})

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Staff:
    """A professional who writes records, attends meetings or decides."""

    id: str
    agency: str
    name: str | None = None
    role: str | None = None
    team: str | None = None
    extra: JSON = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Mention:
    """A person, vehicle, phone, address or organisation named in a record.

    One flat shape serves every mention type; fields that do not apply to a
    type are None. Fields the spec does not name are kept in `extra`.
    """

    ref: str
    type: str
    role: str | None = None
    name: str | None = None
    aliases: tuple[str, ...] = ()
    dob: PartialDate | None = None
    age: float | None = None
    gender: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    ethnicity: str | None = None
    nationality: str | None = None
    religion: str | None = None
    description: str | None = None
    vrm: str | None = None
    make: str | None = None
    model: str | None = None
    colour: str | None = None
    number: str | None = None
    org_type: str | None = None
    extra: JSON = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Link:
    """A relationship between two mentions of the same record."""

    from_ref: str
    to_ref: str
    type: str
    extra: JSON = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Record:
    """A piece of information an agency holds."""

    id: str
    agency: str
    kind: str
    recorded_at: datetime
    occurred_on: PartialDate | None = None
    author: str | None = None
    offence: str | None = None
    title: str | None = None
    text: str | None = None
    sensitivity: str | None = None
    shared_with: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    links: tuple[Link, ...] = ()
    extra: JSON = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Subject:
    """A mention inside a record that an action is about."""

    record_id: str
    ref: str


@dataclass(frozen=True, slots=True)
class Action:
    """A response to one or more records."""

    id: str
    agency: str
    kind: str
    taken_at: datetime
    by: str | None = None
    approved_by: str | None = None
    record_ids: tuple[str, ...] = ()
    subjects: tuple[Subject, ...] = ()
    rationale: str | None = None
    extra: JSON = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Access:
    """A historical log line: a professional read a record."""

    staff: str
    record_id: str
    at: datetime
    purpose: str | None = None
    extra: JSON = field(default_factory=dict)

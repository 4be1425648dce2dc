"""Writes the bundle as the records are made: staff, records, actions and reads, in date order.

Records arrive in `recorded_at` order, a month at a time. Actions and reads
that follow a record (a decision days later, a read years later) wait in a
queue until the month they fall in has been written, so every file is in
date order and ids rise with time.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import orjson

from vigil.core.scenario.clock import local_stamp, stamp
from vigil.core.scenario.draft import Draft
from vigil.core.scenario.town import AGENCY_CODES, Town
from vigil.core.scenario.truth import TruthWriter

_KIND_CODES = {
    "intelligence": "int",
    "crime": "crm",
    "incident": "inc",
    "missing_episode": "mis",
    "referral": "ref",
    "meeting": "mtg",
    "case_note": "cn",
    "complaint": "cmp",
    "other": "oth",
}
_LINE = orjson.OPT_APPEND_NEWLINE


@dataclass(frozen=True, slots=True)
class WrittenCounts:
    """How many lines of each file, and of person mentions, were written."""

    staff: int
    records: int
    actions: int
    access: int
    mentions: int
    person_mentions: int


class BundleWriter:
    """Streams the four bundle files; use as a context manager."""

    def __init__(self, bundle: Path, truth: TruthWriter) -> None:
        self.bundle = bundle
        self.truth = truth
        self._stack = ExitStack()
        self._files: dict[str, BinaryIO] = {}
        self._serials: dict[str, int] = {}
        self._actions: list[tuple[datetime, int, dict[str, Any]]] = []
        self._reads: list[tuple[datetime, int, str, str]] = []
        self._queued = 0
        self._action_serial = 0
        self._staff = self._records = self._access = 0
        self._mentions = self._person_mentions = 0

    def __enter__(self) -> BundleWriter:
        self.bundle.mkdir(parents=True, exist_ok=True)
        for name in ("staff", "records", "actions", "access"):
            path = self.bundle / f"{name}.jsonl"
            self._files[name] = self._stack.enter_context(path.open("wb", buffering=1 << 20))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            self.flush(None)
        self._stack.close()

    def staff(self, town: Town) -> None:
        """Writes staff.jsonl."""
        out = self._files["staff"]
        for member in town.staff:
            person = town.people[member.person]
            line = {
                "id": member.id,
                "name": person.full_name,
                "agency": member.agency,
                "role": member.role,
                "team": member.team,
            }
            out.write(orjson.dumps(line, option=_LINE))
            self._staff += 1

    def record(self, draft: Draft) -> str:
        """Gives the draft an id, writes it and its truth, and queues its actions and reads."""
        prefix = f"{AGENCY_CODES[draft.agency]}-{_KIND_CODES[draft.kind]}"
        serial = self._serials.get(prefix, 0) + 1
        self._serials[prefix] = serial
        record_id = f"{prefix}-{serial:06d}"
        line: dict[str, Any] = {"id": record_id, "agency": draft.agency, "kind": draft.kind}
        if draft.occurred_on is not None:
            line["occurred_on"] = draft.occurred_on
        line["recorded_at"] = (
            local_stamp(draft.recorded_at) if draft.local_time else stamp(draft.recorded_at)
        )
        if draft.author is not None:
            line["author"] = draft.author
        if draft.offence is not None:
            line["offence"] = draft.offence
        line["title"] = draft.title
        line["text"] = draft.text
        if draft.sensitivity is not None:
            line["sensitivity"] = draft.sensitivity
        if draft.shared_with:
            line["shared_with"] = draft.shared_with
        if draft.attendees:
            line["attendees"] = draft.attendees
        line["mentions"] = draft.mentions
        if draft.links:
            line["links"] = draft.links
        self._files["records"].write(orjson.dumps(line, option=_LINE))
        self._records += 1
        for mention, entity_id in zip(draft.mentions, draft.entities, strict=True):
            self.truth.mention(record_id, mention["ref"], entity_id)
            if mention["type"] == "person":
                self._person_mentions += 1
        self._mentions += len(draft.mentions)
        for plan in draft.actions:
            action = {
                "agency": plan.agency,
                "kind": plan.kind,
                "taken_at": stamp(plan.taken_at),
                "by": plan.by,
                "approved_by": plan.approved_by,
                "record_ids": [record_id, *_unique(rid for rid, _ in plan.earlier)],
                "subjects": [
                    *({"record_id": record_id, "ref": ref} for ref in plan.refs),
                    *({"record_id": rid, "ref": ref} for rid, ref in plan.earlier),
                ],
                "rationale": plan.rationale,
            }
            self._queued += 1
            heapq.heappush(self._actions, (plan.taken_at, self._queued, action))
        for when, staff_id in draft.reads:
            self._queued += 1
            heapq.heappush(self._reads, (when, self._queued, staff_id, record_id))
        return record_id

    def flush(self, until: datetime | None) -> None:
        """Writes queued actions and reads dated before `until` (all of them when None)."""
        actions = self._files["actions"]
        while self._actions and (until is None or self._actions[0][0] < until):
            _, _, action = heapq.heappop(self._actions)
            self._action_serial += 1
            actions.write(
                orjson.dumps({"id": f"act-{self._action_serial:06d}", **action}, option=_LINE)
            )
        access = self._files["access"]
        while self._reads and (until is None or self._reads[0][0] < until):
            when, _, staff_id, record_id = heapq.heappop(self._reads)
            line = {"staff": staff_id, "record_id": record_id, "at": stamp(when), "purpose": "read"}
            access.write(orjson.dumps(line, option=_LINE))
            self._access += 1

    def counts(self) -> WrittenCounts:
        """What has been written so far."""
        return WrittenCounts(
            staff=self._staff,
            records=self._records,
            actions=self._action_serial,
            access=self._access,
            mentions=self._mentions,
            person_mentions=self._person_mentions,
        )


def _unique(values: Iterable[str]) -> list[str]:
    """The values in first-seen order, each once."""
    return list(dict.fromkeys(values))

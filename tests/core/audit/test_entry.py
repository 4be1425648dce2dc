"""Audit entries: canonical bytes, and refusal of anything that is not an id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from vigil.core.audit import (
    GENESIS_PREV,
    Actor,
    AuditEntryError,
    Category,
    Event,
    ObjectKind,
    ObjectRef,
    canonical_bytes,
    leaf_hash,
    new_entry,
)

WHEN = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def test_canonical_form_is_sorted_compact_json() -> None:
    row = new_entry(
        seq=0,
        at=WHEN,
        actor=Actor.user("pol-0042", agency="police"),
        category=Category.CONSULTATION,
        event=Event.VIEW,
        objects=[ObjectRef(ObjectKind.RECORD, "r-1"), ObjectRef(ObjectKind.ENTITY, "e-9")],
        reason="strategy meeting 2024-03-01",
        prev=GENESIS_PREV,
    )
    data = canonical_bytes(*row[:10])
    decoded = orjson.loads(data)
    assert data == orjson.dumps(decoded, option=orjson.OPT_SORT_KEYS)
    assert decoded["objects"] == ["record:r-1", "entity:e-9"]
    assert decoded["at"] == "2024-03-01T09:30:00.000000Z"
    assert decoded["actor_agency"] == "police"
    assert row.leaf == leaf_hash(data).hex()


def test_times_are_stored_in_utc() -> None:
    summer = datetime(2024, 7, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    row = new_entry(
        seq=0,
        at=summer,
        actor=Actor.system("ingest"),
        category=None,
        event=Event.SIGN_IN,
        objects=[],
        reason="",
        prev=GENESIS_PREV,
    )
    assert row.at == "2024-07-01T09:00:00.000000Z"
    assert orjson.loads(canonical_bytes(*row[:10]))["category"] is None
    with pytest.raises(AuditEntryError):
        new_entry(
            seq=0,
            at=datetime(2024, 7, 1),  # naive: whose clock?
            actor=Actor.system(),
            category=None,
            event=Event.SIGN_IN,
            objects=[],
            reason="",
            prev=GENESIS_PREV,
        )


@pytest.mark.parametrize("not_an_id", ["Kayla Test", "", "a\nb", "x" * 129, "-leading"])
def test_objects_and_actors_take_ids_not_details(not_an_id: str) -> None:
    with pytest.raises(AuditEntryError):
        ObjectRef(ObjectKind.RECORD, not_an_id)
    with pytest.raises(AuditEntryError):
        Actor.user(not_an_id, agency="police")


def test_reasons_are_short_single_lines() -> None:
    ok = {
        "seq": 0,
        "at": WHEN,
        "actor": Actor.system(),
        "category": Category.ERASURE,
        "event": Event.ERASURE,
        "objects": [],
        "prev": GENESIS_PREV,
    }
    new_entry(reason="retention period ended (MoPI group 3)", **ok)  # type: ignore[arg-type]
    for reason in ("x" * 201, "first line\nsecond line"):
        with pytest.raises(AuditEntryError):
            new_entry(reason=reason, **ok)  # type: ignore[arg-type]


def test_references_read_back() -> None:
    assert ObjectRef.parse("run:7") == ObjectRef(ObjectKind.RUN, "7")
    with pytest.raises(AuditEntryError):
        ObjectRef.parse("victim:Kayla")


def test_events_have_their_usual_s62_category() -> None:
    assert Event.INGEST.usual_category is Category.COLLECTION
    assert Event.EXPORT.usual_category is Category.DISCLOSURE
    assert Event.JUDGEMENT.usual_category is Category.COMBINATION
    assert Event.SIGN_IN.usual_category is None

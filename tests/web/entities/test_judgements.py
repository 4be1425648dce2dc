"""Analysts' judgements in the store: recorded, audited, and respected by every later link."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from tests.conftest import BundleWriter, make_record

from vigil.core.linkage.incremental import PersonModel
from vigil.core.scenario import generate
from vigil.web.audit.models import AuditEntry
from vigil.web.entities import models, selectors, services
from vigil.web.records import models as records
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town(tmp_path: Path) -> Path:
    # Enough people for the model (not the small-data rule) to link them.
    generate(tmp_path / "town", seed=3, scale=0.1)
    bundle_ingest(path=tmp_path / "town" / "bundle")
    return tmp_path / "town"


def people() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, entity_id in selectors.previous_assignment().items():
        if entity_id.startswith("person-"):
            found[entity_id].append(key)
    return {e: sorted(m) for e, m in found.items()}


def test_judgements_are_audited_and_checked(write_bundle: BundleWriter) -> None:
    bundle_ingest(path=write_bundle(records=[make_record("r1"), make_record("r2")]))
    judgement = services.judgement_record(
        left=("r1", "p2"), right=("r2", "p2"), verdict="same", by="analyst-7", rationale="same car"
    )
    entry = AuditEntry.objects.get(event="judgement")
    assert entry.category == "combination"
    assert f"judgement:{judgement.pk}" in entry.object_refs
    assert "record:r1/p2" in entry.object_refs and "record:r2/p2" in entry.object_refs
    assert entry.actor_kind == "system" and entry.actor_agency == "analyst-7"
    user = get_user_model().objects.create_user(username="kim", password="x")
    by_user = services.judgement_record(
        left=("r1", "p1"), right=("r2", "p2"), verdict="not_same", by=user
    )
    assert by_user.by == "kim"
    assert AuditEntry.objects.filter(event="judgement", category="alteration").count() == 1
    with pytest.raises(services.JudgementError, match="no mention"):
        services.judgement_record(left=("r1", "p1"), right=("r9", "p1"), verdict="same", by="a")
    with pytest.raises(services.JudgementError, match="vehicle"):
        services.judgement_record(left=("r1", "p1"), right=("r2", "v1"), verdict="same", by="a")
    with pytest.raises(services.JudgementError, match="itself"):
        services.judgement_record(left=("r1", "p1"), right=("r1", "p1"), verdict="same", by="a")


def test_later_links_respect_judgements(town: Path) -> None:
    first = services.entities_link()
    assert first.person_method == "model" and not first.incremental
    assert PersonModel.from_json(first.person_model) is not None
    groups = sorted(people().values(), key=len, reverse=True)
    split = groups[0]
    a, b = split[0], split[-1]
    c, d = groups[1][0], groups[2][0]
    services.judgement_record(left=a, right=b, verdict="not_same", by="analyst-1")
    services.judgement_record(left=c, right=d, verdict="same", by="analyst-1")
    assert selectors.entities_stale()
    run = services.entities_link()
    assert run.incremental
    after = selectors.previous_assignment()
    assert after[a] != after[b]
    assert after[c] == after[d]
    assert {after[k] for k in split} == {after[a], after[b]}
    assert not selectors.entities_stale()
    # A full retraining respects them just the same.
    retrained = services.entities_link(retrain=True)
    assert not retrained.incremental
    after = selectors.previous_assignment()
    assert after[a] != after[b] and after[c] == after[d]


def test_judgements_on_whole_entities(town: Path) -> None:
    services.entities_link()
    groups = sorted(people().items(), key=lambda item: len(item[1]), reverse=True)
    (left_id, left), (right_id, right) = groups[0], groups[1]
    services.entity_judgement_record(left=left_id, right=right_id, verdict="same", by="a")
    stored = models.Judgement.objects.get()
    assert stored.scope == "entities" and len(stored.left_members) == len(left)
    services.entities_link()
    after = selectors.previous_assignment()
    assert len({after[k] for k in [*left, *right]}) == 1
    with pytest.raises(services.JudgementError, match="no entity"):
        services.entity_judgement_record(left=left_id, right="person-0", verdict="same", by="a")


def test_contradicting_judgements_are_reported(town: Path) -> None:
    services.entities_link()
    (a, b), *_ = (m[:2] for m in people().values() if len(m) >= 2)
    services.judgement_record(left=a, right=b, verdict="not_same", by="first")
    services.judgement_record(left=a, right=b, verdict="same", by="second")
    conflicts = services.judgement_conflicts()
    assert [c.overruled.by for c in conflicts] == ["first"]
    run = services.entities_link()
    assert run.counts["conflicts"] and "first" in run.counts["conflicts"][0]
    after = selectors.previous_assignment()
    assert after[a] == after[b]


def test_new_records_are_linked_incrementally(town: Path) -> None:
    stamps = sorted(records.RecordVersion.objects.values_list("recorded_at", flat=True))
    # Two thirds in first: enough people for the model, a third left to arrive.
    first = services.entities_link(as_of=stamps[2 * len(stamps) // 3])
    assert first.person_method == "model"
    before = selectors.previous_assignment()
    run = services.entities_link()
    assert run.incremental
    after = selectors.previous_assignment()
    current = records.Record.objects.values("current_version")
    held = set(
        records.Mention.objects.filter(record_version__in=current).values_list(
            "record_version__record__source_id", "ref"
        )
    )
    assert set(after) == held
    assert 0 < run.counts["compared"] <= sum(1 for k in held - set(before))
    kept = sum(1 for key, entity_id in before.items() if after[key] == entity_id)
    assert kept >= 0.9 * len(before)

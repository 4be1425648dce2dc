"""A link run records each entity id it retires, and alerts on it follow to the successor."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from vigil.core.scenario import generate
from vigil.web.alerts import models as alerts
from vigil.web.alerts import services as alert_services
from vigil.web.entities import models, selectors, services
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town(tmp_path: Path) -> Path:
    generate(tmp_path / "town", seed=3, scale=0.1)
    bundle_ingest(path=tmp_path / "town" / "bundle")
    return tmp_path / "town"


def members() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, entity_id in selectors.previous_assignment().items():
        found[entity_id].append(key)
    return found


def test_a_merge_retires_one_id_and_its_alerts_continue_under_the_other(town: Path) -> None:
    first = services.entities_link()
    assert first.counts["retired_ids"] == 0 and not models.EntityLineage.objects.exists()
    alert_services.alerts_detect()
    held = members()
    # A man some alert is about, and a larger person he is judged to be.
    subjects = {
        s
        for a in alerts.Alert.objects.all()
        for s in a.subject_ids
        if s.startswith("person-") and len(a.subject_ids) == 1
    }
    small = min(subjects, key=lambda s: (len(held[s]), s))
    large = max(
        (e for e in held if e.startswith("person-") and e != small),
        key=lambda e: (len(held[e]), e),
    )
    assert len(held[large]) > len(held[small])
    before = {a.pk: a.alert_id for a in alerts.Alert.objects.all() if small in a.subject_ids}
    services.entity_judgement_record(left=small, right=large, verdict="same", by="analyst")
    run = services.entities_link()
    row = models.EntityLineage.objects.get(old_id=small)
    assert row.new_id == large and row.link_run_id == run.pk
    assert row.mentions == len(held[small])
    assert run.counts["retired_ids"] == models.EntityLineage.objects.count()
    count = alerts.Alert.objects.count()
    alert_services.alerts_detect()
    assert alerts.Alert.objects.count() <= count  # followed, not duplicated
    continued = 0
    for pk, alert_id in before.items():
        alert = alerts.Alert.objects.get(pk=pk)
        assert alert.alert_id == alert_id
        # Continued under the successor's key, or kept and marked for a person.
        assert small not in alert.subject_ids or alert.unsupported_at is not None
        if small not in alert.subject_ids:
            assert any(small in k for k in alert.former_keys)
            continued += 1
    assert continued

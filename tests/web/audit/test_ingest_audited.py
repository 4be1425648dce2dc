"""Every ingest run is logged as a collection, naming the run and never a record's content."""

from __future__ import annotations

import pytest
from tests.conftest import BundleWriter, make_record

from vigil.web.audit import models
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_run_is_one_collection_entry(
    write_bundle: BundleWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "analyst1")
    folder = write_bundle(records=[make_record("r1"), make_record("r2")])
    first = bundle_ingest(path=folder)
    second = bundle_ingest(path=folder)
    entries = list(models.AuditEntry.objects.all())
    assert [e.object_refs for e in entries] == [f"run:{first.run_id}", f"run:{second.run_id}"]
    entry = entries[0]
    assert (entry.category, entry.event, entry.actor_kind) == ("collection", "ingest", "system")
    assert (entry.actor_id, entry.actor_agency) == ("ingest", "analyst1")
    assert "2 lines read, 2 new" in entry.reason
    assert "Kayla" not in entry.reason  # the victim's name in the record stays out of the log

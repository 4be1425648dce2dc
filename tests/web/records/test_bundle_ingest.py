"""Loading bundles into the store: versions, idempotence, rejections, strict mode."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.db import connection
from tests.conftest import BundleWriter, make_record

from vigil.web.records import models, selectors
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)

ACTION = {
    "id": "act-1",
    "agency": "police",
    "kind": "no_further_action",
    "taken_at": "2001-07-01T09:00:00Z",
    "by": "pol-0001",
    "record_ids": ["r1"],
    "subjects": [{"record_id": "r1", "ref": "p2"}],
    "rationale": "Appears consensual.",
}


def table_sizes() -> dict[str, int]:
    sizes = {}
    with connection.cursor() as cursor:
        for model in (
            models.Agency,
            models.Staff,
            models.StaffVersion,
            models.Record,
            models.RecordVersion,
            models.Mention,
            models.Link,
            models.Action,
            models.ActionVersion,
            models.ActionSubject,
            models.AccessEvent,
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")
            sizes[model.__name__] = cursor.fetchone()[0]
    return sizes


def test_a_bundle_goes_in_whole(write_bundle: BundleWriter) -> None:
    folder = write_bundle(
        staff=[{"id": "pol-0042", "agency": "police", "name": "A. Officer"}],
        records=[
            make_record("r1", shared_with=["children_social_care"], source_system="Niche"),
            make_record("r2", agency="children_social_care"),
        ],
        actions=[ACTION],
        access=[{"staff": "pol-0042", "record_id": "r1", "at": "2001-06-16T08:00:00Z"}],
    )
    report = bundle_ingest(path=folder)
    assert report.ok
    assert table_sizes() == {
        "Agency": 2,
        "Staff": 1,
        "StaffVersion": 1,
        "Record": 2,
        "RecordVersion": 2,
        "Mention": 6,
        "Link": 2,
        "Action": 1,
        "ActionVersion": 1,
        "ActionSubject": 1,
        "AccessEvent": 1,
    }
    version = models.Record.objects.get(source_id="r1").current_version
    assert version is not None
    assert version.occurred_on == "2001-06-14"
    assert version.mentions.get(ref="v1").vrm == "YB02 KL?"
    # JSON columns hold JSON, not JSON text, on both databases.
    assert version.shared_with == ["children_social_care"]
    assert version.extra == {"source_system": "Niche"}
    assert models.ActionVersion.objects.get().record_ids == ["r1"]


def test_the_same_bundle_twice_changes_nothing(write_bundle: BundleWriter) -> None:
    folder = write_bundle(records=[make_record("r1")], actions=[ACTION])
    bundle_ingest(path=folder)
    before = table_sizes()
    report = bundle_ingest(path=folder)
    assert table_sizes() == before
    assert report.counts["records"].unchanged == 1
    assert report.counts["actions"].unchanged == 1


def test_key_order_and_spacing_do_not_make_a_new_version(write_bundle: BundleWriter) -> None:
    bundle_ingest(path=write_bundle(records=[make_record("r1")]))
    reordered = dict(reversed(list(make_record("r1").items())))
    report = bundle_ingest(path=write_bundle(records=[reordered]))
    assert report.counts["records"].unchanged == 1


def test_a_changed_record_becomes_a_new_version_and_the_old_one_stays(
    write_bundle: BundleWriter,
) -> None:
    bundle_ingest(path=write_bundle(records=[make_record("r1")]))
    changed = make_record("r1", text="Corrected narrative.", mentions=[], links=[])
    report = bundle_ingest(path=write_bundle(records=[changed]))
    assert report.counts["records"].new_versions == 1
    record = models.Record.objects.get(source_id="r1")
    assert record.version_count == 2
    versions = list(record.versions.order_by("version"))
    assert [v.text for v in versions] == ["Narrative as written.", "Corrected narrative."]
    assert record.current_version == versions[1]
    assert versions[0].mentions.count() == 3
    assert versions[1].mentions.count() == 0


def test_bad_lines_are_rejected_and_stored_while_good_ones_go_in(
    write_bundle: BundleWriter,
) -> None:
    folder = write_bundle(
        records=[
            make_record("r1"),
            b'{"id": "r2", "agency": ',
            make_record("r3", kind="gossip"),
            make_record("r1", text="again"),
            make_record("r4"),
        ],
        actions=[ACTION, {**ACTION, "id": "act-2", "subjects": [{"record_id": "r9", "ref": "p1"}]}],
    )
    report = bundle_ingest(path=folder)
    assert report.rejected == 4
    stored = list(selectors.rejected_lines(run_id=report.run_id))
    assert [(Path(r["file"]).name, r["line"]) for r in stored] == [
        ("records.jsonl", 2),
        ("records.jsonl", 3),
        ("records.jsonl", 4),
        ("actions.jsonl", 2),
    ]
    assert "not valid JSON" in stored[0]["reason"]
    assert "unknown record kind 'gossip'" in stored[1]["reason"]
    assert "'r1' is used twice (first at line 1)" in stored[2]["reason"]
    assert "record 'r9'" in stored[3]["reason"]
    assert set(models.Record.objects.values_list("source_id", flat=True)) == {"r1", "r4"}
    assert models.Record.objects.get(source_id="r1").current_version.text == "Narrative as written."  # type: ignore[union-attr]


def test_strict_takes_in_nothing_when_any_line_is_bad(write_bundle: BundleWriter) -> None:
    folder = write_bundle(
        staff=[{"id": "pol-1", "agency": "police"}],
        records=[make_record("r1"), make_record("r2", recorded_at="2001-02-30")],
    )
    report = bundle_ingest(path=folder, strict=True)
    assert report.status == "refused"
    assert report.rejected == 1
    assert sum(table_sizes().values()) == 0
    run = models.IngestRun.objects.get(pk=report.run_id)
    assert run.status == "refused"
    assert run.rejections.get().line == 2


def test_strict_with_every_line_good_takes_in_everything(write_bundle: BundleWriter) -> None:
    report = bundle_ingest(path=write_bundle(records=[make_record("r1")]), strict=True)
    assert report.ok
    assert models.Record.objects.count() == 1


def test_an_action_may_point_at_a_record_loaded_earlier(write_bundle: BundleWriter) -> None:
    bundle_ingest(path=write_bundle(records=[make_record("r1")]))
    report = bundle_ingest(path=write_bundle(actions=[ACTION]))
    assert report.ok
    assert models.ActionSubject.objects.get().record_source_id == "r1"


def test_a_zipped_bundle(tmp_path: Path, write_bundle: BundleWriter) -> None:
    folder = write_bundle(records=[make_record("r1")])
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(folder / "records.jsonl", "records.jsonl")
    assert bundle_ingest(path=archive).ok
    assert models.Record.objects.count() == 1


def test_batches_larger_than_one_query_can_name(write_bundle: BundleWriter) -> None:
    records = [make_record(f"r{i}") for i in range(4500)]
    report = bundle_ingest(path=write_bundle(records=records))
    assert report.counts["records"].new == 4500
    assert models.Mention.objects.count() == 13500
    again = bundle_ingest(path=write_bundle(records=records))
    assert again.counts["records"].unchanged == 4500

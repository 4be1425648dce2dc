"""Uploading a bundle or a CSV export: checked, taken in, followed, and audited."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import orjson
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from tests.conftest import make_record

from vigil.web.accounts.services import user_create
from vigil.web.audit.models import AuditEntry
from vigil.web.records.models import Record
from vigil.web.uploads.models import Upload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("uploads_at_once"),
]
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def uploads_at_once() -> object:
    with override_settings(VIGIL_UPLOADS_IN_BACKGROUND=False):
        yield


def signed_in(email: str, role: str, agency: str = "police") -> Client:
    created = user_create(email=email, password=PASSWORD, agency=agency, role=role, with_totp=True)
    client = Client()
    client.force_login(created.user)
    return client


def bundle_zip(*records: dict[str, object], extra: bytes = b"") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        lines = b"".join(orjson.dumps(r) + b"\n" for r in records) + extra
        archive.writestr("bundle/records.jsonl", lines)
    return SimpleUploadedFile("police-export.zip", buffer.getvalue(), "application/zip")


def test_a_bundle_upload_is_taken_in_and_its_rejects_are_listed() -> None:
    client = signed_in("analyst@police.example", "analyst")
    upload = bundle_zip(make_record("pol-1"), make_record("pol-2"), extra=b'{"id": "pol-3"}\n')
    response = client.post("/ingest/", {"kind": "bundle", "file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Done" in text and "2 new" in text and "1 rejected" in text
    assert set(Record.objects.values_list("source_id", flat=True)) == {"pol-1", "pol-2"}
    done = Upload.objects.get()
    run_page = client.get(f"/records/runs/{done.ingest_run_id}/").content.decode()
    assert "records.jsonl" in run_page and "required field" in run_page
    entry = AuditEntry.objects.filter(event="ingest").latest("sequence")
    assert entry.reason.startswith("upload completed") and entry.actor_kind == "user"
    # The uploaded file itself is not kept once its records are stored.
    assert not (Path(settings.VIGIL_HOME) / "uploads" / str(done.pk)).exists()


def test_progress_is_a_partial_for_htmx() -> None:
    client = signed_in("analyst@police.example", "analyst")
    client.post("/ingest/", {"kind": "bundle", "file": bundle_zip(make_record("pol-1"))})
    upload = Upload.objects.get()
    partial = client.get(f"/ingest/{upload.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="upload-progress"') and "<html" not in partial
    assert "hx-trigger" not in partial  # finished: it stops asking


def test_a_file_that_is_not_a_bundle_fails_with_its_name_and_nothing_goes_in() -> None:
    client = signed_in("analyst@police.example", "analyst")
    broken = SimpleUploadedFile("broken.zip", b"not a zip at all", "application/zip")
    response = client.post("/ingest/", {"kind": "bundle", "file": broken}, follow=True)
    text = response.content.decode()
    assert "could not be read" in text and "broken.zip" in text
    assert Upload.objects.get().status == Upload.Status.FAILED
    assert not Record.objects.exists()


def test_a_strict_upload_with_a_bad_line_takes_in_nothing() -> None:
    client = signed_in("analyst@police.example", "analyst")
    upload = bundle_zip(make_record("pol-1"), extra=b"{not json\n")
    client.post("/ingest/", {"kind": "bundle", "file": upload, "strict": "on"})
    assert not Record.objects.exists()
    assert Upload.objects.get().ingest_run.status == "refused"


def test_a_csv_export_needs_its_mapping_and_is_read_through_it() -> None:
    client = signed_in("analyst@police.example", "analyst")
    csv_file = SimpleUploadedFile("export.csv", b"a,b\n1,2\n", "text/csv")
    response = client.post("/ingest/", {"kind": "csv", "file": csv_file})
    assert response.status_code == 200 and "Select the mapping file" in response.content.decode()
    assert not Upload.objects.exists()
    examples = Path(__file__).resolve().parents[3] / "examples"
    mapping = examples / "police-intelligence.mapping.yaml"
    export = examples / "police-intelligence.csv"
    client.post(
        "/ingest/",
        {
            "kind": "csv",
            "file": SimpleUploadedFile(export.name, export.read_bytes(), "text/csv"),
            "mapping": SimpleUploadedFile(mapping.name, mapping.read_bytes(), "application/yaml"),
        },
    )
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.DONE, upload.error
    assert Record.objects.exists()


def test_wrong_kinds_of_file_are_refused_with_a_clear_message() -> None:
    client = signed_in("analyst@police.example", "analyst")
    text_file = SimpleUploadedFile("notes.txt", b"hello", "text/plain")
    response = client.post("/ingest/", {"kind": "bundle", "file": text_file})
    assert "A bundle must be a .zip file" in response.content.decode()
    response = client.post("/ingest/", {"kind": "bundle"})
    assert "Select a file to upload" in response.content.decode()


def test_oversight_roles_do_not_load_and_others_cannot_follow_an_upload() -> None:
    analyst = signed_in("analyst@police.example", "analyst")
    analyst.post("/ingest/", {"kind": "bundle", "file": bundle_zip(make_record("pol-1"))})
    upload = Upload.objects.get()
    inquiry = signed_in("inquiry@inquiry.example", "auditor", agency="inquiry")
    assert inquiry.get("/ingest/").status_code == 403
    other = signed_in("worker@social-care.example", "practitioner", "children_social_care")
    assert other.get(f"/ingest/{upload.pk}/").status_code == 404
    supervisor = signed_in("supervisor@police.example", "supervisor")
    assert supervisor.get(f"/ingest/{upload.pk}/").status_code == 200

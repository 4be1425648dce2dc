"""The harm dashboard draws its charts under the strict CSP; the upload page takes a bundle."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.test import override_settings
from playwright.sync_api import expect
from tests.browser.conftest import check_accessible, screenshot, sign_in
from tests.conftest import make_record

from vigil.web.accounts.services import CreatedUser
from vigil.web.records import services as record_services

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_harm_dashboard_draws_its_charts_without_breaking_the_csp(
    page: Any, live_server: Any, analyst: CreatedUser, write_bundle: Any
) -> None:
    records = [
        make_record(f"pol-{n}", offence="46" if n % 3 else "19E", kind="crime") for n in range(12)
    ]
    record_services.bundle_ingest(path=write_bundle(records=records))
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_server.url, analyst, "/dashboard/harm/")
    expect(page.get_by_role("heading", name="Harm and volume")).to_be_visible()
    expect(page.locator("#share-chart svg")).to_have_count(1)
    expect(page.locator("#harm-chart svg")).to_have_count(1)
    expect(page.get_by_role("rowheader", name="Rape")).to_be_visible()
    check_accessible(page)
    screenshot(page, "harm-dashboard")
    assert not problems, problems


def test_uploading_a_bundle_shows_its_progress_and_outcome(
    page: Any, live_server: Any, analyst: CreatedUser, tmp_path: Path
) -> None:
    archive = tmp_path / "police-export.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        lines = orjson.dumps(make_record("pol-1")) + b"\n" + b'{"id": "broken"}\n'
        bundle.writestr("records.jsonl", lines)
    archive.write_bytes(buffer.getvalue())

    with override_settings(VIGIL_UPLOADS_IN_BACKGROUND=False):
        sign_in(page, live_server.url, analyst, "/ingest/")
        check_accessible(page)
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        check_accessible(page)
        page.get_by_label("Bundle (.zip)").check()
        page.get_by_label("File", exact=True).set_input_files(str(archive))
        page.get_by_role("button", name="Upload").click()
        page.wait_for_url(re.compile(r"/ingest/\d+/"))
    expect(page.get_by_text("Done")).to_be_visible()
    expect(page.get_by_text("1 new")).to_be_visible()
    check_accessible(page)
    screenshot(page, "upload-done")
    page.get_by_role("link", name=re.compile("every rejected line")).click()
    expect(page.get_by_text("required field")).to_be_visible()

"""`vigil redact` with the store's known identifiers and the recognisers."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import BundleWriter, make_record
from tests.web.publish import conftest as publish_fixtures
from typer.testing import CliRunner

from vigil.cli import app
from vigil.core.publish.seal import load_or_create_seal_key, unseal
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
network = publish_fixtures.network
seal_key = publish_fixtures.seal_key
person = publish_fixtures.person


def test_redact_uses_the_store_and_writes_the_key_apart(
    write_bundle: BundleWriter, tmp_path: Path, seal_key: Path
) -> None:
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("pol-1"),  # "Kayla Test" aged 14, "Mo" aged 27, YB02 KL?
                make_record(
                    "pol-2",
                    mentions=[
                        {
                            "ref": "p1",
                            "type": "person",
                            "name": "Muhammad Khan",
                            "age": 30,
                            "phone": "07700 900123",
                            "address": "12 Oak Street, Ashworth",
                        },
                    ],
                    links=[],
                ),
            ]
        )
    )
    source = tmp_path / "in.txt"
    source.write_text(
        "Kayla Test (14) was seen with Mo in YB02 KLX. Later Mohammed KHAN, of 12 Oak Street, "
        "rang from 07700900123. Kayla Test was not spoken to. Mr Jones saw it.",
        "utf-8",
    )
    out, key = tmp_path / "out.txt", tmp_path / "key.json"
    result = CliRunner().invoke(
        app, ["redact", str(source), "--out", str(out), "--key", str(key), "--no-model"]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text == (
        "Child A (14) was seen with Adult 1 in Vehicle 1. Later Adult 2, of an address in the "
        "town (Address 1), rang from Phone 1. Child A was not spoken to. Adult 3 saw it."
    )
    sealed = key.read_bytes()
    assert b"Kayla" not in sealed  # sealed: only the sealing key, kept apart, opens it
    opened = unseal(sealed, load_or_create_seal_key(seal_key))
    entries = {entry.pseudonym: entry for entry in opened}
    assert entries["Child A"].written == ("Kayla Test",)
    assert entries["Adult 2"].written == ("Mohammed KHAN",)
    for entry in entries.values():
        for written in entry.written:
            assert written not in text


@pytest.mark.usefixtures("seal_key")
def test_publish_draft_approve_release_and_list(network: list[str], tmp_path: Path) -> None:
    author, approver = person("auditor"), person("senior_reviewer")
    runner = CliRunner()
    drafted = runner.invoke(
        app, ["publish", "draft", *network, "--title", "Who knew", "--as", author.email]
    )
    assert drafted.exit_code == 0, drafted.output
    report_id = drafted.stdout.strip().splitlines()[-1]
    own = runner.invoke(app, ["publish", "approve", report_id, "--as", author.email])
    assert own.exit_code == 3 and "author cannot approve" in own.output
    early = runner.invoke(app, ["publish", "release", report_id, "--as", approver.email])
    assert early.exit_code == 3 and "not approved" in early.output
    approved = runner.invoke(app, ["publish", "approve", report_id, "--as", approver.email])
    assert approved.exit_code == 0, approved.output
    out = tmp_path / "report.pdf"
    released = runner.invoke(
        app, ["publish", "release", report_id, "--as", approver.email, "--out", str(out)]
    )
    assert released.exit_code == 0, released.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "Kayleigh" not in out.with_suffix(".html").read_text("utf-8")
    listed = runner.invoke(app, ["publish", "list"])
    assert f"{report_id}\treleased" in listed.stdout


@pytest.mark.usefixtures("seal_key")
def test_publish_refuses_a_role_that_may_not_draft(network: list[str]) -> None:
    analyst = person("analyst")
    result = CliRunner().invoke(
        app, ["publish", "draft", *network, "--title", "x", "--as", analyst.email]
    )
    assert result.exit_code == 3 and "may not draft" in result.output

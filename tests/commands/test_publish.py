"""`vigil redact` with the store's known identifiers and the recognisers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import BundleWriter, make_record
from typer.testing import CliRunner

from vigil.cli import app
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def test_redact_uses_the_store_and_writes_the_key_apart(
    write_bundle: BundleWriter, tmp_path: Path
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
    entries = {entry["pseudonym"]: entry for entry in json.loads(key.read_text("utf-8"))}
    assert entries["Child A"]["written"] == ["Kayla Test"]
    assert entries["Adult 2"]["written"] == ["Mohammed KHAN"]
    for entry in entries.values():
        for written in entry["written"]:
            assert written not in text

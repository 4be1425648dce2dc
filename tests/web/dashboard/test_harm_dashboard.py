"""The harm and volume dashboard: figures from the records the reader may read."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts.services import user_create
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase 42"


def signed_in(email: str, role: str, agency: str) -> Client:
    user = user_create(email=email, password=PASSWORD, agency=agency, role=role, with_totp=True)
    client = Client()
    client.force_login(user.user)
    return client


@pytest.fixture
def crimes(write_bundle: BundleWriter) -> None:
    # Many shopliftings, all actioned; one rape of a child, never actioned.
    burglaries = [
        make_record(f"pol-b{n}", offence="46", kind="crime", mentions=[], links=[])
        for n in range(9)
    ]
    child = make_record("pol-c1", offence="19E", kind="crime")
    health = make_record(
        "hea-1", agency="health", offence="19E", kind="crime", recorded_at="2002-02-01T09:00:00Z"
    )
    actions = [
        {
            "id": f"act-{n}",
            "agency": "police",
            "kind": "charge",
            "taken_at": "2001-07-01T09:00:00Z",
            "record_ids": [f"pol-b{n}"],
        }
        for n in range(9)
    ]
    bundle_ingest(path=write_bundle(records=[*burglaries, child, health], actions=actions))


def _chart(html: str) -> dict[str, object]:
    match = re.search(r'<script id="harm-data" type="application/json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_volume_looks_fine_while_most_harm_drew_no_action(crimes: None) -> None:
    html = signed_in("a@police.example", "analyst", "police").get("/dashboard/harm/").content
    text = html.decode()
    volume = re.search(r'id="volume-share">([^<]+)<', text)
    harm = re.search(r'id="harm-share">([^<]+)<', text)
    assert volume and harm
    assert volume.group(1) == "90%"  # 9 of 10 police records
    assert int(harm.group(1).rstrip("%")) < 50  # the rape outweighs the shopliftings
    chart = _chart(text)
    assert {row["year"] for row in chart["years"]} == {2001}  # type: ignore[union-attr,index]


def test_records_the_reader_may_not_read_are_not_counted(crimes: None) -> None:
    police = signed_in("a@police.example", "analyst", "police").get("/dashboard/harm/")
    assert "2002" not in json.dumps(_chart(police.content.decode())["years"])
    inquiry = signed_in("i@inquiry.example", "auditor", "inquiry").get("/dashboard/harm/")
    assert inquiry.status_code == 200


def test_years_can_be_chosen(crimes: None) -> None:
    client = signed_in("a@police.example", "analyst", "police")
    text = client.get("/dashboard/harm/?from=2005&to=2003").content.decode()
    assert "No records you may read in these years" in text

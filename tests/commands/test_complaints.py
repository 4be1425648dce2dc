"""`vigil complaints`: intake, list, show, finding, response and escalations, as named users."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.web.accounts import services as account_services
from vigil.web.complaints.models import Complaint, Escalation

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
REASON = "the duty log shows the report was never assessed"


def vigil(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def vigil_json(*args: str) -> Any:
    code, output = vigil(*args, "--json")
    assert code == 0, output
    return json.loads(output)


@pytest.fixture
def staff() -> None:
    for name, role in [
        ("sup", "supervisor"),
        ("senior", "senior_reviewer"),
        ("indie", "independent_reviewer"),
        ("analyst", "analyst"),
    ]:
        account_services.user_create(
            email=f"{name}@police.example",
            password="a long enough test passphrase",
            agency="police",
            role=role,
        )


def test_intake_to_escalation_and_independent_closure(staff: None) -> None:
    made = vigil_json(
        "complaints", "intake", "--summary", "Report ignored", "--details", "Told them thrice."
    )
    assert len(made["receipt_code"].replace("-", "")) == 20
    pk = str(made["id"])
    assert Complaint.objects.get().receipt_hash != made["receipt_code"]
    assert vigil("complaints", "acknowledge", pk, "--by", "sup@police.example")[0] == 0
    assert vigil("complaints", "investigate", pk, "--by", "sup@police.example")[0] == 0
    finding = vigil_json(
        "complaints", "finding", pk, "--outcome", "upheld", "--reasons", REASON,
        "--by", "sup@police.example",
    )  # fmt: skip
    answer = vigil_json(
        "complaints", "response", str(finding["finding_id"]), "--reject", "--reasons", REASON,
        "--by", "senior@police.example",
    )  # fmt: skip
    assert answer == {
        "finding_id": finding["finding_id"],
        "response": "rejected",
        "escalated": True,
    }
    dashboard = vigil_json("complaints", "escalations", "--by", "senior@police.example")
    assert [row["cause"] for row in dashboard["open"]] == ["finding_rejected"]
    escalation = str(dashboard["open"][0]["id"])
    code, output = vigil(
        "complaints", "escalations", "--close", escalation, "--reason", REASON,
        "--by", "senior@police.example",
    )  # fmt: skip
    assert code == 1 and "may not" in output
    code, _ = vigil(
        "complaints", "escalations", "--close", escalation, "--reason", REASON,
        "--by", "indie@police.example",
    )  # fmt: skip
    assert code == 0
    assert Escalation.objects.get().closed_at is not None
    assert vigil_json("complaints", "escalations", "--by", "indie@police.example")["open"] == []


def test_list_and_show_respect_roles(staff: None) -> None:
    made = vigil_json(
        "complaints", "intake", "--summary", "S", "--details", "D", "--contact", "me@example.org"
    )
    listed = vigil_json("complaints", "list", "--by", "sup@police.example")
    assert [row["id"] for row in listed] == [made["id"]]
    assert "me@example.org" not in json.dumps(listed)
    shown = vigil_json("complaints", "show", str(made["id"]), "--by", "sup@police.example")
    assert shown["complainant"] == "withheld"
    shown = vigil_json("complaints", "show", str(made["id"]), "--by", "indie@police.example")
    assert shown["complainant"]["contact"] == "me@example.org"
    code, output = vigil("complaints", "list", "--by", "analyst@police.example")
    assert code == 1 and "Refused" in output


def test_wrong_use_exits_2(staff: None) -> None:
    assert vigil("complaints", "list", "--by", "nobody@police.example")[0] == 2
    assert vigil("complaints", "show", "999", "--by", "sup@police.example")[0] == 2
    code, output = vigil(
        "complaints", "finding", "1", "--outcome", "maybe", "--reasons", REASON,
        "--by", "sup@police.example",
    )  # fmt: skip
    assert code == 2 and "outcome is one of" in output


def test_a_step_out_of_order_is_refused(staff: None) -> None:
    made = vigil_json("complaints", "intake", "--summary", "S", "--details", "D")
    code, output = vigil(
        "complaints", "finding", str(made["id"]), "--outcome", "upheld", "--reasons", REASON,
        "--by", "sup@police.example",
    )  # fmt: skip
    assert code == 1 and "cannot record finding" in output

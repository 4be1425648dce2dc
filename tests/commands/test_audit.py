"""`vigil audit` as an auditor uses it: verify, checkpoint, prove, check a proof offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from typer.testing import CliRunner

from vigil.cli import app
from vigil.core.audit import Actor, Category, Event, ObjectKind, ObjectRef
from vigil.web.audit.services import audit_record

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def vigil(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def audit_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_AUDIT_KEY", str(tmp_path / "audit.pem"))


def append(count: int) -> None:
    for i in range(count):
        audit_record(
            actor=Actor.user("csc-0007", agency="children_social_care"),
            category=Category.DISCLOSURE,
            event=Event.EXPORT,
            objects=[
                ObjectRef(ObjectKind.RECORD, f"r-{i}"),
                ObjectRef(ObjectKind.RECIPIENT, "police"),
            ],
            reason="strategy discussion",
        )


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_an_auditor_checks_nothing_was_altered_since_their_head(tmp_path: Path) -> None:
    append(5)
    code, output = vigil("audit", "checkpoint")
    assert code == 0
    held = write(tmp_path / "held.json", output)
    code, pem = vigil("audit", "public-key")
    public = write(tmp_path / "audit.pub", pem[: pem.index("-----END PUBLIC KEY-----") + 25])
    append(4)
    assert vigil("audit", "checkpoint")[0] == 0

    code, output = vigil("audit", "prove", "--from", "5", "--to", "9")
    assert code == 0
    proof = write(tmp_path / "consistency.json", output)
    code, output = vigil(
        "audit", "check-proof", str(proof), "--public-key", str(public), "--held-head", str(held)
    )
    assert (code, output.startswith("OK")) == (0, True), output

    code, output = vigil("audit", "prove", "--entry", "3")
    assert json.loads(output)["head"]["tree_size"] == 9
    proof = write(tmp_path / "inclusion.json", output)
    assert vigil("audit", "check-proof", str(proof), "--public-key", str(public))[0] == 0

    code, output = vigil("audit", "verify")
    assert (code, output.startswith("Intact: 9 entries")) == (0, True)


def test_verify_exits_1_naming_the_first_bad_entry() -> None:
    append(6)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = 'x' WHERE sequence = 2")
    code, output = vigil("audit", "verify")
    assert code == 1
    assert "TAMPERED at entry 2" in output
    code, output = vigil("audit", "verify", "--json")
    assert json.loads(output)["problem"]["sequence"] == 2
    assert vigil("audit", "checkpoint")[0] == 1


def test_prove_needs_a_signed_head() -> None:
    append(2)
    assert vigil("audit", "prove", "--entry", "1")[0] == 2
    assert vigil("audit", "prove")[0] == 2

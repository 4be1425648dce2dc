"""Making users: by service and by `vigil users create`."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from typer.testing import CliRunner

from vigil.cli import app
from vigil.web.accounts import selectors, services

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_user_belongs_to_an_agency_and_teams() -> None:
    created = services.user_create(
        email="A@Police.Example",
        password="a long enough passphrase",
        agency="police",
        role="supervisor",
        teams=("CSE", "MASH"),
        name="Ann Example",
    )
    profile = selectors.user_profile(user=created.user)
    assert profile is not None
    assert profile.agency.code == "police" and profile.role == "supervisor"
    assert sorted(t.name for t in profile.teams.all()) == ["CSE", "MASH"]
    assert created.user.email == "a@police.example"
    assert not selectors.user_has_second_factor(user=created.user)


def test_refuses_a_weak_password_an_unknown_role_and_a_second_account() -> None:
    with pytest.raises(ValidationError):
        services.user_create(email="b@x.example", password="short", agency="police", role="analyst")
    with pytest.raises(ValueError, match="unknown role"):
        services.user_create(
            email="b@x.example", password="a long enough passphrase", agency="police", role="king"
        )
    services.user_create(
        email="b@x.example", password="a long enough passphrase", agency="police", role="analyst"
    )
    with pytest.raises(ValueError, match="already exists"):
        services.user_create(
            email="B@x.example",
            password="a long enough passphrase",
            agency="police",
            role="analyst",
        )


def test_cli_makes_a_user_with_an_authenticator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_PASSWORD", "a long enough passphrase")
    result = CliRunner().invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "c@x.example",
            "--agency",
            "police",
            "--role",
            "analyst",
            "--team",
            "CSE",
            "--with-totp",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Authenticator secret:" in result.output
    bad = CliRunner().invoke(
        app, ["users", "create", "--email", "c@x.example", "--agency", "police"]
    )
    assert bad.exit_code == 2

"""Users of every role, and a complaint already received."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from vigil.web.accounts import services as account_services
from vigil.web.complaints import services

PASSWORD = "a long enough test passphrase"
People = dict[str, AbstractUser]


@pytest.fixture
def people(db: None) -> People:
    """One user of each role (two independent reviewers), by role name."""
    made: People = {}
    for name, role in [
        ("analyst", "analyst"),
        ("practitioner", "practitioner"),
        ("supervisor", "supervisor"),
        ("senior", "senior_reviewer"),
        ("independent", "independent_reviewer"),
        ("independent2", "independent_reviewer"),
        ("auditor", "auditor"),
    ]:
        made[name] = account_services.user_create(
            email=f"{name}@police.example",
            password=PASSWORD,
            agency="police",
            role=role,
            with_totp=True,
        ).user
    return made


@pytest.fixture
def client_for(people: People) -> Callable[[str], Client]:
    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(people[name])
        return client

    return signed_in


@pytest.fixture
def complaint(db: None) -> services.Intake:
    return services.complaint_intake(
        summary="My report about a missing girl was not acted on",
        details="I reported Kayla Test missing three times and nothing was done.",
        complainant_name="Jo Whistle",
        complainant_contact="jo@example.org",
    )

"""Schemathesis generates requests from the API's own OpenAPI description.

Every response must match the description (status codes, content types, bodies)
and no request may cause a server error, whatever it holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from vigil.web.api.services import api_client_create


@pytest.fixture
def api_key(transactional_db: None) -> Iterator[str]:
    yield api_client_create(name="Conformance", agency="police")[1]


# Reading the description needs no database: it is built from the code.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_behaves_as_described(case: schemathesis.Case, api_key: str) -> None:
    # A bundle line is described as "an object": what it must hold is the bundle contract,
    # checked line by line by the ingest pipeline (422 naming each line). So a line the
    # description allows may still be rightly rejected, and that one check does not apply.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"},
        excluded_checks=[positive_data_acceptance],
    )

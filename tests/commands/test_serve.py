"""`vigil serve` hands the Django application to waitress on the address asked for."""

from __future__ import annotations

from typing import Any

import pytest
import waitress
from typer.testing import CliRunner

from vigil.cli import app


@pytest.mark.django_db(transaction=True)
def test_serve_starts_waitress_with_the_wsgi_application(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(waitress, "serve", lambda application, **kw: calls.append(kw))
    result = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123

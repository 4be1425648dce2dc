"""Django settings: one base, overridden from the environment.

`VIGIL_HOME` (default `./var`) holds the SQLite database and other state;
`DATABASE_URL` points at PostgreSQL instead. In production (`VIGIL_ENV=production`)
a missing secret stops start-up rather than falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

ENVIRONMENT = os.environ.get("VIGIL_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
VIGIL_HOME = Path(os.environ.get("VIGIL_HOME", "var")).resolve()


def _secret(name: str, development_default: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return development_default


SECRET_KEY = _secret("VIGIL_SECRET_KEY", "development-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = [
    h for h in os.environ.get("VIGIL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "vigil.web.records",
    "vigil.web.entities",
    "vigil.web.audit",
    "vigil.web.alerts",
    "vigil.web.complaints",
    "vigil.web.api",
    "vigil.web.uploads",
    "vigil.web.dashboard",
    "vigil.web.publish",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's list of security keys uses it
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "vigil.web.accounts",
]

_database_url = os.environ.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Vigil's queries are short: compiling one (JIT) costs more than it saves,
        # and PostgreSQL's cost estimates for need-to-know counts trigger it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VIGIL_HOME / "vigil.sqlite3"),
            "OPTIONS": {
                # A writer takes the lock when its transaction starts, so two
                # ingests queue instead of failing half-way; WAL lets readers
                # carry on while a load runs.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"

# The web application: pages, sign-in with a second factor, security headers.
from vigil.web.settings_web import *  # noqa: E402, F403  (pages, sign-in, security)

"""Agency systems: their keys, and the records they push."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import orjson
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vigil.core.audit.entry import Category, Event, ObjectKind, ObjectRef
from vigil.core.ingest.pipeline import LOAD_ORDER, IngestReport, ingest
from vigil.core.ingest.source import JsonLinesFile
from vigil.web.accounts.models import Profile, Role
from vigil.web.api.models import ApiClient
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.records.models import Agency
from vigil.web.records.services import DatabaseIngestStore

KEY_PREFIX = "vgl_"
# A pushed bundle is held in memory: bigger loads go through `vigil ingest` or the upload page.
MAX_LINES_PER_PUSH = 5_000


@dataclass(frozen=True, slots=True)
class LineProblem:
    """Why a pushed line was refused before anything was stored."""

    file: str
    line: int
    reason: str


class PushRefusedError(Exception):
    """The push as a whole was refused; nothing was stored."""

    def __init__(self, problems: Sequence[LineProblem]) -> None:
        super().__init__(f"{len(problems)} lines refused")
        self.problems = list(problems)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_client_create(
    *, name: str, agency: str, role: str = Role.PRACTITIONER
) -> tuple[ApiClient, str]:
    """Makes an agency system's service user and key; the key is shown once, never stored."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(Role.values)})")
    if not name.strip():
        raise ValueError("give the system a name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    user_model = get_user_model()
    username = f"system-{secrets.token_hex(6)}"
    user = user_model(username=username, first_name=name.strip()[:150])
    user.set_unusable_password()  # a system never signs in to the pages
    user.save()
    agency_row, _ = Agency.objects.get_or_create(code=agency)
    Profile.objects.create(user=user, agency=agency_row, role=role)
    client = ApiClient.objects.create(
        name=name.strip(),
        user=user,
        key_prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=_hash(key),
        created_at=timezone.now(),
    )
    audit_record(
        actor=web_actor(user),
        category=None,
        event=Event.SIGN_IN,
        objects=[ObjectRef(ObjectKind.USER, str(user.pk))],
        reason="API key issued",
    )
    return client, key


def api_client_revoke(*, client_id: int) -> ApiClient:
    """Stops a key working, for good."""
    client = ApiClient.objects.select_related("user").get(pk=client_id)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            actor=web_actor(client.user),
            category=None,
            event=Event.SIGN_OUT,
            objects=[ObjectRef(ObjectKind.USER, str(client.user.pk))],
            reason="API key revoked",
        )
    return client


def api_client_for_key(key: str) -> ApiClient | None:
    """The live client holding this key, noting that it was used."""
    if not key.startswith(KEY_PREFIX):
        return None
    client = (
        ApiClient.objects.select_related("user", "user__profile__agency")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    if client is not None:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


def _line(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:
        # Integers past 64 bits: written as they came, and rejected by the contract's reader.
        return json.dumps(value).encode()


def _file(kind: str, lines: Sequence[Any]) -> JsonLinesFile:
    data = b"".join(_line(line) + b"\n" for line in lines)

    @contextmanager
    def opener() -> Iterator[IO[bytes]]:
        yield io.BytesIO(data)

    return JsonLinesFile(name=f"{kind}.jsonl", kind=kind, size=len(data), opener=opener)


def _foreign_lines(agency: str, files: Mapping[str, Sequence[Any]]) -> list[LineProblem]:
    """Lines that claim another agency: a system pushes only its own agency's records."""
    problems = []
    for kind in ("staff", "records", "actions"):
        for number, line in enumerate(files.get(kind, ()), start=1):
            if isinstance(line, dict) and "agency" in line and line["agency"] != agency:
                problems.append(
                    LineProblem(
                        f"{kind}.jsonl",
                        number,
                        f"agency {line['agency']!r} is not this system's agency ({agency})",
                    )
                )
    return problems


def api_bundle_push(
    *, client: ApiClient, files: Mapping[str, Sequence[Any]], strict: bool = False
) -> IngestReport:
    """Takes in a bundle pushed as JSON, through the same validation and store as `vigil ingest`.

    Args:
        client: The system pushing it.
        files: Lines of each bundle file kind ("staff", "records", "actions", "access").
        strict: All or nothing: one bad line and no line goes in.

    Raises:
        PushRefusedError: Too many lines, or lines of another agency; nothing stored.
    """
    total = sum(len(lines) for lines in files.values())
    if total > MAX_LINES_PER_PUSH:
        raise PushRefusedError(
            [LineProblem("", 0, f"{total} lines in one push; at most {MAX_LINES_PER_PUSH}")]
        )
    agency = client.user.profile.agency.code
    problems = _foreign_lines(agency, files)
    if problems:
        raise PushRefusedError(problems)
    sources = [_file(kind, files[kind]) for kind in LOAD_ORDER if files.get(kind)]
    report = ingest(sources, DatabaseIngestStore(), source=f"api:{client.name}", strict=strict)
    counts = report.counts.values()
    audit_record(
        actor=web_actor(client.user),
        category=Category.COLLECTION,
        event=Event.INGEST,
        objects=[ObjectRef(ObjectKind.RUN, str(report.run_id))],
        reason=(
            f"API push {report.status}: {sum(c.read for c in counts)} lines read, "
            f"{sum(c.new for c in counts)} new, {report.rejected} rejected"
        )[:200],
    )
    return report

"""Tampering done directly in the database, as someone with database access would.

Each test writes a real log through `audit_record`, signs a head, changes the
tables with raw SQL, and checks that verification fails naming the first bad
entry. Runs on SQLite, and on PostgreSQL when DATABASE_URL points there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from vigil.core.audit import (
    Actor,
    Category,
    Event,
    ObjectKind,
    ObjectRef,
    Problem,
    ProblemKind,
    Verification,
    canonical_bytes,
    leaf_hash,
)
from vigil.web.audit import models, selectors
from vigil.web.audit.services import (
    AuditIntegrityError,
    audit_checkpoint,
    audit_record,
    audit_verify,
)

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES = models.AuditEntry._meta.db_table


@pytest.fixture(autouse=True)
def audit_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keys" / "audit.pem"
    monkeypatch.setenv("VIGIL_AUDIT_KEY", str(path))
    yield path


def view(record: str, user: str = "pol-0042") -> int:
    return audit_record(
        actor=Actor.user(user, agency="police"),
        category=Category.CONSULTATION,
        event=Event.VIEW,
        objects=[ObjectRef(ObjectKind.RECORD, record)],
        reason="strategy meeting",
    )


@pytest.fixture
def log() -> int:
    """Twelve entries and a signed head over the first ten."""
    for i in range(10):
        view(f"r-{i}")
    audit_checkpoint()
    view("r-10")
    view("r-11")
    return 12


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def first_bad() -> tuple[ProblemKind, int | None]:
    result = audit_verify()
    assert not result.ok
    assert result.problem is not None
    return result.problem.kind, result.problem.sequence


def test_an_untouched_log_verifies(log: int) -> None:
    result = audit_verify()
    assert result.ok, result.problem
    assert (result.entries, result.heads) == (log, 1)
    assert [row.seq for row in selectors.audit_entries()] == list(range(log))


def test_an_altered_field(log: int) -> None:
    sql(f"UPDATE {ENTRIES} SET reason = 'routine' WHERE sequence = 4")
    assert first_bad() == (ProblemKind.ALTERED, 4)


def test_an_altered_object_reference(log: int) -> None:
    sql(f"UPDATE {ENTRIES} SET object_refs = 'record:r-99' WHERE sequence = 11")
    assert first_bad() == (ProblemKind.ALTERED, 11)


def test_a_deleted_entry(log: int) -> None:
    sql(f"DELETE FROM {ENTRIES} WHERE sequence = 6")
    assert first_bad() == (ProblemKind.MISSING, 6)


def test_an_inserted_entry(log: int) -> None:
    # Make room at 3, then put in an entry that copies its neighbour's hashes.
    sql(f"UPDATE {ENTRIES} SET sequence = sequence + 1000 WHERE sequence >= 3")
    sql(f"UPDATE {ENTRIES} SET sequence = sequence - 999 WHERE sequence >= 1000")
    sql(
        f"INSERT INTO {ENTRIES} (sequence, at, actor_kind, actor_id, actor_agency, category, "
        "event, object_refs, reason, prev_hash, leaf_hash) "
        f"SELECT 3, at, actor_kind, 'pol-0001', actor_agency, category, event, object_refs, "
        f"reason, prev_hash, leaf_hash FROM {ENTRIES} WHERE sequence = 2"
    )
    assert first_bad() == (ProblemKind.ALTERED, 3)


def test_two_entries_reordered(log: int) -> None:
    sql(f"UPDATE {ENTRIES} SET sequence = -1 WHERE sequence = 7")
    sql(f"UPDATE {ENTRIES} SET sequence = 7 WHERE sequence = 8")
    sql(f"UPDATE {ENTRIES} SET sequence = 8 WHERE sequence = -1")
    assert first_bad() == (ProblemKind.ALTERED, 7)


def test_an_altered_stored_hash(log: int) -> None:
    sql(f"UPDATE {ENTRIES} SET leaf_hash = %s WHERE sequence = 0", ["0" * 64])
    assert first_bad() == (ProblemKind.ALTERED, 0)


def rewrite_chain() -> None:
    """Recomputes every hash as a careful attacker would, after their change."""
    prev = "0" * 64
    for position, row in enumerate(list(selectors.audit_entries())):
        fields = (position, *row[1:9], prev)
        leaf = leaf_hash(canonical_bytes(*fields)).hex()
        sql(
            f"UPDATE {ENTRIES} SET sequence = %s, prev_hash = %s, leaf_hash = %s "
            "WHERE sequence = %s",
            [position, prev, leaf, row.seq],
        )
        prev = leaf


def test_a_signed_head_fails_after_a_deletion_even_with_the_chain_rewritten(log: int) -> None:
    sql(f"DELETE FROM {ENTRIES} WHERE sequence = 2")
    rewrite_chain()
    assert first_bad() == (ProblemKind.HEAD_MISMATCH, 0)
    with pytest.raises(AuditIntegrityError):
        audit_checkpoint()  # refuses to sign over the rewritten log


def test_entries_cut_from_the_end_fail_the_signed_head(log: int) -> None:
    sql(f"DELETE FROM {ENTRIES} WHERE sequence >= 8")
    assert first_bad() == (ProblemKind.TRUNCATED, 8)


def test_a_head_signed_with_another_key_is_refused(log: int, audit_key: Path) -> None:
    audit_key.unlink()  # a new key appears; the stored head was not signed with it
    assert first_bad()[0] is ProblemKind.HEAD_SIGNATURE


APPENDER = """
import django, sys
django.setup()
from vigil.core.audit import Actor, Category, Event, ObjectKind, ObjectRef
from vigil.web.audit.services import audit_record
for i in range(15):
    audit_record(actor=Actor.user("user-" + sys.argv[1], agency="police"),
                 category=Category.CONSULTATION, event=Event.VIEW,
                 objects=[ObjectRef(ObjectKind.RECORD, "r-%d" % i)], reason="check")
"""


def test_concurrent_appends_take_turns(tmp_path: Path) -> None:
    if connection.vendor == "postgresql":
        appended = _append_from_threads()
        result = audit_verify()
    else:
        # The test database is in memory; writers in other processes need a file.
        appended, result = _append_from_processes(tmp_path)
    assert result.ok, result.problem
    assert result.entries == appended


def _append_from_threads() -> int:
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for i in range(10):
                view(f"r-{worker}-{i}", user=f"user-{worker}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    return 40


def _append_from_processes(home: Path) -> tuple[int, Verification]:
    env = {**os.environ, "VIGIL_HOME": str(home), "DJANGO_SETTINGS_MODULE": "vigil.web.settings"}
    env.pop("DATABASE_URL", None)
    vigil = [sys.executable, "-m", "vigil"]
    subprocess.run([*vigil, "migrate"], env=env, check=True, capture_output=True)
    workers = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(w)], env=env) for w in range(3)
    ]
    assert all(worker.wait(timeout=120) == 0 for worker in workers)
    done = subprocess.run(
        [*vigil, "audit", "verify", "--json"], env=env, capture_output=True, check=False
    )
    report = json.loads(done.stdout)
    problem = report["problem"]
    return 45, Verification(
        report["entries"],
        report["heads"],
        report["root"],
        None if problem is None else Problem(ProblemKind(problem["kind"]), None, problem["detail"]),
    )

"""Audit verification benchmark: a million entries in a fresh SQLite store, then verify.

Writes the entries in large batches (one transaction each, not a million), has
`vigil audit checkpoint` sign a head over them, then times `vigil audit verify`
in its own process and prints entries per second, seconds and its peak memory.

    .venv/bin/python bench/audit.py [--entries 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BATCH = 50_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="vigil-audit-bench-"))
    env = {**os.environ, "VIGIL_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    env.pop("VIGIL_AUDIT_KEY", None)
    vigil = [sys.executable, "-m", "vigil"]
    try:
        subprocess.run([*vigil, "migrate"], env=env, check=True, capture_output=True)
        started = time.monotonic()
        write_entries(home, args.entries)
        print(f"wrote {args.entries:,} entries in {time.monotonic() - started:.1f} s")

        started = time.monotonic()
        subprocess.run([*vigil, "audit", "checkpoint"], env=env, check=True, capture_output=True)
        print(f"checkpoint (verify, then sign): {time.monotonic() - started:.1f} s")

        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        done = subprocess.run(
            [*vigil, "audit", "verify", "--json"], env=env, check=True, capture_output=True
        )
        wall = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        report = json.loads(done.stdout)
        assert report["ok"] and report["entries"] == args.entries, report
        print(
            f"verify: {report['entries']:,} entries and {report['heads']} signed head in "
            f"{report['seconds']:.1f} s ({report['entries'] / report['seconds']:,.0f} entries/s); "
            f"{wall:.1f} s with process start-up; peak memory "
            f"{max(peak, before) / 1024:,.0f} MiB"
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)


def write_entries(home: Path, count: int) -> None:
    """Appends `count` chained entries with raw multi-row inserts, in batches."""
    os.environ["VIGIL_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from vigil.core.audit import (
        GENESIS_PREV,
        Actor,
        Category,
        Event,
        ObjectKind,
        ObjectRef,
        new_entry,
    )
    from vigil.web.audit.models import AuditEntry

    columns = (
        "sequence, at, actor_kind, actor_id, actor_agency, category, event, object_refs, "
        "reason, prev_hash, leaf_hash"
    )
    sql = f"INSERT INTO {AuditEntry._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * 11)})"
    actors = [Actor.user(f"pol-{i:04d}", agency="police") for i in range(50)]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    prev = GENESIS_PREV
    for first in range(0, count, BATCH):
        rows = []
        for seq in range(first, min(first + BATCH, count)):
            row = new_entry(
                seq=seq,
                at=start + timedelta(seconds=seq),
                actor=actors[seq % 50],
                category=Category.CONSULTATION,
                event=Event.VIEW,
                objects=[ObjectRef(ObjectKind.RECORD, f"rec-{seq % 100_000}")],
                reason="case review",
                prev=prev,
            )
            rows.append(row)
            prev = row.leaf
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)


if __name__ == "__main__":
    main()

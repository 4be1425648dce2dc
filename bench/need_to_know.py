"""Need-to-know benchmark: what filtering by the reader's grants costs search and counts.

Loads a town into a fresh SQLite store (or PostgreSQL with --database-url),
then for readers of three kinds (an analyst of one agency, an auditor who reads
every record that is not restricted, and the unfiltered command line) times
the home page's counts and a few searches, and prints the median of the runs.

    .venv/bin/python bench/need_to_know.py [--scale 20] [--seed 1] [--database-url URL]

The generated town is kept under bench/out/ and shared with bench/ingest.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    os.environ["VIGIL_HOME"] = tempfile.mkdtemp(prefix="vigil-bench-ntk-")
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(HERE))
    from ingest import generate

    town = HERE / "out" / f"town-seed{args.seed}-scale{args.scale:g}"
    generate(town, args.seed, args.scale)

    from vigil.commands.database import open_store

    open_store()
    from vigil.web.accounts.services import user_create
    from vigil.web.records import selectors
    from vigil.web.records.models import Mention, Record
    from vigil.web.records.search import SearchKind, mention_search
    from vigil.web.records.services import bundle_ingest

    started = time.monotonic()
    bundle_ingest(path=town / "bundle")
    print(f"loaded {Record.objects.count():,} records in {time.monotonic() - started:,.0f} s")
    password = "a long enough benchmark passphrase"
    readers = {
        "police analyst": user_create(
            email="a@police.example", password=password, agency="police", role="analyst"
        ).user,
        "auditor": user_create(
            email="b@inquiry.example", password=password, agency="inquiry", role="auditor"
        ).user,
    }
    # Values the town holds: a plate with its last two characters unknown, a
    # postcode's outward code, and a full name.
    mentions = Mention.objects.order_by("id")
    plate = mentions.filter(vrm__isnull=False).values_list("vrm", flat=True).first() or "AB12"
    postcode = mentions.filter(postcode__isnull=False).values_list("postcode", flat=True).first()
    name = mentions.filter(name__contains=" ").values_list("name", flat=True).first() or "A B"
    searches = [
        (SearchKind.VRM, plate.replace(" ", "")[:-2] + "??"),
        (SearchKind.NAME, name),
        (SearchKind.POSTCODE, (postcode or "S60").split()[0]),
    ]
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"Need-to-know benchmark: seed {args.seed}, scale {args.scale:g}, {engine}, "
        f"{os.cpu_count()} cores, median of {RUNS} runs"
    )
    for label, user in [*readers.items(), ("command line (no filter)", None)]:
        print(f"-- {label}")
        summary = selectors.store_summary(user=user)
        timing = median(lambda: selectors.store_summary(user=user))  # noqa: B023
        count = summary["totals"]["records"]
        print(f"   every count (vigil summary): {count:>9,} records  {timing:>8.1f} ms")
        if user is None:
            continue
        timing = median(lambda: selectors.readable_summary(user=user))  # noqa: B023
        print(f"   home page counts:            {count:>9,} records  {timing:>8.1f} ms")
        for kind, query in searches:
            found = mention_search(kind=kind, query=query, user=user)
            timing = median(lambda: mention_search(kind=kind, query=query, user=user))  # noqa: B023
            hits = len(found.hits)
            print(f"   search {kind.value:8} {query!r:14} {hits:>6,} hits  {timing:>8.1f} ms")


def median(call: Callable[[], object]) -> float:
    """The median wall time of `RUNS` calls, in milliseconds."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()

"""Ingest benchmark: a scale-300 town (about a million records) into a fresh store.

Prints records per second (the records file alone, and the whole bundle) and
the ingest process's peak memory. Run it with `make bench` or:

    .venv/bin/python bench/ingest.py [--scale 300] [--seed 1] [--database-url URL]

The generated town is kept under bench/out/ and reused when seed and scale match.
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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL (default: a fresh SQLite file)"
    )
    args = parser.parse_args()

    town = HERE / "out" / f"town-seed{args.seed}-scale{args.scale:g}"
    generate(town, args.seed, args.scale)
    bundle = town / "bundle"
    size = sum(f.stat().st_size for f in bundle.iterdir())

    home = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    env = {**os.environ, "VIGIL_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    try:
        vigil = [sys.executable, "-m", "vigil"]
        subprocess.run([*vigil, "migrate"], env=env, check=True, capture_output=True)
        first = timed_ingest(vigil, bundle, env)
        again = timed_ingest(vigil, bundle, env)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"Ingest benchmark: seed {args.seed}, scale {args.scale:g}, {engine}, "
        f"{os.cpu_count()} cores"
    )
    print(f"bundle: {size / 1e6:,.0f} MB")
    for label, (report, wall, cpu, load) in (("first load", first), ("same bundle again", again)):
        counts = report["counts"]
        lines = sum(c["read"] for c in counts.values())
        records = counts["records"]
        print(
            f"-- {label}: {wall:,.1f} s wall, {cpu:,.1f} CPU s (ingest process), "
            f"load average {load[0]:.1f} / {load[1]:.1f}, status {report['status']}"
        )
        for kind, c in counts.items():
            rate = c["read"] / c["seconds"] if c["seconds"] else 0
            print(
                f"   {kind:8} {c['read']:>10,} lines  new {c['new']:>10,}  "
                f"unchanged {c['unchanged']:>10,}  {c['seconds']:>7.1f} s  {rate:>9,.0f} lines/s"
            )
        print(f"   records/s (records file):   {records['read'] / records['seconds']:,.0f}")
        print(f"   records/s (whole run):      {records['read'] / wall:,.0f}")
        print(f"   lines/s   (whole bundle):   {lines / wall:,.0f}")
    print(f"peak memory of an ingest process: {peak_mb:,.0f} MB")


def generate(town: Path, seed: int, scale: float) -> None:
    if (town / "truth.json").exists():
        print(f"reusing {town}")
        return
    from vigil.core.scenario import generate as generate_town

    started = time.monotonic()
    summary = generate_town(town, seed=seed, scale=scale)
    print(f"generated {summary.records:,} records in {time.monotonic() - started:,.0f} s")


def timed_ingest(
    vigil: list[str], bundle: Path, env: dict[str, str]
) -> tuple[dict[str, Any], float, float, tuple[float, float, float]]:
    """The run's report, wall seconds, CPU seconds and the load average at its end.

    The database server's own CPU is not counted: on a shared machine the wall
    time says little without the client's CPU and the load beside it.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [*vigil, "ingest", str(bundle), "--json", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode not in (0, 1):
        sys.exit(f"ingest failed ({done.returncode}): {done.stderr}")
    return json.loads(done.stdout), wall, cpu, os.getloadavg()


if __name__ == "__main__":
    main()

"""Detection benchmark: monthly replay over 2000-2016, scored against scenario truth.

For each seed and scale, generates a town (kept under bench/out/), ingests it
into a fresh temporary SQLite store (`python -m vigil ingest`), replays
linkage and detection monthly over 2000-2016 as `vigil replay` does (in a
child process on that store), and prints network recall, alert precision,
alerts on decoys and decoys in high-priority alerts, the median lead time
from each network's second independent concern to its first alert (the
replay step it was first raised at) and replay wall time.

    .venv/bin/python bench/detect.py [--seeds 1 2 3 4 5] [--scales 1 10] [--relink-every 12]
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

REPLAY = """
import pickle, sys, time
from datetime import date
from vigil.commands.database import open_store
open_store()
from vigil.web.alerts import services
started = time.monotonic()
run = services.alerts_replay(
    start=date(2000, 1, 1), end=date(2016, 12, 31), every="month", relink_every={relink}
)
wall = time.monotonic() - started
sys.stdout.buffer.write(pickle.dumps((run.result, run.link_seconds, run.detect_seconds, wall)))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--relink-every", type=int, default=12)
    args = parser.parse_args()
    print(
        f"{'seed':>4} {'scale':>5} {'recall':>6} {'precision':>9} {'alerts':>6} "
        f"{'on decoys':>9} {'decoys hi':>9} {'lead d':>6} {'replay s':>8} "
        f"{'link s':>7} {'detect s':>8}",
        flush=True,
    )
    for scale in args.scales:
        for seed in args.seeds:
            run(seed, scale, args.relink_every)


def run(seed: int, scale: float, relink_every: int) -> None:
    from vigil.core.detect import load_config
    from vigil.core.detect.evaluate import score_alerts
    from vigil.core.scenario import generate
    from vigil.core.scenario.truth import read_truth

    town = HERE / "out" / f"town-{seed}-{scale:g}"
    if not (town / "truth.json").exists():
        generate(town, seed=seed, scale=scale)
    home = Path(tempfile.mkdtemp(prefix="vigil-bench-detect-"))
    env = {**os.environ, "VIGIL_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    try:
        ingest = subprocess.run(
            [sys.executable, "-m", "vigil", "ingest", str(town / "bundle"), "--quiet"],
            env=env,
            capture_output=True,
            text=True,
        )
        if ingest.returncode != 0:
            sys.exit(f"ingest failed ({ingest.returncode}): {ingest.stderr}")
        replayed = subprocess.run(
            [sys.executable, "-c", REPLAY.format(relink=relink_every)],
            env=env,
            capture_output=True,
        )
        if replayed.returncode != 0:
            sys.exit(f"replay failed: {replayed.stderr.decode()[-2000:]}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    # Only the core result crosses: our own child process wrote it.
    result, link_seconds, detect_seconds, wall = pickle.loads(replayed.stdout)
    scores = score_alerts(
        result.alerts,
        read_truth(town / "truth.json"),
        result.entity_of,
        high=load_config().priority.high,
        raised_at=result.raised_at,
    )
    lead = "-" if scores.median_lead_days is None else f"{scores.median_lead_days:g}"
    print(
        f"{seed:>4} {scale:>5g} {scores.network_recall:>6.2f} {scores.alert_precision:>9.3f} "
        f"{scores.alerts:>6} {scores.alerts_on_decoys:>9} {scores.decoys_in_high_priority:>9} "
        f"{lead:>6} {wall:>8.1f} {link_seconds:>7.1f} {detect_seconds:>8.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()

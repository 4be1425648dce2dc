"""Detection benchmark: replay over 2000-2016, scored against scenario truth.

For each seed and scale, generates a town (kept under bench/out/), replays
linkage and detection month by month (or week by week, `--every week`) over
2000-2016 as `vigil replay` does, and prints network recall, alert precision,
alerts on decoys and decoys in high-priority alerts, the median lead time from
each network's second independent concern to its first alert, the replay's
wall time with its linkage (`full s` of it in full links) and detection parts,
its CPU time (user and system, all threads: on a busy machine the fairer
figure), and how many steps linked in full. Lines per scale give the mean and
the pooled leads.

How an alert is dated for the lead time. Replay only looks at the end of each
step, so an alert whose last piece of evidence was recorded on the 2nd of a
month is seen on the 31st; a live system, detecting after every ingest, would
have raised it on the 2nd. And an alert's key is its rule and subject's entity
id: a later full link that changes who a person's mentions include gives them
a new id, so the alert standing at the end may carry a later `raised_at` than
the one users were first shown about the same man. Three lead columns:

- `lead d` (as before): a network's first alert among the alerts standing at
  the last step, dated at the step that first raised its key.
- `lead ev`: the first alert ever raised whose subject (its subject's mentions
  when raised, by truth's majority) is a member of a network found at the end,
  dated at the step that raised it: what users were shown, up to a step late.
  `prec ev` is the precision of every alert ever raised, withdrawn ones too,
  so that counting them cannot hide a false alert.
- `lead>=`: as `lead ev`, but each alert dated at the later of its trigger
  (when its last piece of evidence was recorded, as first raised) and the end
  of the step before, at which it had not fired: a lower bound. It assumes
  linkage in between would have joined what the step's linkage joined; nothing
  later than the step it was raised at is used (`ReplayResult.soonest_raised`).

`--every week` narrows the gap between `lead ev` and `lead>=` (4.3 times the steps;
at scale 1 about 1.5 times the CPU).
Truth's "second independent concern" is the first concern record held by a
second agency, whoever it names (a school's attendance note, a missing
episode that names only the child). `lead man` is `lead ev` measured instead
from the second independent concern "about the same man, car or flat", in the
detection issue's own words: the network's records that name one of its
adults, vehicles, phones, flats or businesses, the first of them and then the
first held by another agency (`second_concern_about_the_men`). Each scale ends
with a `mean` line (of the seeds' figures) and a `pool` line: each lead's median
over every network of every seed run, which a seed's few networks cannot swing.

By default the replay reads the bundle directly (the same records the store's
snapshot gives, without the ingest); `--store` ingests each town into a fresh
temporary SQLite store and replays through `vigil replay`'s service instead.
`--true-entities` links every mention to its true entity (from truth.json)
instead of running linkage, to time detection alone. `--from-scratch` detects
from scratch at every step rather than carrying the evidence (the slow path,
for comparison). Each replay runs in a child process of its own.

    .venv/bin/python bench/detect.py [--seeds 1 2 3 4 5] [--scales 1 10] [--every month]
        [--relink-every 24] [--relink-growth 2] [--store] [--true-entities] [--from-scratch]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
START, END = "2000-01-01", "2016-12-31"

FROM_BUNDLE = """
import pickle, sys, time
from datetime import date
from pathlib import Path
from vigil.core.detect import detect, read_bundle_inputs
from vigil.core.detect.replay import ReplayData, replay, replay_steps
from vigil.core.linkage import read_bundle
from vigil.core.scenario.truth import read_truth

folder = Path({folder!r})
started, cpu = time.monotonic(), time.process_time()
mentions, links = read_bundle(folder)
unlinked = read_bundle_inputs(folder, {{}})
data = ReplayData(mentions, links, unlinked.records, unlinked.actions)
steps = replay_steps(date.fromisoformat({start!r}), date.fromisoformat({end!r}), {every!r})
options = {{}}
if {true_entities!r}:
    truth = {{
        (m["record_id"], m["ref"]): m["entity_id"]
        for m in read_truth(folder.parent / "truth.json")["mentions"]
    }}
    options["link"] = lambda mentions, links, previous: {{
        key: truth[key]
        for key in zip(mentions.column("record_id").to_pylist(), mentions.column("ref").to_pylist())
    }}
if {from_scratch!r}:
    options["detect"] = lambda known, at: detect(known, as_of=at)
result = replay(data, steps, relink_every={relink}, relink_growth={growth}, **options)
wall = time.monotonic() - started
Path(sys.argv[1]).write_bytes(pickle.dumps((result, wall, time.process_time() - cpu)))
"""

FROM_STORE = """
import pickle, sys, time
from datetime import date
from vigil.commands.database import open_store
from pathlib import Path
open_store()
from vigil.web.alerts import services
started, cpu = time.monotonic(), time.process_time()
run = services.alerts_replay(
    start=date.fromisoformat({start!r}), end=date.fromisoformat({end!r}), every={every!r},
    relink_every={relink}
)
wall = time.monotonic() - started
Path(sys.argv[1]).write_bytes(pickle.dumps((run.result, wall, time.process_time() - cpu)))
"""

COLUMNS = (
    ("seed", 4, "d"),
    ("scale", 5, "g"),
    ("records", 7, "d"),
    ("recall", 6, ".2f"),
    ("precision", 9, ".3f"),
    ("alerts", 6, "d"),
    ("on decoys", 9, "d"),
    ("decoys hi", 9, "d"),
    ("lead d", 6, "g"),
    ("lead ev", 7, "g"),
    ("lead>=", 6, "g"),
    ("lead man", 8, "g"),
    ("prec ev", 7, ".3f"),
    ("replay s", 8, ".1f"),
    ("cpu s", 7, ".1f"),
    ("link s", 7, ".1f"),
    ("full s", 6, ".1f"),
    ("detect s", 8, ".1f"),
    ("full", 4, "d"),
)


LEAD_COLUMNS = ("lead d", "lead ev", "lead>=", "lead man")
LEADS = "leads"  # a row's per-network leads, by lead column


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument(
        "--every", choices=("month", "week"), default="month", help="replay step (month)"
    )
    parser.add_argument(
        "--relink-every", type=int, default=24, help="link in full every this many steps"
    )
    parser.add_argument(
        "--relink-growth",
        type=float,
        default=2.0,
        help="and whenever the known mentions have grown this many times over",
    )
    parser.add_argument("--store", action="store_true", help="ingest and replay via the store")
    parser.add_argument(
        "--true-entities", action="store_true", help="link by the truth: time detection alone"
    )
    parser.add_argument(
        "--from-scratch", action="store_true", help="detect from scratch at every step"
    )
    args = parser.parse_args()
    if args.store and (args.true_entities or args.from_scratch):
        parser.error("--true-entities and --from-scratch read the bundle, not the store")
    print(" ".join(f"{name:>{width}}" for name, width, _ in COLUMNS), flush=True)
    for scale in args.scales:
        rows = [
            run(
                seed,
                scale,
                args.relink_every,
                args.relink_growth,
                every=args.every,
                store=args.store,
                true_entities=args.true_entities,
                from_scratch=args.from_scratch,
            )
            for seed in args.seeds
        ]
        mean = {
            name: statistics.fmean(r[name] for r in rows if r[name] is not None)
            if any(r[name] is not None for r in rows)
            else None
            for name, _, _ in COLUMNS[2:]
        }
        print(_line({"seed": "mean", "scale": scale, **mean}), flush=True)
        # The median over every network of every seed: a seed's median rests on a few networks.
        pooled = {
            name: statistics.median(leads)
            if (leads := [d for r in rows for d in r[LEADS][name]])
            else None
            for name in LEAD_COLUMNS
        }
        print(_line({"seed": "pool", "scale": scale, **pooled}), flush=True)


def run(
    seed: int,
    scale: float,
    relink_every: int,
    growth: float,
    *,
    every: str = "month",
    store: bool,
    true_entities: bool = False,
    from_scratch: bool = False,
) -> dict[str, Any]:
    """Replays and scores one town; prints and returns its row."""
    from vigil.core.detect import load_config
    from vigil.core.detect.evaluate import score_alerts, second_concern_about_the_men
    from vigil.core.scenario import generate
    from vigil.core.scenario.truth import read_truth

    town = HERE / "out" / f"town-{seed}-{scale:g}"
    if not (town / "truth.json").exists():
        generate(town, seed=seed, scale=scale)
    if store:
        result, wall, cpu = _via_store(town, relink_every, every)
    else:
        script = FROM_BUNDLE.format(
            folder=str(town / "bundle"),
            start=START,
            end=END,
            every=every,
            relink=relink_every,
            growth=growth,
            true_entities=true_entities,
            from_scratch=from_scratch,
        )
        result, wall, cpu = _child([sys.executable, "-c", script], dict(os.environ))
    truth = read_truth(town / "truth.json")
    high = load_config().priority.high
    # Every score reads the same alerts, truth and linkage; they differ in when an
    # alert counts as raised and from which concern the lead is measured.
    score = partial(score_alerts, result.alerts, truth, result.entity_of, high=high)
    scores = score(raised_at=result.raised_at)
    ever = score(raised_at=result.raised_at, ever_raised=result.subject_mentions)
    soonest = score(raised_at=result.soonest_raised(), ever_raised=result.subject_mentions)
    with (town / "bundle" / "records.jsonl").open(encoding="utf-8") as lines:
        about_the_men = second_concern_about_the_men(truth, (json.loads(line) for line in lines))
    by_the_men = score(
        raised_at=result.raised_at,
        ever_raised=result.subject_mentions,
        second_concern=about_the_men,
    )
    row = {
        "seed": seed,
        "scale": scale,
        "records": result.steps[-1].records,
        "recall": scores.network_recall,
        "precision": scores.alert_precision,
        "alerts": scores.alerts,
        "on decoys": scores.alerts_on_decoys,
        "decoys hi": scores.decoys_in_high_priority,
        "lead d": scores.median_lead_days,
        "lead ev": ever.median_lead_days,
        "lead>=": soonest.median_lead_days,
        "lead man": by_the_men.median_lead_days,
        "prec ev": ever.raised_precision,
        "replay s": wall,
        "cpu s": cpu,
        "link s": sum(s.link_seconds for s in result.steps),
        "full s": sum(s.link_seconds for s in result.steps if s.full_link),
        "detect s": sum(s.detect_seconds for s in result.steps),
        "full": sum(s.full_link for s in result.steps),
    }
    leads = {
        "lead d": scores.lead_days,
        "lead ev": ever.lead_days,
        "lead>=": soonest.lead_days,
        "lead man": by_the_men.lead_days,
    }
    print(_line(row), flush=True)
    return {**row, LEADS: leads}


def _via_store(town: Path, relink_every: int, every: str) -> tuple[Any, float, float]:
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
        script = FROM_STORE.format(start=START, end=END, every=every, relink=relink_every)
        return _child([sys.executable, "-c", script], env)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _child(command: list[str], env: dict[str, str]) -> tuple[Any, float, float]:
    # The result goes to a file of its own: libraries may print to stdout.
    with tempfile.TemporaryDirectory(prefix="vigil-bench-detect-") as folder:
        out = Path(folder) / "result.pickle"
        replayed = subprocess.run([*command, str(out)], env=env, capture_output=True)
        if replayed.returncode != 0:
            sys.exit(f"replay failed: {replayed.stderr.decode()[-2000:]}")
        # Only the core result crosses: our own child process wrote it.
        result, wall, cpu = pickle.loads(out.read_bytes())
    return result, wall, cpu


def _line(row: dict[str, Any]) -> str:
    cells = []
    for name, width, form in COLUMNS:
        value = row.get(name)
        if value is None:
            text = "-"
        elif isinstance(value, str):
            text = value
        elif form == "d" and isinstance(value, float) and not value.is_integer():
            text = f"{value:.1f}"  # a mean
        else:
            text = format(int(value) if form == "d" else value, form)
        cells.append(f"{text:>{width}}")
    return " ".join(cells)


if __name__ == "__main__":
    main()

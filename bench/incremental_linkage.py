"""Incremental linking against a full re-link: how close, and how much work it saves.

A synthetic town is split in two at the median recorded date. The first half
is linked in full (training the person model); then all of it is linked
twice: incrementally from the first half's result and kept model, and in
full. Printed: pairwise precision, recall and F1 of the incremental result
measured against the full re-link (people, and every entity type), the share
of first-half mentions keeping their entity id, the work done, and wall
times. The machine may be shared: times are indicative only.

    .venv/bin/python bench/incremental_linkage.py [--scale 1] [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from vigil.core.linkage import Resolution, pairwise, read_bundle, resolve
from vigil.core.linkage.incremental import Previous
from vigil.core.scenario import generate


def _assignment(resolution: Resolution, entity_type: str | None) -> dict[tuple[str, str], str]:
    m = resolution.memberships
    return {
        (record_id, ref): entity_id
        for record_id, ref, entity_id, kind in zip(
            m.column("record_id").to_pylist(),
            m.column("ref").to_pylist(),
            m.column("entity_id").to_pylist(),
            m.column("type").to_pylist(),
            strict=True,
        )
        if entity_type is None or kind == entity_type
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        generate(folder, seed=args.seed, scale=args.scale)
        mentions, links = read_bundle(folder / "bundle")
        middle = pc.quantile(pc.cast(mentions.column("recorded_at"), pa.int64()), q=0.5)[0]
        cut = datetime.fromtimestamp(middle.as_py() / 1e6, UTC)
        early, early_links = read_bundle(folder / "bundle", as_of=cut)
    started = time.monotonic()
    first = resolve(early, early_links)
    first_s = time.monotonic() - started
    before = _assignment(first, None)
    assert first.model is not None, "too few people to train the model on: raise --scale"
    started = time.monotonic()
    incremental = resolve(mentions, links, since=Previous(before, {}, first.model))
    incremental_s = time.monotonic() - started
    started = time.monotonic()
    full = resolve(mentions, links, previous=before)
    full_s = time.monotonic() - started
    print(
        f"scale {args.scale:g}, seed {args.seed}: {mentions.num_rows:,} mentions, "
        f"cut at {cut:%Y-%m-%d}"
    )
    for label, entity_type in (("people", "person"), ("all entities", None)):
        scores = pairwise(_assignment(incremental, entity_type), _assignment(full, entity_type))
        f1 = 2 * scores.precision * scores.recall / (scores.precision + scores.recall)
        print(
            f"  incremental vs full, {label}: pairwise P {scores.precision:.4f} "
            f"R {scores.recall:.4f} F1 {f1:.4f}"
        )
    after = _assignment(incremental, None)
    kept = sum(1 for key, entity_id in before.items() if after[key] == entity_id)
    print(f"  first-half mentions keeping their entity id: {kept / len(before):.4f}")
    print(f"  work: {dict(incremental.work)} (full: {dict(full.work)})")
    print(
        f"  wall: first half {first_s:.1f} s, incremental {incremental_s:.1f} s, "
        f"full re-link {full_s:.1f} s"
    )


if __name__ == "__main__":
    main()

"""Linkage benchmark (skeleton): person F1, wall time and peak memory on Vigil's own towns.

For each scale, generates a town (kept under bench/out/), resolves it with
Vigil's model with and without collective evidence, and prints pairwise and
B-cubed precision, recall and F1 of person entities against the town's truth,
with wall time and the process's peak memory so far.

    .venv/bin/python bench/linkage.py [--scales 1 10] [--seed 1]

Still to come (issue 3): a plain, honestly tuned Splink configuration as the
peer in the same run, FEBRL3/FEBRL4, and scale 300.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from vigil.core.linkage import PersonModelOptions, b_cubed, pairwise, read_bundle, resolve
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(
        f"{'scale':>6} {'config':<14} {'mentions':>9} {'pair P/R/F1':>22} "
        f"{'B3 F1':>6} {'seconds':>8} {'peak MB':>8}"
    )
    for scale in args.scales:
        town = HERE / "out" / f"town-{args.seed}-{scale:g}"
        if not (town / "truth.json").exists():
            generate(town, seed=args.seed, scale=scale)
        truth = {
            (m["record_id"], m["ref"]): m["entity_id"]
            for m in read_truth(town / "truth.json")["mentions"]
        }
        mentions, links = read_bundle(town / "bundle")
        for name, options in (
            ("vigil", PersonModelOptions(seed=args.seed)),
            ("no collective", PersonModelOptions(seed=args.seed, collective=False)),
        ):
            started = time.monotonic()
            resolution = resolve(mentions, links, options=options)
            seconds = time.monotonic() - started
            people = {
                (m["record_id"], m["ref"]): m["entity_id"]
                for m in resolution.memberships.to_pylist()
                if m["type"] == "person"
            }
            pairs, cubed = pairwise(people, truth), b_cubed(people, truth)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{scale:>6g} {name:<14} {len(people):>9,} "
                f"{pairs.precision:>6.3f}/{pairs.recall:.3f}/{pairs.f1:.3f} "
                f"{cubed.f1:>6.3f} {seconds:>8.1f} {peak:>8.0f}"
            )


if __name__ == "__main__":
    main()

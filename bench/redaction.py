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
are not identifiers (organisation names, towns, other dates, ages; Presidio's
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
splits the texts between two processes, one a core, the second started with the
redactor, outside the timings) and per second of processor time summed over every
process (MB/cpu-s: steadier on a shared, busy machine). Everything built before the
timings (redactors, texts) is frozen out of the garbage collector's reach, as in a
long-running service: a full collection walking it would otherwise land in a timing.

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
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from vigil.core.publish import KnownEntity, Redactor
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth

_FIELDS = ("name", "vrm", "phone", "number", "address", "postcode", "dob", "email")
# Generalisations, not direct identifiers: neither credited nor charged in precision.
_NOT_DIRECT = {"organisation", "place", "date", "age", "DATE_TIME", "URL", "NRP", "LOCATION"}
# Takes every text at once (Vigil searches them in one pass), gives each one's spans.
Spans = list[list[tuple[int, int, str]]]
Finder = Callable[[list[str]], Spans]


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


def _spans(redactor: Redactor, texts: list[str]) -> Spans:
    return [[(s.start, s.end, s.kind) for s in spans] for spans in redactor.spans_many(texts)]


def vigil_finder(entities: list[KnownEntity], workers: int) -> Finder:
    """Vigil over the texts in `workers` processes, each taking a slice of the texts.

    The slices are of about equal size in characters; this process takes the
    first. The others are started once, here, as a service would start them with
    its store's redactor: forked once the redactor is built, so they share its
    memory, each is then sent only its slice of the texts and sends back only
    spans, with the processor time it took.
    """
    redactor = Redactor(entities, ner=False)
    if workers == 1:
        return lambda texts: _spans(redactor, texts)
    # What is built now lives as long as the process: frozen, the collector leaves
    # it alone, so forked workers share its pages instead of copying them.
    gc.collect()
    gc.freeze()
    context = multiprocessing.get_context("fork")
    pipes = []
    for _ in range(workers - 1):
        ours, theirs = context.Pipe()
        context.Process(target=_serve, args=(redactor, theirs), daemon=True).start()
        theirs.close()
        pipes.append(ours)

    def find(texts: list[str]) -> Spans:
        global _WORKER_CPU
        chunks = _slices(texts, workers)
        for pipe, chunk in zip(pipes, chunks[1:], strict=True):
            pipe.send(chunk)
        found = _spans(redactor, chunks[0])
        for pipe in pipes:
            part, cpu = pipe.recv()
            _WORKER_CPU += cpu
            found.extend(part)
        return found

    return find


_WORKER_CPU = 0.0  # processor seconds the running workers have reported


def _serve(redactor: Redactor, pipe: Connection) -> None:
    """A worker: finds the spans of each slice of texts it is sent, until sent None."""
    while (texts := pipe.recv()) is not None:
        started = time.process_time()
        found = _spans(redactor, texts)
        pipe.send((found, time.process_time() - started))


def _slices(texts: list[str], parts: int) -> list[list[str]]:
    """Consecutive slices of about equal total length."""
    total = sum(map(len, texts)) or 1
    slices: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for text in texts:
        slices[min(parts - 1, done * parts // total)].append(text)
        done += len(text)
    return slices


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
    """Processor time of this process and of its workers."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime + _WORKER_CPU


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
    # Everything built so far lives as long as the process: the collector leaves it
    # alone from now on (a full collection would walk it all, in the timings).
    gc.collect()
    gc.freeze()
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

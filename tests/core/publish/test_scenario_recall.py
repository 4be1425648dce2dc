"""Recall on the synthetic town's narratives, labelled from each record's mentions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from vigil.core.publish import Redactor
from vigil.core.scenario import generate

BENCH = Path(__file__).resolve().parents[3] / "bench" / "redaction.py"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_redaction", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_labelled_identifier_is_redacted_at_scale_0_2(tmp_path: Path) -> None:
    bench = _bench()
    generate(tmp_path, seed=3, scale=0.2)
    labelled = bench.labelled_texts(tmp_path)
    redactor = Redactor(bench.known_entities(tmp_path), ner=False)
    missed = []
    total = 0
    for (text, spans, _), found in zip(
        labelled, redactor.spans_many([t for t, _, _ in labelled]), strict=True
    ):
        covered = {i for s in found for i in range(s.start, s.end)}
        for start, end in spans:
            total += 1
            if any(i not in covered for i in range(start, end) if not text[i].isspace()):
                missed.append(text[start:end])
    assert total > 500
    assert missed == []

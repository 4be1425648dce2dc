"""An optional statistical named-entity model (spaCy), used only when one is installed.

Nothing is ever downloaded: when spaCy or every model is missing, there is no
model and redaction relies on known identifiers and patterns alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from vigil.core.publish.spans import Span

NerModel = Callable[[str], list[Span]]
_LABELS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "FAC": "place"}


def load_ner(model: str | None = None) -> NerModel | None:
    """The installed spaCy model as a span finder, or None when none is installed.

    Args:
        model: A model package name; by default the first installed one.

    Returns:
        A function from text to person and organisation spans, or None.
    """
    try:
        spacy: Any = importlib.import_module("spacy")
    except ImportError:
        return None
    installed = list(spacy.util.get_installed_models())
    name = model if model in installed else (installed[0] if installed and model is None else None)
    if name is None:
        return None
    nlp = spacy.load(name, exclude=["parser", "lemmatizer", "tagger"])

    def find(text: str) -> list[Span]:
        return [
            Span(e.start_char, e.end_char, _LABELS[e.label_], key=e.text.lower(), source="ner")
            for e in nlp(text).ents
            if _LABELS.get(e.label_) in {"person", "organisation"}
        ]

    return find

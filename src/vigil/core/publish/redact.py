"""The redaction engine: known identifiers, UK patterns and (optionally) a model, merged."""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate

from vigil.core.publish.known import KnownEntity, KnownMatcher, fold
from vigil.core.publish.ner import NerModel, load_ner
from vigil.core.publish.pseudonyms import KeyEntry, Pseudonyms
from vigil.core.publish.recognisers import recognise
from vigil.core.publish.spans import Span, merge

# Between texts searched together: no pattern matches a NUL, so none crosses it.
_SEPARATOR = "\n\x00\n"
# A capitalised word after a known forename is taken for its surname; a word in
# capitals and a comma before one, for a surname written first.
_NEXT_WORD = re.compile(r"[ \t]+([A-Z][a-z'\-]+|[A-Z]{2,})\b")
_SURNAME_BEFORE = re.compile(r"\b([A-Z][A-Z'\-]+),[ \t]*$")


@dataclass(frozen=True, slots=True)
class Redaction:
    """A redacted text and what it took out.

    Attributes:
        text: The text with every span replaced.
        spans: What was replaced, in the original text's offsets.
        key: Pseudonym to entity: keep it apart from the text, sealed.
    """

    text: str
    spans: tuple[Span, ...]
    key: tuple[KeyEntry, ...]


class Redactor:
    """Finds and replaces identifiers; build once, then redact many documents.

    Args:
        entities: What the store knows (every name, plate, phone, address...).
        ner: True to require a statistical model, False for none, None to use
            one only if installed.
    """

    def __init__(self, entities: Iterable[KnownEntity] = (), *, ner: bool | None = None) -> None:
        self.matcher = KnownMatcher.build(entities)
        self.ner: NerModel | None = None if ner is False else load_ner()
        if ner is True and self.ner is None:
            raise RuntimeError("no spaCy model is installed (none is ever downloaded)")

    def spans(self, text: str, folded: str | None = None) -> list[Span]:
        """Every identifier in a text, overlaps merged, in text order.

        Args:
            text: Any text.
            folded: `known.fold(text)`, when the caller has it already.

        Returns:
            Disjoint spans, each labelled by kind and, when known, entity.
        """
        with _no_collection():
            found = self.matcher.find(text, folded)
            found.extend(self._extend_names(text, found))
            for span in recognise(text):
                if span.kind in {"phone", "vehicle", "postcode"} and span.entity_id is None:
                    entity = self.matcher.entity_of(span.kind, span.key)
                    if entity is not None:
                        span = span._replace(entity_id=entity)
                found.append(span)
            if self.ner is not None:
                found.extend(self.ner(text))
            return merge(found)

    def spans_many(self, texts: list[str]) -> list[list[Span]]:
        """`spans` for many texts at once: one pass over them all, much faster for short ones.

        Args:
            texts: Texts, each searched on its own (no identifier crosses two).

        Returns:
            For each text, its spans in its own offsets.
        """
        with _no_collection():
            return self._spans_many(texts)

    def _spans_many(self, texts: list[str]) -> list[list[Span]]:
        joined = _SEPARATOR.join(texts)
        starts = list(accumulate((len(t) + len(_SEPARATOR) for t in texts[:-1]), initial=0))
        result: list[list[Span]] = [[] for _ in texts]
        index, last = 0, len(starts) - 1
        offset, limit = 0, len(texts[0]) if texts else 0
        make = tuple.__new__
        # Folded text by text: most are ASCII, folded far faster alone than within
        # a text that holds one accented letter somewhere.
        folded = fold(_SEPARATOR).join(fold(text) for text in texts)
        for span in self.spans(joined, folded):
            start = span[0]
            if index < last and start >= starts[index + 1]:
                index = bisect_right(starts, start) - 1
                offset, limit = starts[index], len(texts[index])
            end = min(span[1] - offset, limit)
            if start - offset < end:
                result[index].append(make(Span, (start - offset, end, *span[2:])))
        return result

    def redact(self, text: str, pseudonyms: Pseudonyms | None = None) -> Redaction:
        """Replaces every identifier in a text with a pseudonym or a generalisation.

        Args:
            text: The text.
            pseudonyms: Shared across the parts of one document, so a person
                keeps one pseudonym throughout; a new one by default.

        Returns:
            The redacted text, the spans and the key.
        """
        pseudonyms = pseudonyms or Pseudonyms(entities=self.matcher.entities)
        spans = self.spans(text)
        parts: list[str] = []
        last = 0
        for span in spans:
            parts.extend(
                (text[last : span.start], pseudonyms.replace(span, text[span.start : span.end]))
            )
            last = span.end
        parts.append(text[last:])
        return Redaction("".join(parts), tuple(spans), tuple(pseudonyms.key()))

    def pseudonyms(self) -> Pseudonyms:
        """A fresh set of pseudonyms for one document."""
        return Pseudonyms(entities=self.matcher.entities)

    def _extend_names(self, text: str, found: list[Span]) -> list[Span]:
        """Known forenames with an unknown surname beside them ("Kayleigh Smithe")."""
        extended: list[Span] = []
        for span in found:
            if span.kind != "person" or " " in text[span.start : span.end]:
                continue
            # Cheap tests first: most names have neither beside them.
            after = text[span.end + 1 : span.end + 2].isupper() and _NEXT_WORD.match(text, span.end)
            if after:
                extended.append(span._replace(end=after.end(1), source="pattern"))
            before = text[span.start - 2 : span.start - 1] == "," and _SURNAME_BEFORE.search(
                text, max(0, span.start - 40), span.start
            )
            if before:
                extended.append(span._replace(start=before.start(1), source="pattern"))
        return extended


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pauses the cyclic garbage collector while spans are found.

    Spans are tuples of strings and numbers, which form no cycles; left on, the
    collector would walk the automaton's hundreds of thousands of patterns
    again and again as the spans are made, for nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

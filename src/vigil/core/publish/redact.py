"""The redaction engine: known identifiers, UK patterns and (optionally) a model, merged."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, groupby

from vigil.core import collector
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
# Pattern kinds whose values the store may know, and so whose entity is looked up.
_OF_AN_ENTITY = frozenset({"phone", "vehicle", "postcode", "address"})
_BETWEEN_ADDRESS_AND_TOWN = frozenset({", ", ",", " "})


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
        with collector.paused():
            found = self.matcher.find(text, folded)
            found.extend(self._extend_names(text, found))
            for span in recognise(text):
                if span.kind in _OF_AN_ENTITY and span.entity_id is None:
                    entity = self.matcher.entity_of(span.kind, span.key)
                    if entity is not None:
                        # A known address is one place: keyed by its entity, as when known.
                        key = entity if span.kind == "address" else span.key
                        span = span._replace(entity_id=entity, key=key)
                found.append(span)
            if self.ner is not None:
                found.extend(self.ner(text))
            return _with_towns(text, merge(found))

    def spans_many(self, texts: list[str]) -> list[list[Span]]:
        """`spans` for many texts at once: one pass over them all, much faster for short ones.

        Args:
            texts: Texts, each searched on its own (no identifier crosses two).

        Returns:
            For each text, its spans in its own offsets.
        """
        with collector.paused():
            return self._spans_many(texts)

    def _spans_many(self, texts: list[str]) -> list[list[Span]]:
        joined = _SEPARATOR.join(texts)
        starts = list(accumulate((len(t) + len(_SEPARATOR) for t in texts[:-1]), initial=0))
        result: list[list[Span]] = [[] for _ in texts]
        last = len(starts) - 1
        # The text the spans are in now: its offset, end and the next text's start.
        offset, limit = 0, len(texts[0]) if texts else 0
        following = starts[1] if last > 0 else len(joined) + 1
        bucket = result[0] if texts else []
        make = tuple.__new__
        # Runs of ASCII texts are folded together, others one by one: ASCII folds far
        # faster alone than within a text that holds one accented letter somewhere.
        pieces: list[str] = []
        for ascii_only, run in groupby(texts, key=str.isascii):
            if ascii_only:
                pieces.append(fold(_SEPARATOR.join(run)))
            else:
                pieces.extend(fold(text) for text in run)
        folded = fold(_SEPARATOR).join(pieces)
        for span in self.spans(joined, folded):
            start = span[0]
            if start >= following:  # spans are in text order: a later text
                index = bisect_right(starts, start) - 1
                offset, bucket = starts[index], result[index]
                limit = offset + len(texts[index])
                following = starts[index + 1] if index < last else len(joined) + 1
            end = span[1] if span[1] < limit else limit  # not into the separator
            if start < end:
                bucket.append(make(Span, (start - offset, end - offset, *span[2:])))
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
        pseudonyms = pseudonyms or self.pseudonyms()
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
        return Pseudonyms(entities=self.matcher.entities, home_town=self.matcher.home_town)

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


def _with_towns(text: str, spans: list[Span]) -> list[Span]:
    """Joins a town written just after an address to it ("12 Oak Street, Ashworth")."""
    joined: list[Span] = []
    for span in spans:
        if (
            span.kind == "place"
            and (span.key or "").startswith("town:")
            and joined
            and joined[-1].kind == "address"
            and text[joined[-1].end : span.start] in _BETWEEN_ADDRESS_AND_TOWN
        ):
            joined[-1] = joined[-1]._replace(end=span.end)
            continue
        joined.append(span)
    return joined

"""Spans of text that identify someone: where they are, what kind, and whose."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

# When two spans overlap, the merged span takes the label of the stronger:
# a professional named with their role beats all (the role says who they are:
# staff, whatever else shares their name), then a known entity beats any
# pattern, and a specific pattern beats a generic one.
_STRENGTH = {
    "professional": 10,
    "nhs_number": 9,
    "ni_number": 9,
    "email": 8,
    "phone": 7,
    "vehicle": 7,
    "dob": 6,
    "address": 5,
    "postcode": 4,
    "person": 3,
    "organisation": 3,
    "age": 2,
    "date": 1,
    "place": 1,
}


class Span(NamedTuple):
    """A stretch of text to redact (a tuple: cheap to make by the hundred thousand).

    Attributes:
        start: Offset of the first character.
        end: Offset after the last character.
        kind: What it is: person, professional, organisation, vehicle, phone,
            address, place, postcode, dob, email, nhs_number, ni_number, age or date.
        entity_id: The known entity it names, or None when a pattern found it.
        key: What identifies the value across spellings (a clean phone number,
            a lower-case name), so one unknown value gets one pseudonym. For
            a professional, "role|name" ("Police officer|smith"); for an
            organisation a pattern found, "type:name" ("takeaway:golden pizza");
            for a place, "town:name" or "street:name".
        source: What found it: "known", "pattern" or "ner".
    """

    start: int
    end: int
    kind: str
    entity_id: str | None = None
    key: str | None = None
    source: str = "pattern"

    def strength(self) -> tuple[bool, int, int]:
        """Orders overlapping spans: professionals and known first, then kind, then length."""
        known = self.entity_id is not None or self.kind == "professional"
        return (known, _STRENGTH.get(self.kind, 0), self.end - self.start)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Joins overlapping (or touching, for one kind) spans into one each.

    The merged span covers all the characters of the spans it joins and takes
    the label (kind, entity, key) of the strongest of them.

    Args:
        spans: Spans in any order.

    Returns:
        Disjoint spans in text order.
    """
    merged: list[Span] = []
    best: Span | None = None
    # (Indexes rather than names: there are tens of thousands of spans a megabyte.)
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if span[1] <= span[0]:
            continue
        if merged and span[0] < merged[-1][1] and best is not None:
            last = merged[-1]
            if span.strength() > best.strength():
                best = span
            merged[-1] = Span(
                last[0],
                max(last[1], span[1]),
                best.kind,
                best.entity_id,
                best.key,
                best.source,
            )
            continue
        merged.append(span)
        best = span
    return merged

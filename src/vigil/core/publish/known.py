"""Identifiers the store already knows, matched in one pass with an Aho-Corasick automaton.

Every spelling under which a known value may be written is compiled once:
each name in every spelling and short form its property type gives
(`normalise.names.variants`), as "Forename Surname", "SURNAME, Forename" and
alone; plates, phones and postcodes in their usual written forms; addresses;
dates of birth in the forms people key them. The text is folded (lower case,
punctuation to spaces, length kept) and padded with spaces, and so is every
pattern, so a match always starts and ends at a word boundary.
"""

from __future__ import annotations

import calendar
import string
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

import ahocorasick

from vigil.core.normalise import addresses, emails, names, phones, postcodes, vehicles
from vigil.core.normalise.dates import DateError, PartialDate
from vigil.core.publish.spans import Span

_NOT_WORD = string.punctuation + string.whitespace
_FOLD = str.maketrans(_NOT_WORD, " " * len(_NOT_WORD))
_FOLD_BYTES = bytes.maketrans(_NOT_WORD.encode(), b" " * len(_NOT_WORD))
_MONTHS = tuple(calendar.month_name[1:])  # "January", ...
# Characters a match may have taken in for a partial plate's unknowns ("Z??)").
_TRIM = frozenset(_NOT_WORD) - {"?", "*"}
# Words that are names in the tables but, starting a sentence, are nearly always
# English: "Saw Kayleigh at school" does not name a Saw.
_SENTENCE_WORDS = frozenset(
    [
        "saw",
        "said",
        "see",
        "seen",
        "met",
        "told",
        "asked",
        "did",
        "can",
        "says",
        "sat",
        "will",
        "also",
        "then",
        "after",
    ]
)
# One-word patterns shorter than this are too often part of other words or initials.
_MIN_WORD = 2


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """A person, vehicle, phone, address or organisation the store knows, with its identifiers.

    Attributes:
        entity_id: The resolved entity (or a stand-in id when the store is not linked).
        type: person, vehicle, phone, address or organisation.
        category: For a person, "child" or "adult" (None when unknown).
        org_type: For an organisation, its type (taxi_firm, takeaway, ...).
        names: Names and aliases as written (people and organisations).
        vrms: Registrations, whole or partial.
        phones: Numbers as written.
        addresses: Addresses as written.
        postcodes: Postcodes as written.
        dobs: Dates of birth, YYYY-MM-DD.
        emails: Email addresses.
    """

    entity_id: str
    type: str
    category: str | None = None
    org_type: str | None = None
    names: tuple[str, ...] = ()
    vrms: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    dobs: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Pattern:
    kind: str
    entity_id: str | None  # None for a town: a place, no one's identifier
    key: str
    capitalised: bool  # a one-word pattern counts only where the text capitalises it

    def label(self) -> tuple[str, str | None, str, str]:
        """The end of a span this pattern finds: kind, entity, key, source."""
        return (self.kind, self.entity_id, self.key, "known")


def fold(text: str) -> str:
    """Lower case with ASCII punctuation and whitespace as spaces; offsets kept.

    Args:
        text: Any text.

    Returns:
        A string of the same length.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if lowered.isascii():  # bytes translate is far faster than str translate
        return lowered.encode("ascii").translate(_FOLD_BYTES).decode("ascii")
    try:
        # Four bytes a character: ASCII characters fold, and a byte of a wider
        # character may change too, but never into ASCII, and the same way in
        # patterns as in texts, so matching is unchanged. Offsets are kept.
        wide = lowered.encode("utf-32-le").translate(_FOLD_BYTES)
        return wide.decode("utf-32-le")
    except UnicodeError:
        return lowered.translate(_FOLD)


@dataclass(slots=True)
class KnownMatcher:
    """Finds every known identifier in a text in one pass.

    Build it once with `KnownMatcher.build(entities)`; `find` is then safe to
    call from many documents.
    """

    entities: dict[str, KnownEntity]
    automaton: ahocorasick.Automaton | None
    phones: dict[str, str] = field(default_factory=dict)  # clean number -> entity
    vrms: dict[str, str] = field(default_factory=dict)  # clean plate -> entity
    partial_vrms: list[tuple[str, str]] = field(default_factory=list)  # (plate, entity)
    postcodes: dict[str, str] = field(default_factory=dict)  # clean postcode -> entity
    addresses: dict[str, str] = field(default_factory=dict)  # address key -> entity
    forenames: frozenset[str] = frozenset()  # folded forename spellings of known people
    home_town: str | None = None  # the town most known addresses are in, lower case

    @classmethod
    def build(cls, entities: Iterable[KnownEntity]) -> KnownMatcher:
        """Compiles the identifiers of the entities into one automaton.

        Args:
            entities: What the store knows.

        Returns:
            The matcher.
        """
        table: dict[str, _Pattern] = {}
        matcher = cls(entities={}, automaton=None)
        forenames: set[str] = set()
        towns: Counter[str] = Counter()
        streets: set[str] = set()
        for entity in entities:
            matcher.entities[entity.entity_id] = entity
            for text, pattern in _patterns(entity, forenames):
                # As written (a comma folds to a space) and with spaces collapsed.
                for folded in {fold(text), fold(text).strip(), " ".join(fold(text).split())}:
                    if len(folded.strip()) >= _MIN_WORD:
                        # The first entity to claim a spelling keeps it.
                        table.setdefault(folded, pattern)
            for phone in entity.phones:
                number = phones.clean(phone)
                if number:
                    matcher.phones.setdefault(number, entity.entity_id)
            for vrm in entity.vrms:
                plate = vehicles.clean(vrm)
                if plate:
                    matcher.vrms.setdefault(plate, entity.entity_id)
                    if vehicles.is_partial(plate):
                        matcher.partial_vrms.append((plate, entity.entity_id))
            for code in entity.postcodes:
                clean_code = postcodes.clean(code) or " ".join(code.upper().split())
                matcher.postcodes.setdefault(clean_code.replace(" ", ""), entity.entity_id)
            for address in entity.addresses:
                value = addresses.parse(address)
                if value is not None:
                    matcher.addresses.setdefault(value.key, entity.entity_id)
                    if value.locality:
                        towns[value.locality] += 1
                    if value.street and " " in value.street:  # "oak street", not "park"
                        streets.add(value.street)
        matcher.forenames = frozenset(forenames)
        # The towns and streets of known addresses are places to generalise wherever
        # they are written; a name or identifier spelt the same keeps its claim.
        for place, names_of in (("town", towns), ("street", streets)):
            for name in names_of:
                folded = " ".join(fold(name).split())
                if len(folded) >= _MIN_WORD:
                    pattern = _Pattern("place", None, f"{place}:{folded}", capitalised=True)
                    table.setdefault(folded, pattern)
        if towns:
            matcher.home_town = min(towns, key=lambda town: (-towns[town], town))
        if table:
            automaton = ahocorasick.Automaton()
            # Values hold only numbers and strings: the collector stops tracking such
            # tuples, so it does not walk the tens of thousands of them at every pass.
            labels: dict[tuple[str, str | None, str, str], tuple[str, str | None, str, str]] = {}
            for folded, pattern in table.items():
                checks = _checks(folded, pattern)
                label = labels.setdefault(pattern.label(), pattern.label())
                automaton.add_word(f" {folded}", (len(folded), checks, label))
                if " " in folded:  # "SMITH, Kay" folds to two spaces after the surname
                    for doubled in _doubled_spaces(folded):
                        automaton.add_word(f" {doubled}", (len(doubled), checks, label))
            automaton.make_automaton()
            matcher.automaton = automaton
        return matcher

    def find(self, text: str, folded: str | None = None) -> list[Span]:
        """Every occurrence of a known identifier.

        Args:
            text: The text to search.
            folded: `fold(text)`, when the caller has it already.

        Returns:
            Spans, possibly overlapping, in no particular order.
        """
        if self.automaton is None:
            return []
        # Patterns start with a space, so a match starts a word; whether it also
        # ends one is checked here. The longest match at each place is taken
        # (in C, by `iter_long`); when it fails a check ("Jade Smith" in "Jade
        # Smithson", "mo" in lower case), every match near it is looked at.
        padded = f" {fold(text) if folded is None else folded} "
        found: list[Span] = []
        append = found.append
        for end, (length, checks, label) in self.automaton.iter_long(padded):
            # The pattern's last character is padded[end], that is text[end - 1].
            # The commonest cases are settled here, without a call: most matches are
            # names of several words, or a one-word name, ending a word.
            # (A pattern ending in a space may end on the last padding space: no
            # character after it to read, and none needed.)
            ends_word = checks & _ENDS_SPACED or padded[end + 1] == " "
            if ends_word and not checks & _SLOW_CHECKS:
                append(_SPAN((end - length, end, *label)))
                continue
            if not ends_word and not checks & (_ENDS_SPACED | _MANY_WORDS):
                continue  # a one-word pattern inside a longer word ("Jo" in "Jobs")
            if ends_word and checks == _CAPITALISED | _ONE_WORD:
                if text[end - length].isupper():
                    append(_SPAN((end - length, end, *label)))
                continue
            span = self._checked(text, padded, end, length, checks, label)
            if span is not None:
                append(span)
            elif checks & _MANY_WORDS:  # a shorter match may be inside it, or start in it
                found.extend(self._near(text, padded, end - length))
        return found

    def _checked(
        self,
        text: str,
        padded: str,
        end: int,
        length: int,
        checks: int,
        label: tuple[str, str | None, str, str],
    ) -> Span | None:
        """The span of one match, or None when it fails a check."""
        start, stop = end - length, min(end, len(text))  # the last padding space is no text
        # A pattern ending in a space may end on the text's last padding space.
        if not checks & _ENDS_SPACED and padded[end + 1] != " ":
            return None  # it runs into a longer word
        if checks:
            if checks & _CAPITALISED and not (
                text[start].isupper()
                if checks & _ONE_WORD
                else all(w[0].isupper() for w in text[start:stop].split())
            ):
                return None
            if checks & _COMMON and _common_word(text, start, stop):
                return None
            if checks & _TRIM_ENDS:
                while stop > start and text[stop - 1] in _TRIM:
                    stop -= 1
                while start < stop and text[start] in _TRIM:
                    start += 1
        return _SPAN((start, stop, *label))

    def _near(self, text: str, padded: str, start: int) -> list[Span]:
        """Every match that passes its checks, starting from `start` to a little past it."""
        assert self.automaton is not None
        near: list[Span] = []
        # A slice: searching the whole text from an offset would copy all of it.
        window = padded[start : start + _NEAR]
        for end, (length, checks, label) in self.automaton.iter(window):
            span = self._checked(text, padded, start + end, length, checks, label)
            if span is not None:
                while near and near[-1].start >= span.start:
                    near.pop()  # a longer match at the same place or one it contains
                near.append(span)
        return near

    def entity_of(self, kind: str, key: str | None) -> str | None:
        """The known entity a value found by a pattern belongs to, if any.

        Args:
            kind: phone, vehicle, postcode or address.
            key: The value's clean form (for an address, `addresses.parse(...).key`).
        """
        if key is None:
            return None
        if kind == "phone":
            return self.phones.get(key)
        if kind == "address":
            return self.addresses.get(key)
        if kind == "postcode":
            return self.postcodes.get(key.replace(" ", ""))
        if kind == "vehicle":
            if key in self.vrms:
                return self.vrms[key]
            # A partial plate found may fit any known plate; a whole one, a partial known one.
            candidates = self.vrms.items() if vehicles.is_partial(key) else self.partial_vrms
            return next((e for v, e in candidates if vehicles.compatible(key, v)), None)
        return None


# Spans made straight from a tuple: there are tens of thousands a megabyte.
_SPAN = partial(tuple.__new__, Span)
_CAPITALISED, _ONE_WORD, _COMMON, _TRIM_ENDS, _ENDS_SPACED, _MANY_WORDS = 1, 2, 4, 8, 16, 32
# Checks that need more than "ends a word": the rest pass whenever it does.
_SLOW_CHECKS = _CAPITALISED | _COMMON | _TRIM_ENDS
# How far past a failed match to look for others: longer than any name or address.
_NEAR = 160


def _checks(folded: str, pattern: _Pattern) -> int:
    """What a match of one folded pattern must be checked for, as bits."""
    checks = 0
    if pattern.capitalised:
        checks |= _CAPITALISED
        if " " not in folded:
            checks |= _ONE_WORD
        if folded.strip() in _SENTENCE_WORDS:
            checks |= _COMMON
    if folded != folded.strip():  # a partial plate's unknowns may have folded to spaces
        checks |= _TRIM_ENDS
    if folded.endswith(" "):
        checks |= _ENDS_SPACED
    if " " in folded:
        checks |= _MANY_WORDS
    return checks


def _common_word(text: str, start: int, stop: int) -> bool:
    """Whether a one-word match is an English word starting a sentence."""
    if text[start:stop].lower() not in _SENTENCE_WORDS:
        return False
    before = text[max(0, start - 3) : start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?:;\n"


def _doubled_spaces(folded: str) -> Iterator[str]:
    words = folded.split(" ")
    for i in range(1, len(words)):
        yield " ".join(words[:i]) + "  " + " ".join(words[i:])


def _patterns(entity: KnownEntity, forenames: set[str]) -> Iterator[tuple[str, _Pattern]]:
    """Every written form of every identifier of one entity."""
    eid = entity.entity_id
    kind = "organisation" if entity.type == "organisation" else "person"
    for name in entity.names:
        if entity.type == "organisation":
            yield name, _Pattern(kind, eid, eid, capitalised=" " not in name.strip())
            continue
        for written in names.split_aliases(name):
            yield from _name_forms(written, eid, forenames)
    for vrm in entity.vrms:
        plate = vehicles.clean(vrm)
        if plate:
            # A partial plate as written too: its unknowns fold to spaces, as in the text.
            for form in {vrm, plate, vehicles.display(plate) or plate}:
                yield form, _Pattern("vehicle", eid, plate, capitalised=False)
    for phone in entity.phones:
        value = phones.parse(phone)
        if value is None:
            continue
        national = "0" + value.clean[3:] if value.clean.startswith("+44") else value.clean
        for form in {phone, value.clean, national, f"{national[:5]} {national[5:]}"}:
            yield form, _Pattern("phone", eid, value.clean, capitalised=False)
    for code in entity.postcodes:
        clean_code = postcodes.clean(code) or " ".join(code.upper().split())
        for form in {code, clean_code, clean_code.replace(" ", "")}:
            yield form, _Pattern("postcode", eid, clean_code, capitalised=False)
    for address in entity.addresses:
        yield from _address_forms(address, eid)
    for dob in entity.dobs:
        for form in _date_forms(dob):
            yield form, _Pattern("dob", eid, dob, capitalised=False)
    for email in entity.emails:
        clean_email = emails.clean(email)
        if clean_email:
            yield clean_email, _Pattern("email", eid, clean_email, capitalised=False)


def _name_forms(written: str, eid: str, forenames: set[str]) -> Iterator[tuple[str, _Pattern]]:
    value = names.parse(written)
    words = [w.strip(".,") for w in written.split()]
    yield (
        written,
        _Pattern("person", eid, eid, capitalised=len(words) < 2 or min(map(len, words)) < 2),
    )
    if value is None:
        return
    # With an initial ("A Ball") the written form must be capitalised: "a ball" is no name.
    person = _Pattern("person", eid, eid, capitalised=any(len(t) == 1 for t in value.forenames))
    word = _Pattern("person", eid, eid, capitalised=True)
    first = names.variants(value.forenames[0]) or {value.forenames[0]}
    forenames.update(first)
    if value.surname is None:
        for spelling in first:
            yield spelling, word
        return
    surname = value.surname
    surnames = {surname} | (
        (names.variants(surname) - names.nicknames_of(surname)) if " " not in surname else set()
    )
    yield value.clean, person
    for f in first:
        yield f, word
        for s in surnames:
            yield f"{f} {s}", person
            yield f"{s} {f}", person  # "SMITH Kay" and, folded, "SMITH, Kay"
    for s in surnames:
        yield s, word


def _address_forms(address: str, eid: str) -> Iterator[tuple[str, _Pattern]]:
    pattern = _Pattern("address", eid, eid, capitalised=False)
    yield address, pattern
    parts = address.split(",")
    if len(parts) > 1:  # without the town
        yield ",".join(parts[:-1]), pattern
    value = addresses.parse(address)
    if value is not None and value.number and value.street:
        yield f"{value.number} {value.street}", pattern


def _date_forms(dob: str) -> Iterator[str]:
    try:
        date = PartialDate.parse(dob)
    except DateError:
        return
    yield dob
    if date.month is None or date.day is None:
        return
    month = _MONTHS[date.month - 1].lower()
    for day in {f"{date.day:02d}", str(date.day)}:
        for mon in {f"{date.month:02d}", str(date.month)}:
            yield f"{day}/{mon}/{date.year}"
        yield f"{day} {month} {date.year}"
        yield f"{day} {month[:3]} {date.year}"

"""The keys a mention is found by in search, stored at ingest beside the mention.

Each key comes from the property types linkage uses (`vigil.core.normalise`),
so search narrows candidates by an index and the property type still decides
each match. Keys only ever widen the candidates: whatever the property type
would call a match must share a key with the query (tests check this).

- name: for every word of the name and of each alias, the codes under which
  `names.compare` may call two words alike at PHONETIC or above (the word,
  its transliteration family, forename and surname keys, the names a
  nickname stands for, spelling key, Metaphone and NYSIIS codes). A name of
  one word has its keys marked, since it may stand for a forename or a surname.
- vrm: a whole plate, clean; vrm-part: the known head of a partial plate
  (before its first unknown), which a query's own head must meet.
- vrm-tail: a plate's known tail (after its last unknown; a whole plate is
  all tail) written backwards, so that a query starting with an unknown
  (`?B02 KLM`) is answered by a prefix search too, not by reading every plate.
- phone: the E.164 form and the last digits, as `phones.keys`.
- postcode: unit, sector, district and area, as `postcodes.keys`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import jellyfish

from vigil.core.normalise import names, phones, postcodes, vehicles

NAME = "name"
VRM = "vrm"
VRM_PART = "vrm-part"
VRM_TAIL = "vrm-tail"
PHONE = "phone"
POSTCODE = "postcode"
# A one-word name's keys carry this mark: it may be either part of another name.
ONE_WORD = "1:"
# Longest key kept (the column's width); longer names are cut, which only widens a match.
KEY_LENGTH = 64


def _sound(word: str) -> Iterator[str]:
    # As names' own Metaphone and NYSIIS: hyphens and spaces removed first.
    squashed = word.replace("-", "").replace(" ", "")
    if squashed:
        yield "m:" + jellyfish.metaphone(squashed)
        yield "n:" + jellyfish.nysiis(squashed)


@lru_cache(maxsize=1 << 16)
def _word_keys(word: str) -> frozenset[str]:
    """Codes a word shares with every word `names` compares to it at PHONETIC or above."""
    found = {word, names.family_key(word), names.forename_key(word), names.spelling_key(word)}
    found.update(names.canonicals_of(word))
    found.update(_sound(word))
    # As a surname: its key, the key's spelling and sounds, and each part of a
    # double-barrelled key (a shared part counts as PHONETIC).
    surname = names.surname_key(word)
    parts = surname.split()
    for key in (surname, *parts, *(names.surname_key(p) for p in parts)):
        found.update((key, names.spelling_key(key)))
        found.update(_sound(key))
    return frozenset(k[:KEY_LENGTH] for k in found if k and k not in ("m:", "n:"))


def _words(value: names.NameValue) -> list[str]:
    words = list(value.forenames)
    if value.surname:
        words.append(value.surname)
        words.extend(p for p in value.surname.replace("-", " ").split() if p != value.surname)
    return words


def name_keys(written: str) -> frozenset[str]:
    """The keys a name as written is stored under (empty when it is no name)."""
    value = names.parse(written)
    if value is None:
        return frozenset()
    keys = {k for word in _words(value) for k in _word_keys(word)}
    if value.surname is None:
        return frozenset(ONE_WORD + k for k in keys)
    return frozenset(keys)


def name_query_keys(query: str) -> frozenset[str]:
    """The stored keys a name query must meet: a mention sharing none cannot match.

    A whole name matches another only when its surname is alike to the other's
    surname or (written the other way round) one of its forenames; or when the
    other is one word alike to any of its words.
    """
    value = names.parse(query)
    if value is None:
        return frozenset()
    every = {k for word in _words(value) for k in _word_keys(word)}
    one_word = {ONE_WORD + k for k in every}
    if value.surname is None:
        return frozenset(every | one_word)
    surname = {
        k
        for word in _words(value)[len(value.forenames) :]  # the surname and its parts
        for k in _word_keys(word)
    }
    return frozenset(surname | one_word)


def name_query_forename_keys(query: str) -> frozenset[str] | None:
    """Stored keys a name query's match must also meet, beside `name_query_keys`.

    A whole name matches another whole name only when one of its forenames is
    alike a word of the other too (a forename, or the surname when written the
    other way round); a one-word name matches by its marked keys. So a common
    surname's thousands of mentions narrow, in the index, to those that also
    share a forename key. None when the query gives no such second key to meet.
    """
    value = names.parse(query)
    if value is None or value.surname is None or not value.forenames:
        return None
    forenames = {k for word in value.forenames for k in _word_keys(word)}
    every = {k for word in _words(value) for k in _word_keys(word)}
    return frozenset(forenames | {ONE_WORD + k for k in every})


def vrm_key(vrm: str) -> tuple[str, str] | None:
    """(kind, key) of a registration: a whole plate clean, a partial one by its known head."""
    value = vehicles.clean(vrm)
    if value is None:
        return None
    if vehicles.is_partial(value):
        return VRM_PART, _head(value)
    return VRM, value


def _head(value: str) -> str:
    """The known characters before a partial plate's first unknown."""
    cut = min((i for i, c in enumerate(value) if c in (vehicles.UNKNOWN, vehicles.ANY_RUN)))
    return value[:cut]


def vrm_query(query: str) -> tuple[str, list[str]] | None:
    """What a registration query reads in the index.

    Returns:
        (head, heads): whole plates starting with `head` may fit the query; so
        may partial plates whose own head is one of `heads` (a prefix of the
        query's head) or starts with `head`. None when the query is no plate.
    """
    value = vehicles.clean(query)
    if value is None:
        return None
    head = _head(value) if vehicles.is_partial(value) else value
    return head, [head[:n] for n in range(len(head) + 1)]


def _tail(value: str) -> str:
    """The known characters after a plate's last unknown (all of a whole plate), backwards."""
    unknowns = [i for i, c in enumerate(value) if c in (vehicles.UNKNOWN, vehicles.ANY_RUN)]
    return value[unknowns[-1] + 1 if unknowns else 0 :][::-1]


def vrm_tail_key(vrm: str) -> str | None:
    """The vrm-tail key of a registration, whole or partial."""
    value = vehicles.clean(vrm)
    return None if value is None else _tail(value)[:KEY_LENGTH]


def vrm_tail_query(query: str) -> tuple[str, list[str]] | None:
    """What a registration query reads among the vrm-tail keys.

    A plate that fits both the query and a stored plate ends with both their
    known tails, so one tail ends the other. Returns:
        (tail, tails): the query's tail backwards, which stored tails may start
        with; and its prefixes, which stored tails may equal. None when the
        query is no plate.
    """
    value = vehicles.clean(query)
    if value is None:
        return None
    tail = _tail(value)
    return tail, [tail[:n] for n in range(len(tail) + 1)]


def mention_keys(
    *,
    name: str | None,
    aliases: list[str],
    vrm: str | None,
    phone: str | None,
    postcode: str | None,
) -> list[tuple[str, str]]:
    """Every (kind, key) one mention is stored under."""
    found: set[tuple[str, str]] = set()
    for written in (name, *aliases):
        if written:
            found.update((NAME, k) for k in name_keys(str(written)))
    if vrm and (plate := vrm_key(vrm)) is not None:
        found.add(plate)
        if (tail := vrm_tail_key(vrm)) is not None:
            found.add((VRM_TAIL, tail))
    if phone:
        found.update((PHONE, k[:KEY_LENGTH]) for k in phones.keys(phone))
    if postcode:
        found.update((POSTCODE, k) for k in postcodes.keys(postcode))
    return sorted(found)

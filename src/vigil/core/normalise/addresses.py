"""UK postal addresses written as free text.

"Flat 2, 10 Oak St., Rotherham S60 1AA" is read into flat "2", number "10",
street "oak street", locality "rotherham" and postcode "S60 1AA", and keyed
as "flat 2 10 oak street S60 1AA". No gazetteer is consulted: the key
is only as good as what was written, and what was written is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from unidecode import unidecode

from vigil.core.normalise import postcodes

_ABBREVIATIONS = {
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "clo": "close",
    "cres": "crescent",
    "cresc": "crescent",
    "dr": "drive",
    "drv": "drive",
    "ct": "court",
    "crt": "court",
    "gdns": "gardens",
    "gr": "grove",
    "gro": "grove",
    "grv": "grove",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "pk": "park",
    "pde": "parade",
    "wk": "walk",
    "wy": "way",
    "hwy": "highway",
    "vw": "view",
    "mt": "mount",
    "est": "estate",
    "cotts": "cottages",
    "hse": "house",
    "bldg": "building",
    "bldgs": "buildings",
    "blk": "block",
    "apt": "flat",
    "apartment": "flat",
    "flt": "flat",
    "fl": "flat",
    "rm": "room",
}
# Words that end a street name when no comma does.
_STREET_TYPES = frozenset(
    {
        "road",
        "street",
        "avenue",
        "lane",
        "close",
        "crescent",
        "drive",
        "court",
        "gardens",
        "grove",
        "place",
        "square",
        "terrace",
        "park",
        "parade",
        "walk",
        "way",
        "highway",
        "view",
        "mount",
        "hill",
        "row",
        "mews",
        "rise",
        "green",
        "yard",
        "wharf",
        "quay",
        "approach",
        "boulevard",
        "cottages",
        "estate",
    }
)
_FLAT_WORDS = frozenset({"flat", "room", "unit"})
_NUMBER = re.compile(r"\d+[a-z]?(?:-\d+[a-z]?)?")
_FLAT_ID = re.compile(r"[a-z]?\d+[a-z]?|[a-z]")
_NOT_ADDRESS = re.compile(r"[^a-z0-9,\- ]+")
_LOOSE_HYPHEN = re.compile(r"(?<![0-9])-|-(?![0-9])")
_SPACES = re.compile(r" +")
_NUMBER_WORD = re.compile(r"\b(?:(?:no|number)\s+)+(?=\d)")  # "No. 10" is the number 10


class AddressLevel(IntEnum):
    """How alike two addresses are, strongest last."""

    NONE = 0
    SAME_STREET = 1  # the same street in the same district (or town)
    SAME_POSTCODE = 2  # the same full postcode: neighbours at most
    SAME_BUILDING = 3  # number and street agree; the flat differs or is unknown
    EXACT = 4  # the same key


@dataclass(frozen=True, slots=True)
class AddressValue:
    """An address read from free text.

    Attributes:
        raw: The address as written.
        clean: Lower case, abbreviations expanded, parts separated by ", ",
            the postcode last in standard form.
        flat: Flat, room or unit number, when written.
        building: A building name before the street ("oak house"), when written.
        number: The house number ("10", "10a", "12-14"), when written.
        street: The street ("oak street"), when found.
        locality: The rest: village, town, county.
        postcode: The full postcode in standard form, when written.
        key: "flat 2 10 oak street S60 1AA" (a building name stands in for a
            missing number), or `clean` when no number, street or postcode was found.
    """

    raw: str
    clean: str
    flat: str | None
    building: str | None
    number: str | None
    street: str | None
    locality: str | None
    postcode: str | None
    key: str


@lru_cache(maxsize=1 << 16)
def parse(text: str) -> AddressValue | None:
    """Reads a free-text UK address.

    Args:
        text: The address as written.

    Returns:
        The address, or None when the text holds nothing of one.
    """
    # Punctuation and "No." go first, so that the postcode is found the same
    # way in the clean form; it leaves a comma so no new words are joined.
    written = _NUMBER_WORD.sub("", _normalise(unidecode(text)))
    postcode = None
    for match in reversed(list(postcodes.POSTCODE_IN_TEXT.finditer(written))):
        postcode = postcodes.clean(match.group(0))
        if postcode is not None:
            written = written[: match.start()] + "," + written[match.end() :]
            break
    parts = [_expand(part.split()) for part in written.split(",")]
    parts = [p for p in parts if p]
    if not parts and postcode is None:
        return None

    flat = building = number = street = None
    rest: list[str] = []
    # The clean form keeps the parts in their written order, split where a
    # street ends without a comma, so that reading it again finds the same parts.
    segments: list[str] = []
    for part in parts:
        if street is not None:
            rest.append(" ".join(part))
            segments.append(rest[-1])
            continue
        words = part
        if (
            flat is None
            and len(words) >= 2
            and words[0] in _FLAT_WORDS
            and _FLAT_ID.fullmatch(words[1])
        ):
            flat, words = words[1], words[2:]
        if number is None:
            index = next((i for i, w in enumerate(words) if _NUMBER.fullmatch(w)), None)
            if index is not None:
                if index > 0:
                    building = " ".join(filter(None, (building, *words[:index])))
                number, words = words[index], words[index + 1 :]
        end = next((i + 1 for i, w in enumerate(words) if w in _STREET_TYPES), None)
        if words and (number is not None or end is not None):
            # Without commas, the street ends at its type word; the rest is the town.
            cut = end if end is not None else len(words)
            street = " ".join(words[:cut])
            if cut < len(words):
                rest.append(" ".join(words[cut:]))
                head = len(part) - len(words) + cut
                segments.extend((" ".join(part[:head]), rest[-1]))
                continue
        elif words and building is None:
            building = " ".join(words)
        elif words:
            rest.append(" ".join(words))
        segments.append(" ".join(part))

    locality = ", ".join(rest) or None
    clean_text = ", ".join((*segments, postcode) if postcode else segments)
    if not clean_text:
        return None
    # A named building stands in for the number when there is none.
    key_parts = (f"flat {flat}" if flat else None, number or building, street, postcode)
    key = " ".join(p for p in key_parts if p) if (number or street or postcode) else clean_text
    return AddressValue(
        raw=text,
        clean=clean_text,
        flat=flat,
        building=building,
        number=number,
        street=street,
        locality=locality,
        postcode=postcode,
        key=key,
    )


def _normalise(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("'", "").replace("/", " ")
    text = _LOOSE_HYPHEN.sub(" ", _NOT_ADDRESS.sub(" ", text))
    return _SPACES.sub(" ", text)


def _expand(words: list[str]) -> list[str]:
    """Expands abbreviations; "st" is Saint before a name and Street after one."""
    expanded = []
    for i, word in enumerate(words):
        if word == "st":
            before_name = i == 0 or _NUMBER.fullmatch(words[i - 1]) is not None
            expanded.append("saint" if before_name and i + 1 < len(words) else "street")
        else:
            expanded.append(_ABBREVIATIONS.get(word, word))
    return expanded


def clean(text: str) -> str | None:
    """An address in lower case with abbreviations expanded and the postcode last.

    Args:
        text: The address as written.

    Returns:
        The clean address, or None when the text holds nothing of one.
    """
    value = parse(text)
    return None if value is None else value.clean


def keys(text: str) -> tuple[str, ...]:
    """Blocking and search keys: the address key, then number with postcode.

    Args:
        text: The address as written.

    Returns:
        Keys, or an empty tuple when the text holds nothing of an address.
    """
    value = parse(text)
    if value is None:
        return ()
    found = [value.key]
    if value.number and value.postcode:
        found.append(f"{value.number} {value.postcode}")
    if value.street and value.postcode:
        found.append(f"{value.street} {value.postcode[:-2]}")
    return tuple(dict.fromkeys(found))


def compare(a: str | None, b: str | None) -> AddressLevel | None:
    """How alike two addresses are.

    Postcodes that disagree (different sectors for the same building,
    different districts for the same street), or towns that do when there
    are no postcodes, rule a level out.

    Args:
        a: An address as written, or None.
        b: Another.

    Returns:
        The level, or None when either is missing or holds nothing of an address.
    """
    left = parse(a) if a else None
    right = parse(b) if b else None
    if left is None or right is None:
        return None
    postcode_level = postcodes.compare(left.postcode, right.postcode)
    if postcode_level is None:
        # Without two postcodes the towns decide; "rotherham" fits
        # "kimberworth, rotherham", and a missing town fits any.
        same_place = (
            not left.locality
            or not right.locality
            or not set(left.locality.split(", ")).isdisjoint(right.locality.split(", "))
        )
    else:
        same_place = postcode_level >= postcodes.PostcodeLevel.DISTRICT
    if left.key == right.key and same_place:
        return AddressLevel.EXACT
    same_street = left.street is not None and left.street == right.street
    if (
        same_street
        and left.number is not None
        and left.number == right.number
        and (postcode_level is None or postcode_level >= postcodes.PostcodeLevel.SECTOR)
        and same_place
    ):
        return AddressLevel.SAME_BUILDING
    if postcode_level == postcodes.PostcodeLevel.UNIT:
        return AddressLevel.SAME_POSTCODE
    if same_street and same_place:
        return AddressLevel.SAME_STREET
    return AddressLevel.NONE

"""UK postcodes, whole or partial: "S60 1AA", the sector "S60 1", the district "S60".

A postcode has an outward code (area letters and district: "S60") and an
inward code (sector digit and unit letters: "1AA"). Records often hold only
part of one, so every postcode is read to the precision it was written at.

A whole postcode is read by its shape alone, whatever its area: one in an
area the Royal Mail does not use (a synthetic town's own, or one made up
for training) is still a postcode, and two records agreeing on it is
evidence all the same. `known_area` says whether the area is a real one. A
partial code ("S60", "AW3 7") has too little shape to tell it from other
short codes (a road, a room), so it is read only in a real area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, IntEnum
from functools import lru_cache

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = re.compile(rf"({_OUTWARD}) ?([0-9][A-Z]{{2}})")
_SECTOR = re.compile(rf"({_OUTWARD}) ([0-9])")
_SECTOR_NO_SPACE = re.compile(rf"({_OUTWARD})([0-9])")
_DISTRICT = re.compile(_OUTWARD)
_AREA = re.compile(r"[A-Z]{1,2}")
_NOT_POSTCODE = re.compile(r"[^A-Z0-9 ]")
_SPACES = re.compile(r" +")
# The postcode areas of the UK and Crown dependencies.
_AREA_CODES = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH "
    "DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV "
    "JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA "
    "PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN "
    "TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
)
_AREAS = frozenset(_AREA_CODES.split())
# The Girobank code follows no pattern but is real.
_SPECIAL = frozenset({"GIR 0AA"})
# Finds a full postcode inside free text such as an address.
POSTCODE_IN_TEXT = re.compile(rf"\b({_OUTWARD}) ?([0-9][A-Z]{{2}})\b", re.IGNORECASE)


class Precision(Enum):
    """How much of a postcode is known."""

    UNIT = "unit"  # S60 1AA
    SECTOR = "sector"  # S60 1
    DISTRICT = "district"  # S60
    AREA = "area"  # S


class PostcodeLevel(IntEnum):
    """How close two postcodes are, strongest last: the finest level both share."""

    NONE = 0
    AREA = 1
    DISTRICT = 2
    SECTOR = 3
    UNIT = 4  # the same full postcode


@dataclass(frozen=True, slots=True)
class PostcodeValue:
    """A postcode read to the precision it was written at.

    Attributes:
        clean: Upper case with one space between outward and inward code.
        precision: How much is known.
        area: The area letters ("S").
        district: The outward code ("S60"), or None for an area alone.
        sector: Outward code and sector digit ("S60 1"), when known.
        unit: The full postcode ("S60 1AA"), when known.
        known_area: Whether the area is one the UK uses (always, for a partial code).
    """

    clean: str
    precision: Precision
    area: str
    district: str | None
    sector: str | None
    unit: str | None
    known_area: bool = True

    @property
    def outward(self) -> str | None:
        """The outward code: the district."""
        return self.district


@lru_cache(maxsize=1 << 16)
def parse(text: str) -> PostcodeValue | None:
    """Reads a whole or partial postcode.

    Spacing and case do not matter; an O keyed for the zero of the inward
    code ("S60 OAA") is read as a zero.

    Args:
        text: A postcode as written.

    Returns:
        The postcode, or None when the text is none.
    """
    value = _SPACES.sub(" ", _NOT_POSTCODE.sub("", text.upper())).strip()
    squashed = value.replace(" ", "")
    # The inward code always starts with a digit: an O there is a zero.
    if len(squashed) >= 5 and squashed[-3] == "O" and squashed[-2:].isalpha():
        squashed = squashed[:-3] + "0" + squashed[-2:]
        value = squashed
    if value in _SPECIAL or squashed == "GIR0AA":
        return _unit("GIR", "0AA")
    match = _FULL.fullmatch(squashed)
    if match:
        return _unit(match.group(1), match.group(2))
    if _area(squashed) not in _AREAS:
        return None
    match = _SECTOR.fullmatch(value)
    if match:
        return _sector(match.group(1), match.group(2))
    if _DISTRICT.fullmatch(squashed):
        return _district(squashed)
    # "S601": no outward code ends in three digits, so this is a sector.
    match = _SECTOR_NO_SPACE.fullmatch(squashed)
    if match:
        return _sector(match.group(1), match.group(2))
    if _AREA.fullmatch(squashed):
        return PostcodeValue(squashed, Precision.AREA, squashed, None, None, None)
    return None


def _area(code: str) -> str:
    return code[:2] if code[1:2].isalpha() else code[:1]


def _unit(outward: str, inward: str) -> PostcodeValue:
    unit = f"{outward} {inward}"
    area = outward if outward == "GIR" else _area(outward)
    known = area == "GIR" or area in _AREAS
    return PostcodeValue(unit, Precision.UNIT, area, outward, unit[:-2], unit, known)


def _sector(outward: str, digit: str) -> PostcodeValue:
    sector = f"{outward} {digit}"
    return PostcodeValue(sector, Precision.SECTOR, _area(outward), outward, sector, None)


def _district(outward: str) -> PostcodeValue:
    return PostcodeValue(outward, Precision.DISTRICT, _area(outward), outward, None, None)


def clean(text: str) -> str | None:
    """A postcode in its standard form ("s601aa" -> "S60 1AA"), partial ones too.

    Args:
        text: A postcode as written.

    Returns:
        The standard form, or None when the text is no postcode.
    """
    value = parse(text)
    return None if value is None else value.clean


def is_valid(text: str) -> bool:
    """Whether the text is a whole postcode in a valid format (in any area, see `known_area`).

    Args:
        text: A postcode as written.
    """
    value = parse(text)
    return value is not None and value.precision is Precision.UNIT


def keys(text: str) -> tuple[str, ...]:
    """Blocking and search keys: the postcode, its sector and its district.

    Args:
        text: A postcode as written.

    Returns:
        Keys from finest to coarsest; empty when the text is no postcode.
    """
    value = parse(text)
    if value is None:
        return ()
    found = (value.unit, value.sector, value.district, value.area)
    return tuple(k for k in found if k)


def compare(a: str | None, b: str | None) -> PostcodeLevel | None:
    """The finest level two postcodes share; a partial one is compared as far as it goes.

    Args:
        a: A postcode as written, or None.
        b: Another.

    Returns:
        The level, or None when either is missing or no postcode.
    """
    left = parse(a) if a else None
    right = parse(b) if b else None
    if left is None or right is None:
        return None
    if left.unit and left.unit == right.unit:
        return PostcodeLevel.UNIT
    if left.sector and left.sector == right.sector:
        return PostcodeLevel.SECTOR
    if left.district and left.district == right.district:
        return PostcodeLevel.DISTRICT
    if left.area == right.area:
        return PostcodeLevel.AREA
    return PostcodeLevel.NONE

"""Identifiers as issued and as written down: registrations, phones, postcodes, NHS and PNC numbers.

Each kind has a canonical form (what truth.json holds) and a way of being
written in a record: plates partly seen or misread, phones in several
layouts, postcodes without their space.
"""

from __future__ import annotations

import random
from datetime import date

# Prefix-style year letters and the month their issue began (August, then
# March and September from 1999); I, O, Q, U and Z were never used.
_PREFIX_LETTERS = (
    ("A", date(1983, 8, 1)),
    ("B", date(1984, 8, 1)),
    ("C", date(1985, 8, 1)),
    ("D", date(1986, 8, 1)),
    ("E", date(1987, 8, 1)),
    ("F", date(1988, 8, 1)),
    ("G", date(1989, 8, 1)),
    ("H", date(1990, 8, 1)),
    ("J", date(1991, 8, 1)),
    ("K", date(1992, 8, 1)),
    ("L", date(1993, 8, 1)),
    ("M", date(1994, 8, 1)),
    ("N", date(1995, 8, 1)),
    ("P", date(1996, 8, 1)),
    ("R", date(1997, 8, 1)),
    ("S", date(1998, 8, 1)),
    ("T", date(1999, 3, 1)),
    ("V", date(1999, 9, 1)),
    ("W", date(2000, 3, 1)),
    ("X", date(2000, 9, 1)),
    ("Y", date(2001, 3, 1)),
)
_CURRENT_FORMAT_FROM = date(2001, 9, 1)
_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
# Yorkshire memory tags (Y + a DVLA office letter).
_MEMORY_TAGS = tuple(f"Y{letter}" for letter in "ABCDEFGHJKLMNPRSTUVWXY")
# Characters a witness or a camera confuses.
_MISREAD = {
    "0": "OD",
    "O": "0DQ",
    "D": "0O",
    "Q": "O0",
    "1": "IL7",
    "I": "1L",
    "L": "1I",
    "7": "1",
    "5": "S",
    "S": "5",
    "8": "B3",
    "B": "8",
    "3": "8",
    "2": "Z",
    "Z": "2",
    "6": "G",
    "G": "6C",
    "C": "G",
    "M": "N",
    "N": "MH",
    "H": "N",
    "V": "Y",
    "Y": "V",
    "E": "F",
    "F": "E",
    "P": "R",
    "R": "P",
    "U": "V",
    "K": "X",
    "X": "K",
}
_MOBILE_PREFIXES = (
    "7700",
    "7701",
    "7702",
    "7703",
    "7704",
    "7707",
    "7708",
    "7709",
    "7711",
    "7712",
    "7713",
    "7714",
    "7715",
    "7725",
    "7726",
    "7727",
    "7731",
    "7732",
    "7733",
    "7734",
    "7740",
    "7748",
    "7751",
    "7752",
    "7766",
    "7779",
    "7786",
    "7791",
    "7796",
    "7801",
    "7812",
    "7825",
    "7834",
    "7855",
    "7877",
    "7891",
    "7903",
    "7914",
    "7925",
    "7939",
    "7950",
    "7968",
    "7971",
    "7984",
    "7999",
)
# Inward codes never use C, I, K, M, O or V in their letters.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PNC_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"


def new_plate(rng: random.Random, registered: date) -> str:
    """A registration of the style issued on `registered`, e.g. `YB02 KLM` or `P123 ABC`."""
    if registered >= _CURRENT_FORMAT_FROM:
        # Age identifier: the year for March-August, the year + 50 for September-February.
        if registered.month >= 3:
            age = registered.year % 100 + (50 if registered.month >= 9 else 0)
        else:
            age = (registered.year - 1) % 100 + 50
        letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(3))
        return f"{rng.choice(_MEMORY_TAGS)}{age:02d} {letters}"
    year_letter = "A"
    for letter, since in _PREFIX_LETTERS:
        if registered >= since:
            year_letter = letter
    letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(3))
    if registered < _PREFIX_LETTERS[0][1]:
        # Suffix style: letters, number, then the year letter.
        return f"{letters} {rng.randint(1, 999)}{rng.choice('STVWXY')}"
    return f"{year_letter}{rng.randint(1, 999)} {letters}"


def written_plate(rng: random.Random, plate: str, *, unseen: float, misread: float) -> str:
    """A registration as a witness or officer wrote it.

    Args:
        rng: The random source.
        plate: The true registration.
        unseen: Chance some characters were not seen (written `?`).
        misread: Chance one character was read as a similar one.
    """
    chars = list(plate)
    positions = [at for at, char in enumerate(chars) if char != " "]
    if rng.random() < misread:
        at = rng.choice(positions)
        confused = _MISREAD.get(chars[at])
        if confused:
            chars[at] = rng.choice(confused)
    if rng.random() < unseen:
        count = rng.choice((1, 1, 2, 2, 3))
        # Usually the end of the plate is lost (the car drove off); sometimes the start.
        chosen = positions[-count:] if rng.random() < 0.75 else positions[:count]
        for at in chosen:
            chars[at] = "?"
    text = "".join(chars)
    layout = rng.random()
    if layout < 0.15:
        return text.replace(" ", "")
    if layout < 0.2:
        return text.lower()
    return text


def new_mobile(rng: random.Random) -> str:
    """A UK mobile number in E.164 form, e.g. `+447700900123`."""
    return f"+44{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(1_000_000):06d}"


def written_phone(rng: random.Random, e164: str) -> str:
    """A mobile number in one of the layouts people write: `07700 900123`, `+44 7700 900123` ..."""
    national = "0" + e164[3:]
    layout = rng.random()
    if layout < 0.45:
        return f"{national[:5]} {national[5:]}"
    if layout < 0.7:
        return national
    if layout < 0.8:
        return f"+44 {e164[3:7]} {e164[7:]}"
    if layout < 0.87:
        return e164
    if layout < 0.94:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:5]}-{national[5:]}"


def new_postcode(rng: random.Random, area: str, districts: int) -> str:
    """A postcode in a fictional area, e.g. `AW3 7PL`."""
    inward = f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{area}{rng.randint(1, districts)} {inward}"


def written_postcode(rng: random.Random, postcode: str) -> str:
    """A postcode as keyed: usually as issued, sometimes without the space or in lower case."""
    layout = rng.random()
    if layout < 0.1:
        return postcode.replace(" ", "")
    if layout < 0.14:
        return postcode.lower()
    return postcode


def nhs_number(serial: int) -> str | None:
    """A synthetic NHS number with a valid check digit, or None when the serial gives none.

    Numbers start 999, the range reserved for testing, and are unique per serial.
    """
    digits = f"999{serial % 1_000_000:06d}"
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 10:
        return None
    check %= 11
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}{check}"


def pnc_id(serial: int, first_recorded: date) -> str:
    """A Police National Computer style id, e.g. `03/123456K`, unique per serial."""
    number = serial % 1_000_000
    year = first_recorded.year % 100
    check = _PNC_CHECK[(year * 1_000_000 + number) % 23]
    return f"{year:02d}/{number:06d}{check}"


def upn(serial: int) -> str:
    """A pupil number in the shape schools use (a letter and twelve digits)."""
    return f"{_PNC_CHECK[serial % 23]}{371_000_000_000 + serial:012d}"

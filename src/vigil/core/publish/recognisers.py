"""UK pattern recognisers: what a text can show to be an identifier without knowing whose.

Each recogniser is a function from text to spans. Values are validated by the
same property types linkage uses (`vigil.core.normalise`), so a plate, a
phone number or a postcode is read here exactly as it is read when records
are linked.

Every pattern starts with a character class or a literal and leaves the word
boundary before it to `_starts_word`: the regular-expression engine can then
skip straight to the few places a match can start, which is several times
faster on long texts than a leading `\\b` or look-behind. For the same reason
case is spelt out ("[Pp]ost") rather than asked of IGNORECASE.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from vigil.core.normalise import dates, emails, phones, postcodes, vehicles
from vigil.core.publish.spans import Span

Recogniser = Callable[[str], Iterator[Span]]

# A cheap first look for telephone numbers; libphonenumber confirms each.
_PHONE_CANDIDATE = re.compile(
    r"(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(0|0)\d(?:[\s\-.)]{0,2}\d){7,10}(?!\d)"
)
_NHS = re.compile(r"(\d\d\d)[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
# Found by its digits; the two prefix letters are read before them.
_NI = re.compile(r"(\d\d)\s?(\d{2})\s?(\d{2})\s?([A-Da-d])\b")
_NI_PREFIX = re.compile(r"([A-Za-z]{2})\s?$")
# HMRC never issues these prefix letters, nor these pairs.
_NI_BAD_FIRST = frozenset("DFIQUV")
_NI_BAD_SECOND = frozenset("DFIQUVO")
_NI_BAD_PAIRS = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_L, _D = "[A-Z?]", "[0-9?]"
# Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) plates, `?` for an
# unknown character; "AB12*" for a plate known only by its start.
_VRM = re.compile(
    rf"{_L}(?:{_L}{_D}{{2}}\s?{_L}{{3}}|{_D}{{1,3}}\s?{_L}{{3}}"
    rf"|{_L}{{2}}\s?{_D}{{1,3}}{_L}|[A-Z][0-9]{{2}}\s?[A-Z]{{0,2}}\*)(?![\w?*])"
)
# Dateless and Northern Irish plates look like too many other things: only after a cue.
# Each alternative starts with a literal, so the engine skips to where one can start.
_VRM_AFTER_CUE = re.compile(
    r"(?:Reg(?:istration)?|reg(?:istration)?|REG|VRM|Vrm|vrm|Index|index|Plate|plate)"
    r"(?:\s+(?:[Nn]o|[Nn]umber|[Mm]ark))?"
    r"\.?\s*:?\s*([A-Z0-9?*]{1,4}\s?[A-Z0-9?*]{1,4})(?![\w?*])"
)
_POSTCODE_PARTIAL = re.compile(
    r"(?:Post\s?[Cc]ode|post\s?[Cc]ode|POST\s?CODE)(?:\s+(?:area|district|sector))?\s*:?\s*"
    r"([A-Z]{1,2}[0-9][A-Z0-9]?(?:\s[0-9](?![A-Z]))?)(?!\w)"
)
_INWARD = re.compile(r"\d[A-Z]{2}\b")
# Found by its digits: "14/06/2001", "2001-06-14", "14th June 2001".
_ANY_DATE = re.compile(
    r"\d\d?(?:[/.\-]\d\d?[/.\-]\d{2,4}|\d\d-\d\d-\d\d"
    r"|(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4})\b"
)
_BIRTH_CUE = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\.?|\bdate\s+of\s+birth|\bbirth\s?date|\bborn(?:\s+on)?)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}$")
_EMAIL_DOMAIN = re.compile(r"@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_NAME_WORD = r"[A-Z][A-Za-z'\-]+"
_TITLED = re.compile(
    rf"(?:Mr|Mrs|Miss|Ms|Mx|Dr)\.?\s+(?:[A-Z]\.?\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}"
)
_KNOWN_AS_CUES = ("known", "aka", "a.k.a", "nicknamed", "calls", "goes")
_KNOWN_AS = re.compile(
    rf"(?:known\s+as|aka|a\.k\.a\.?|nicknamed|calls\s+(?:him|her)self|goes\s+by)\s+"
    rf"[\"'“‘]?({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})",
)
# "14 years old", "14yo"; and "aged 14", "age 14".
# Found by the "y" of its suffix, which is rarer than a digit; the number is read before it.
_AGE_SUFFIX = re.compile(r"y(?:ears?[\s-]*old\b|rs?[\s-]*old\b|o\b)")
_AGE_NUMBER = re.compile(r"(\d{1,3})[\s-]*$")
_AGE_AFTER_CUE = re.compile(r"[Aa]ged?\s+(\d{1,3})(?!\d)")


def nhs_number_valid(digits: str) -> bool:
    """Whether ten digits pass the NHS number's modulus-11 check.

    Args:
        digits: Ten digits, no spaces.
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def ni_prefix_valid(prefix: str) -> bool:
    """Whether two letters can begin a National Insurance number.

    Args:
        prefix: The two prefix letters, any case.
    """
    pair = prefix.upper()
    return (
        len(pair) == 2
        and pair[0] not in _NI_BAD_FIRST
        and pair[1] not in _NI_BAD_SECOND
        and pair not in _NI_BAD_PAIRS
    )


def phone_numbers(text: str) -> Iterator[Span]:
    """UK telephone numbers in any usual formatting, confirmed by libphonenumber."""
    for candidate in _PHONE_CANDIDATE.finditer(text):
        if not _starts_word(text, candidate.start(), "+"):
            continue
        window = candidate.group(0)
        for match in PhoneNumberMatcher(window, "GB", leniency=Leniency.POSSIBLE):
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            start = candidate.start() + match.start
            yield Span(start, candidate.start() + match.end, "phone", key=phones.clean(number))


def nhs_numbers(text: str) -> Iterator[Span]:
    """Ten-digit NHS numbers that pass the checksum."""
    for match in _NHS.finditer(text):
        if not _starts_word(text, match.start(), "-"):
            continue
        digits = "".join(match.groups())
        if nhs_number_valid(digits):
            yield Span(match.start(), match.end(), "nhs_number", key=digits)


def ni_numbers(text: str) -> Iterator[Span]:
    """National Insurance numbers with a prefix HMRC issues."""
    for match in _NI.finditer(text):
        prefix = _NI_PREFIX.search(text, max(0, match.start() - 3), match.start())
        if prefix and _starts_word(text, prefix.start()) and ni_prefix_valid(prefix.group(1)):
            key = prefix.group(1) + "".join(match.groups())
            yield Span(prefix.start(), match.end(), "ni_number", key=key.upper())


def vehicle_registrations(text: str) -> Iterator[Span]:
    """UK registrations of every numbering scheme, partial ones (`?`, `*`) included."""
    for match in _VRM.finditer(text):
        if not _starts_word(text, match.start(), "?*"):
            continue
        plate = _plate(match.group(0))
        if plate is not None:
            yield Span(match.start(), match.end(), "vehicle", key=plate)
    for match in _VRM_AFTER_CUE.finditer(text):
        if not _starts_word(text, match.start()):
            continue
        written = match.group(1)
        plate = vehicles.clean(written)
        if plate and any(c.isdigit() for c in plate) and any(c.isalpha() for c in plate):
            yield Span(match.start(1), match.end(1), "vehicle", key=plate)


@lru_cache(maxsize=1 << 16)
def _plate(written: str) -> str | None:
    """The clean plate a match is, when it fits a numbering scheme (the same plates recur)."""
    plate = vehicles.clean(written)
    if (
        plate
        and (vehicles.vrm_format(plate) is not None or vehicles.ANY_RUN in plate)
        and sum(c not in "?*" for c in plate) >= 4
    ):
        return plate
    return None


def uk_postcodes(text: str) -> Iterator[Span]:
    """Whole postcodes written in capitals, and partial ones after the word "postcode"."""
    for inward in _INWARD.finditer(text):
        # The shared postcode pattern, run only where an inward code ("1AA") is.
        match = postcodes.POSTCODE_IN_TEXT.search(text, max(0, inward.start() - 5), inward.end())
        if match is None or match.end() != inward.end():
            continue
        written = match.group(0)
        if written == written.upper():
            clean = postcodes.clean(written) or f"{match.group(1)} {match.group(2)}".upper()
            yield Span(match.start(), match.end(), "postcode", key=clean)
    for match in _POSTCODE_PARTIAL.finditer(text):
        if _starts_word(text, match.start()) and postcodes.parse(match.group(1)) is not None:
            key = postcodes.clean(match.group(1))
            yield Span(match.start(1), match.end(1), "postcode", key=key)


def dates_of_birth(text: str) -> Iterator[Span]:
    """Dates of birth (after "DOB", "date of birth", "born"), and any other
    day-precise date (published to the month only)."""
    for match in _ANY_DATE.finditer(text):
        if not _starts_word(text, match.start()):
            continue
        date = dates.parse_loose_date(match.group(0))
        birth = _BIRTH_CUE.search(text, max(0, match.start() - 20), match.start())
        if birth is not None:
            yield Span(match.start(), match.end(), "dob", key=_month_key(date))
        elif date is not None and date.day is not None:
            yield Span(match.start(), match.end(), "date", key=_month_key(date))


def email_addresses(text: str) -> Iterator[Span]:
    """Email addresses."""
    at = text.find("@")
    while at != -1:
        local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(text, at)
        if local and domain:
            key = emails.clean(text[local.start() : domain.end()])
            if key is not None:
                yield Span(local.start(), domain.end(), "email", key=key)
        at = text.find("@", at + 1)


def names_by_context(text: str) -> Iterator[Span]:
    """Names after a title (Mr, Mrs, Miss, Ms, Mx, Dr) or after "known as", "aka"."""
    for match in _TITLED.finditer(text):
        if _starts_word(text, match.start()):
            yield Span(match.start(), match.end(), "person", key=_name_key(match.group(0)))
    # Their first letters are common ones, so each cue is found by a plain search,
    # which is far faster than the pattern's scan, and the pattern tried only there.
    found: list[Span] = []
    for cue in _KNOWN_AS_CUES:
        at = text.find(cue)
        while at != -1:
            cued = _KNOWN_AS.match(text, at)
            if cued is not None and _starts_word(text, at):
                name = cued.group(1)
                found.append(Span(cued.start(1), cued.end(1), "person", key=_name_key(name)))
            at = text.find(cue, at + 1)
    yield from sorted(found)


def ages(text: str) -> Iterator[Span]:
    """Ages ("aged 14", "14 years old", "14yo"), in text order: published as bands."""
    found: list[Span] = []
    for suffix in _AGE_SUFFIX.finditer(text):
        at = suffix.start()
        if not text[at - 1 : at].isdigit() and text[at - 1 : at] not in {" ", "-", "\t", "\n"}:
            continue
        number = _AGE_NUMBER.search(text, max(0, at - 12), at)
        if number is None or not _starts_word(text, number.start()):
            continue
        if suffix.group(0) == "yo" and text[number.end(1) : at] not in {"", " ", "\t", "\n"}:
            continue  # "14yo" or "14 yo", no more between
        found.append(Span(number.start(), suffix.end(), "age", key=number.group(1)))
    for match in _AGE_AFTER_CUE.finditer(text):
        if _starts_word(text, match.start()):
            found.append(Span(match.start(), match.end(), "age", key=match.group(1)))
    return iter(sorted(found))


def _starts_word(text: str, start: int, also: str = "") -> bool:
    """Whether a match starts a word: no letter, digit (or one of `also`) just before it."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (before.isalnum() or before == "_" or before in also)


def _month_key(date: dates.PartialDate | None) -> str | None:
    if date is None or date.month is None:
        return None
    return f"{date.year:04d}-{date.month:02d}"


def _name_key(text: str) -> str:
    return " ".join(text.lower().split())


RECOGNISERS: tuple[Recogniser, ...] = (
    phone_numbers,
    nhs_numbers,
    ni_numbers,
    vehicle_registrations,
    uk_postcodes,
    dates_of_birth,
    email_addresses,
    names_by_context,
    ages,
)


def recognise(text: str) -> list[Span]:
    """Runs every UK pattern recogniser over a text.

    Args:
        text: Any text.

    Returns:
        Spans, possibly overlapping, in no particular order.
    """
    return [span for recogniser in RECOGNISERS for span in recogniser(text)]

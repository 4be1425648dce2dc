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
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

import ahocorasick
import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from vigil.core.normalise import addresses, dates, emails, phones, postcodes, vehicles
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
# (The look-ahead fails most capitalised words at their second letter, at once.)
_VRM = re.compile(
    rf"{_L}(?=[A-Z0-9?])(?:{_L}{_D}{{2}}\s?{_L}{{3}}|{_D}{{1,3}}\s?{_L}{{3}}"
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
_KNOWN_AS = re.compile(
    rf"(?:known\s+as|aka|a\.k\.a\.?|nicknamed|calls\s+(?:him|her)self|goes\s+by)\s+"
    rf"[\"'“‘]?({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})",
)
# "14 years old", "14yo"; and "aged 14", "age 14".
# Found by the "y" of its suffix, which is rarer than a digit; the number is read before it.
_AGE_SUFFIX = re.compile(r"y(?:ears?[\s-]*old\b|rs?[\s-]*old\b|o\b)")
_AGE_NUMBER = re.compile(r"(\d{1,3})[\s-]*$")
_AGE_AFTER_CUE = re.compile(r"[Aa]ged?\s+(\d{1,3})(?!\d)")
# A street address: house number, street name and a street word ("12 Oak Street",
# "3a Mill Rd"), and a flat before it. A known town after it joins it in `Redactor`.
_STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Cl|Crescent|Cres|Drive|Dr|Court|Ct|Gardens"
    "|Gdns|Grove|Gr|Place|Pl|Square|Sq|Terrace|Terr|Ter|Parade|Walk|Way|View|Mount|Hill|Row"
    "|Mews|Rise|Green|Yard|Wharf|Quay|Approach|Boulevard|Cottages|Estate|Park"
)
_STREET_ADDRESS = re.compile(
    rf"\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\-]+\s+){{1,3}}(?:{_STREET_WORDS})(?![\w'\-])"
)
_FLAT_BEFORE = re.compile(r"(?:Flat|FLAT|flat|Apartment|Apt|Unit|Room)\.?\s+\w{1,4},?\s+$")
# A professional named with their role: "PC 1234 Smith", "DS Jane Doe", "Social
# Worker Ann Lee". Found by the role's last word; the words before it that are
# part of the role ("Social", "Detective") are read back from there.
_NAME = r"[A-Z][a-z'\-]+(?:[ \t]+[A-Z][a-z'\-]+){0,2}"
_POLICE_ABBREVIATIONS = (
    *("PCSO", "PC", "DCI", "DC", "DSI", "DSU", "DS", "PS", "DI"),
    *("Sgt", "Insp", "Supt"),
)
_OTHER_ABBREVIATIONS = {"SW": "Social worker"}
_ROLE_WORDS = (
    "Officer|Worker|Nurse|Visitor|Teacher|Headteacher|Constable|Sergeant|Inspector"
    "|Superintendent|Practitioner|Coordinator|Manager|Analyst|Midwife|Paramedic|Doctor"
)
_ROLE = re.compile(
    rf"({'|'.join((*_POLICE_ABBREVIATIONS, *_OTHER_ABBREVIATIONS))}|{_ROLE_WORDS})\.?"
    rf"(?:[ \t]+\d{{2,6}})?[ \t]+({_NAME})(?![\w'\-])"
)
_POLICE_WORDS = frozenset(
    {"police", "constable", "sergeant", "inspector", "superintendent", "detective", "pcso"}
)
# Words that start a sentence or join words, not part of a role or a place's name.
_NOT_A_NAME = frozenset(
    {"the", "a", "an", "and", "or", "then", "by", "with", "from", "to", "at", "of", "in", "on"}
    | {"saw", "said", "see", "seen", "met", "told", "asked", "rang", "called", "visited"}
)
# A named place by its type word: "Golden Pizza", "Crown Cars", "Moorside Hotel".
_PLACE_TYPES = {
    "pizza": "takeaway",
    "kebab": "takeaway",
    "fish bar": "takeaway",
    "chippy": "takeaway",
    "balti": "takeaway",
    "grill": "takeaway",
    "takeaway": "takeaway",
    "hotel": "hotel",
    "lodge": "hotel",
    "inn": "hotel",
    "guest house": "hotel",
    "school": "school",
    "academy": "school",
    "college": "school",
    "cars": "taxi_firm",
    "taxis": "taxi_firm",
    "private hire": "taxi_firm",
    "cabs": "taxi_firm",
    "supermarket": "shop",
    "stores": "shop",
    "pharmacy": "shop",
    "off licence": "shop",
}
_PLACE_AFTER = re.compile(r"(?:[ \t]+(?:House|Bar|Shop|Hire|Licence))?(?![\w'\-])")


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
    return _phone_numbers(text, _PHONE_CANDIDATE.finditer(text))


def _phone_numbers(text: str, candidates: Iterable[re.Match[str]]) -> Iterator[Span]:
    for candidate in candidates:
        if not _starts_word(text, candidate.start(), "+"):
            continue
        window = candidate.group(0)
        for match in PhoneNumberMatcher(window, "GB", leniency=Leniency.POSSIBLE):
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            start = candidate.start() + match.start
            yield Span(start, candidate.start() + match.end, "phone", key=phones.clean(number))


def nhs_numbers(text: str) -> Iterator[Span]:
    """Ten-digit NHS numbers that pass the checksum."""
    return _nhs_numbers(text, _NHS.finditer(text))


def _nhs_numbers(text: str, matches: Iterable[re.Match[str]]) -> Iterator[Span]:
    for match in matches:
        if not _starts_word(text, match.start(), "-"):
            continue
        digits = "".join(match.groups())
        if nhs_number_valid(digits):
            yield Span(match.start(), match.end(), "nhs_number", key=digits)


def ni_numbers(text: str) -> Iterator[Span]:
    """National Insurance numbers with a prefix HMRC issues."""
    return _ni_numbers(text, _NI.finditer(text))


def _ni_numbers(text: str, matches: Iterable[re.Match[str]]) -> Iterator[Span]:
    for match in matches:
        prefix = _NI_PREFIX.search(text, max(0, match.start() - 3), match.start())
        if prefix and _starts_word(text, prefix.start()) and ni_prefix_valid(prefix.group(1)):
            key = prefix.group(1) + "".join(match.groups())
            yield Span(prefix.start(), match.end(), "ni_number", key=key.upper())


def vehicle_registrations(text: str) -> Iterator[Span]:
    """UK registrations of every numbering scheme, partial ones (`?`, `*`) included."""
    return _vehicle_registrations(text, _VRM.finditer(text), _VRM_AFTER_CUE.finditer(text))


def _vehicle_registrations(
    text: str, plates: Iterable[re.Match[str]], cued: Iterable[re.Match[str]]
) -> Iterator[Span]:
    for match in plates:
        if not _starts_word(text, match.start(), "?*"):
            continue
        plate = _plate(match.group(0))
        if plate is not None:
            yield Span(match.start(), match.end(), "vehicle", key=plate)
    for match in cued:
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
    return _uk_postcodes(text, _INWARD.finditer(text), _POSTCODE_PARTIAL.finditer(text))


def _uk_postcodes(
    text: str, inwards: Iterable[re.Match[str]], cued: Iterable[re.Match[str]]
) -> Iterator[Span]:
    for inward in inwards:
        # The shared postcode pattern, run only where an inward code ("1AA") is.
        match = postcodes.POSTCODE_IN_TEXT.search(text, max(0, inward.start() - 5), inward.end())
        if match is None or match.end() != inward.end():
            continue
        written = match.group(0)
        if written == written.upper():
            clean = postcodes.clean(written) or f"{match.group(1)} {match.group(2)}".upper()
            yield Span(match.start(), match.end(), "postcode", key=clean)
    for match in cued:
        if _starts_word(text, match.start()) and postcodes.parse(match.group(1)) is not None:
            key = postcodes.clean(match.group(1))
            yield Span(match.start(1), match.end(1), "postcode", key=key)


def dates_of_birth(text: str) -> Iterator[Span]:
    """Dates of birth (after "DOB", "date of birth", "born"), and any other
    day-precise date (published to the month only)."""
    return _dates_of_birth(text, _ANY_DATE.finditer(text))


def _dates_of_birth(text: str, matches: Iterable[re.Match[str]]) -> Iterator[Span]:
    for match in matches:
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
    cues = _cue_starts(text)
    return _names_by_context(text, _TITLED.finditer(text), cues["known_as"])


def _names_by_context(
    text: str, titled: Iterable[re.Match[str]], known_as: Iterable[tuple[int, str]]
) -> Iterator[Span]:
    for match in titled:
        if _starts_word(text, match.start()):
            yield Span(match.start(), match.end(), "person", key=_name_key(match.group(0)))
    # Each cue is tried on its own: one "known as" may sit inside another's name.
    found: list[Span] = []
    for at, _ in known_as:
        cued = _KNOWN_AS.match(text, at)
        if cued is not None and _starts_word(text, at):
            name = cued.group(1)
            found.append(Span(cued.start(1), cued.end(1), "person", key=_name_key(name)))
    yield from sorted(found)


def ages(text: str) -> Iterator[Span]:
    """Ages ("aged 14", "14 years old", "14yo"), in text order: published as bands."""
    return _ages(text, _AGE_AFTER_CUE.finditer(text))


def _ages(text: str, cued: Iterable[re.Match[str]]) -> Iterator[Span]:
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
    for match in cued:
        if _starts_word(text, match.start()):
            found.append(Span(match.start(), match.end(), "age", key=match.group(1)))
    return iter(sorted(found))


def street_addresses(text: str) -> Iterator[Span]:
    """Street addresses ("Flat 2, 12 Oak Street, Ashworth"): published as "an address"."""
    return _street_addresses(text, _STREET_ADDRESS.finditer(text))


def _street_addresses(text: str, matches: Iterable[re.Match[str]]) -> Iterator[Span]:
    for match in matches:
        if not _starts_word(text, match.start()):
            continue
        start, end = match.start(), match.end()
        flat = _FLAT_BEFORE.search(text, max(0, start - 20), start)
        if flat is not None and _starts_word(text, flat.start()):
            start = flat.start()
        key = addresses.parse(text[start:end])
        yield Span(start, end, "address", key=key.key if key else text[start:end].lower())


def professionals(text: str) -> Iterator[Span]:
    """Professionals named with their role ("PC Smith", "Social Worker Ann Lee")."""
    return _professionals(text, _cue_starts(text)["role"])


def _professionals(text: str, cues: Iterable[tuple[int, str]]) -> Iterator[Span]:
    end = 0
    for at, _ in cues:
        if at < end or not _starts_word(text, at):
            continue
        match = _ROLE.match(text, at)
        if match is None:
            continue
        head, start = match.group(1), at
        if head not in _POLICE_ABBREVIATIONS and head not in _OTHER_ABBREVIATIONS:
            before = _names_before(text, at)  # "Social" of "Social Worker"
            start = at if before is None else before
        role = _role_series(text[start : match.start(2)])
        end = match.end()
        yield Span(start, end, "professional", key=f"{role}|{_name_key(match.group(2))}")


def _role_series(role: str) -> str:
    """What a professional is called in public: "Police officer", "Social worker"."""
    words = role.replace(".", " ").split()
    words = [w for w in words if not w.isdigit()]
    if words[-1] in _POLICE_ABBREVIATIONS or _POLICE_WORDS & {w.lower() for w in words}:
        return "Police officer"
    if words[-1] in _OTHER_ABBREVIATIONS:
        return _OTHER_ABBREVIATIONS[words[-1]]
    return " ".join(words).capitalize()


def named_places(text: str) -> Iterator[Span]:
    """Businesses and institutions named with their type ("Golden Pizza", "Crown Cars")."""
    return _named_places(text, _cue_starts(text)["place"])


def _named_places(text: str, cues: Iterable[tuple[int, str]]) -> Iterator[Span]:
    for at, word in cues:
        # Cheap tests first: most type words ("at school") have no name before them.
        if at < 2 or text[at - 1] != " " or not _starts_word(text, at):
            continue
        space = text.rfind(" ", max(0, at - 40), at - 1)
        if not text[space + 1 : space + 2].isupper():
            continue
        after = _PLACE_AFTER.match(text, at + len(word))
        start = _names_before(text, at)
        if after is None or start is None:
            continue
        name = " ".join(text[start : after.end()].lower().split())
        place_type = _PLACE_TYPES[word.lower()]
        yield Span(start, after.end(), "organisation", key=f"{place_type}:{name}")


def _names_before(text: str, at: int, most: int = 3) -> int | None:
    """Where the capitalised words just before `at` start: up to `most`, a space or
    tab apart, not counting a first word that starts a sentence or joins ("Saw",
    "The"); None when there are none. (A walk back: far cheaper than a pattern
    searched over the text before.)"""
    words: list[tuple[int, int]] = []
    end = at
    while len(words) < most and end > 0 and text[end - 1] in " \t":
        stop = end - 1
        while stop > 0 and text[stop - 1] in " \t":
            stop -= 1
        begin = stop
        while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "_'&-"):
            begin -= 1
        if begin == stop or not "A" <= text[begin] <= "Z":
            break
        words.append((begin, stop))
        end = begin
    while words and text[words[-1][0] : words[-1][1]].lower() in _NOT_A_NAME:
        words.pop()
    return words[-1][0] if words else None


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
    street_addresses,
    professionals,
    named_places,
)


# The patterns that start with a digit (or the "+" or "(" of a phone number), found
# in one scan: each is tried only where one of them matches. A scan of a long text
# costs about the same whatever its pattern, so one scan instead of six is most
# of the saving. The scan matches the first character, then looks back over it for
# any of the patterns: a pattern that starts with a character class lets the engine
# skip ahead to where one can start, which one that starts with a look-ahead does not.
# Those that must start a word are not looked for inside one (a number's later
# digits): there they would be dropped anyway.
_DIGIT_LED = (_PHONE_CANDIDATE, _NHS, _NI, _ANY_DATE, _INWARD, _STREET_ADDRESS)
_WORD_START_LED = (_PHONE_CANDIDATE, _NHS, _ANY_DATE, _STREET_ADDRESS)
_ANY_DIGIT_LED = re.compile(
    r"[\d+(](?<=(?:(?<![\w+])(?:"
    + "|".join(f"(?={pattern.pattern})" for pattern in _WORD_START_LED)
    + f")|(?={_NI.pattern})|(?={_INWARD.pattern})).)"
)
# The patterns that start with a cue word, tried only where one of its words is:
# each spelling a pattern can start with is listed (these patterns are case
# sensitive), and one pass of a small automaton finds them all, several times
# faster than a scan by each pattern.
_CUES: dict[str, tuple[str, ...]] = {
    "vrm": ("Reg", "reg", "REG", "VRM", "Vrm", "vrm", "Index", "index", "Plate", "plate"),
    "postcode": ("Post", "post", "POST"),
    "age": ("Age", "age"),
    "titled": ("Mr", "Miss", "Ms", "Mx", "Dr"),
    "known_as": ("known", "aka", "a.k.a", "nicknamed", "calls", "goes"),
    "role": (*_POLICE_ABBREVIATIONS, *_OTHER_ABBREVIATIONS, *_ROLE_WORDS.split("|")),
    # A place's type word, capitalised as a name is: "Fish Bar" or "Fish bar".
    "place": tuple(
        {spelling for word in _PLACE_TYPES for spelling in (word.capitalize(), word.title())}
    ),
}


def _cue_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for family, words in _CUES.items():
        for word in words:
            automaton.add_word(word, (len(word) - 1, family, word))
    automaton.make_automaton()
    return automaton


_CUE_AUTOMATON = _cue_automaton()


def recognise(text: str) -> list[Span]:
    """Runs every UK pattern recogniser over a text.

    Gives what running each of `RECOGNISERS` would, with fewer scans of the
    text; and a few more, when a number follows a word with no space ("Smith(07700
    900123"): there the shared scan looks only where a number can start.

    Args:
        text: Any text.

    Returns:
        Spans, possibly overlapping, in no particular order.
    """
    phone, nhs, ni, date, inward, street = _scan(_ANY_DIGIT_LED, _DIGIT_LED, text)
    cues = _cue_starts(text)
    return [
        *_phone_numbers(text, phone),
        *_nhs_numbers(text, nhs),
        *_ni_numbers(text, ni),
        *_vehicle_registrations(
            text, _VRM.finditer(text), _cued(_VRM_AFTER_CUE, cues["vrm"], text)
        ),
        *_uk_postcodes(text, inward, _cued(_POSTCODE_PARTIAL, cues["postcode"], text)),
        *_dates_of_birth(text, date),
        *email_addresses(text),
        *_names_by_context(text, _cued(_TITLED, cues["titled"], text), cues["known_as"]),
        *_ages(text, _cued(_AGE_AFTER_CUE, cues["age"], text)),
        *_street_addresses(text, street),
        *_professionals(text, cues["role"]),
        *_named_places(text, cues["place"]),
    ]


def _scan(
    combined: re.Pattern[str], patterns: tuple[re.Pattern[str], ...], text: str
) -> list[list[re.Match[str]]]:
    """For each pattern, the matches its `finditer` gives, from one scan for them all.

    `combined` matches where any of the patterns starts (that a recogniser
    would keep); there each pattern is tried that is not inside its own
    previous match, as `finditer` would.
    """
    found: list[list[re.Match[str]]] = [[] for _ in patterns]
    ends = [0] * len(patterns)
    for hit in combined.finditer(text):
        at = hit.start()
        for index, pattern in enumerate(patterns):
            if at >= ends[index]:
                match = pattern.match(text, at)
                if match is not None:
                    found[index].append(match)
                    ends[index] = match.end()
    return found


def _cue_starts(text: str) -> dict[str, list[tuple[int, str]]]:
    """Where each family's cue words start in a text, in order, and which word."""
    found: dict[str, list[tuple[int, str]]] = {family: [] for family in _CUES}
    for end, (less, family, word) in _CUE_AUTOMATON.iter(text):
        found[family].append((end - less, word))
    for cues in found.values():
        # A shorter word ending later may start later; of two starting together
        # ("PC", "PCSO"), the longer is kept.
        cues.sort(key=lambda cue: (cue[0], -len(cue[1])))
        cues[:] = [cue for i, cue in enumerate(cues) if i == 0 or cues[i - 1][0] != cue[0]]
    return found


def _cued(pattern: re.Pattern[str], cues: list[tuple[int, str]], text: str) -> list[re.Match[str]]:
    """The matches `pattern.finditer(text)` gives, tried only where a cue word starts."""
    found: list[re.Match[str]] = []
    end = 0
    for at, _ in cues:
        if at >= end:
            match = pattern.match(text, at)
            if match is not None:
                found.append(match)
                end = match.end()
    return found

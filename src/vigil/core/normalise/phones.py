"""Telephone numbers, read with Google's libphonenumber rules (UK by default).

A number that parses is kept in E.164 form ("+447700900123"). One that does
not is kept as its digits, flagged, because a mistyped number in a record is
still evidence: its last nine digits may match a number written properly
elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

DEFAULT_REGION = "GB"
# Nine digits is a UK number without its trunk zero and area code's first
# digit: enough to be rare, short enough to survive a mistyped prefix.
TAIL_DIGITS = 9
# Fewer digits than a local number without its area code is not a phone number.
MIN_DIGITS = 6

# Extensions are not part of the line: "0114 496 0000 ext 123".
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#)\s*\d+\s*$", re.IGNORECASE)
# "+44 (0) 114": the bracketed zero is the UK trunk prefix and must go.
_TRUNK_IN_BRACKETS = re.compile(r"\(\s*0\s*\)")
_NOT_DIGIT = re.compile(r"[^0-9]")
_LEADING_PLUS = re.compile(r"[\s(\[]*\+")


class PhoneLevel(IntEnum):
    """How alike two numbers are, strongest last."""

    NONE = 0
    SAME_TAIL = 1  # the last nine digits agree: weak evidence
    EXACT = 2  # the same number once read


@dataclass(frozen=True, slots=True)
class PhoneValue:
    """A telephone number as read.

    Attributes:
        raw: The number as written.
        clean: E.164 when the number could be read, otherwise its digits
            (with a leading + when one was written).
        e164: The E.164 form, or None when the number could not be read.
        valid: Whether the number is in an allocated range. A number in a
            reserved range (such as Ofcom's drama numbers, 07700 900xxx) has
            an E.164 form but is not valid.
        tail: The last nine digits, for weak matching.
    """

    raw: str
    clean: str
    e164: str | None
    valid: bool
    tail: str


@lru_cache(maxsize=1 << 16)
def parse(text: str, region: str = DEFAULT_REGION) -> PhoneValue | None:
    """Reads a telephone number.

    Args:
        text: The number as written: "07700 900123", "+44 (0)7700 900123", "0044...".
        region: Where a number without a country code is taken to be.

    Returns:
        The number, or None when the text holds fewer than `MIN_DIGITS` digits.
    """
    written = _TRUNK_IN_BRACKETS.sub("", _EXTENSION.sub("", text))
    digits = _NOT_DIGIT.sub("", written)
    if len(digits) < MIN_DIGITS:
        return None
    # Parse the digits alone (not the text) so that the clean form reads back
    # to itself: libphonenumber would otherwise turn letters into digits.
    candidate = "+" + digits if _LEADING_PLUS.match(written) else digits
    e164: str | None = None
    valid = False
    try:
        number = phonenumbers.parse(candidate, region)
    except NumberParseException:
        number = None
    if (
        number is not None
        and phonenumbers.is_possible_number_with_reason(number) == ValidationResult.IS_POSSIBLE
    ):
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        valid = phonenumbers.is_valid_number(number)
    clean_form = e164 or candidate
    return PhoneValue(
        raw=text,
        clean=clean_form,
        e164=e164,
        valid=valid,
        tail=_NOT_DIGIT.sub("", clean_form)[-TAIL_DIGITS:],
    )


def clean(text: str) -> str | None:
    """A number in E.164 form, or its digits when it cannot be read.

    Args:
        text: The number as written.

    Returns:
        "+447700900123" for "07700 900123"; None when the text holds too few digits.
    """
    value = parse(text)
    return None if value is None else value.clean


def keys(text: str) -> tuple[str, ...]:
    """Blocking and search keys: the clean number and its last nine digits.

    Args:
        text: The number as written.

    Returns:
        Keys, or an empty tuple when the text holds too few digits.
    """
    value = parse(text)
    if value is None:
        return ()
    return tuple(dict.fromkeys((value.clean, value.tail)))


def compare(a: str | None, b: str | None) -> PhoneLevel | None:
    """How alike two numbers are.

    Args:
        a: A number as written, or None.
        b: Another.

    Returns:
        The level, or None when either is missing or holds too few digits.
    """
    left = parse(a) if a else None
    right = parse(b) if b else None
    if left is None or right is None:
        return None
    if left.clean == right.clean:
        return PhoneLevel.EXACT
    if len(left.tail) == TAIL_DIGITS and left.tail == right.tail:
        return PhoneLevel.SAME_TAIL
    return PhoneLevel.NONE

"""UK vehicle registration marks (VRMs) as witnesses and officers write them.

Plates are often partial. An unknown character is written `?` (or `_`), and
`*` stands for any number of unknown characters, as in "YB02*". A clean VRM
is upper case with no spaces: "YB02KL?".
"""

from __future__ import annotations

import re
from enum import Enum, IntEnum
from functools import cache, lru_cache

import jellyfish

UNKNOWN = "?"
ANY_RUN = "*"

_NOT_VRM = re.compile(r"[^A-Z0-9?*]")
_RUNS = re.compile(r"\*+")
_PLACEHOLDERS = frozenset({"UNKNOWN", "NK", "NONE", "TBC", "NOTKNOWN", "NA", "NIL"})
# Characters a witness or a camera most often reads for one another.
_LOOK_ALIKE = str.maketrans("OIQSBZGD", "01058260")


class VrmFormat(Enum):
    """The UK numbering schemes a registration can follow."""

    CURRENT = "current"  # AB12 CDE, since September 2001
    PREFIX = "prefix"  # A123 BCD, 1983-2001
    SUFFIX = "suffix"  # ABC 123D, 1963-1983
    NORTHERN_IRELAND = "northern_ireland"  # ABZ 1234: the code holds an I or a Z
    DATELESS = "dateless"  # ABC 123 or 123 ABC, before 1963 (and cherished plates)


def _pattern(spec: str) -> re.Pattern[str]:
    # "L" is a letter, "D" a digit; an unknown character may stand for either.
    return re.compile(spec.replace("L", "[A-Z?]").replace("D", "[0-9?]"))


# Groups are the two halves of the display form. Order matters: a partial
# plate takes the first scheme it fits.
_FORMATS: tuple[tuple[VrmFormat, re.Pattern[str]], ...] = (
    (VrmFormat.CURRENT, _pattern(r"(LLDD)(LLL)")),
    (VrmFormat.PREFIX, _pattern(r"(LD{1,3})(LLL)")),
    (VrmFormat.SUFFIX, _pattern(r"(L{1,3})(D{1,3}L)")),
    (VrmFormat.NORTHERN_IRELAND, re.compile(r"([A-Z?]?(?:[IZ][A-Z?]|[A-Z?][IZ]))([0-9?]{1,4})")),
    (VrmFormat.DATELESS, _pattern(r"(L{1,3})(D{1,4})")),
    (VrmFormat.DATELESS, _pattern(r"(D{1,4})(L{1,3})")),
)


class VrmLevel(IntEnum):
    """How alike two registrations are, strongest last."""

    NONE = 0
    ONE_EDIT = 1  # one character different, missing, extra or two swapped
    LOOK_ALIKE = 2  # equal once O/0, I/1, S/5, B/8 and the like are read as one
    COMPATIBLE = 3  # a partial plate that the other could be
    EXACT = 4


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str | None:
    """A registration in upper case with no spaces or punctuation; unknowns as `?`.

    Args:
        text: A registration as written, e.g. "yb02 kl_".

    Returns:
        "YB02KL?", or None when nothing of a registration is left.
    """
    value = text.upper().replace("_", UNKNOWN)
    value = _RUNS.sub(ANY_RUN, _NOT_VRM.sub("", value))
    if value in _PLACEHOLDERS or not value.strip(UNKNOWN + ANY_RUN):
        return None
    return value


def is_partial(vrm: str) -> bool:
    """Whether a registration has unknown characters.

    Args:
        vrm: A registration, clean or as written.
    """
    value = clean(vrm)
    return value is not None and (UNKNOWN in value or ANY_RUN in value)


@lru_cache(maxsize=1 << 16)
def vrm_format(vrm: str) -> VrmFormat | None:
    """The numbering scheme a registration fits (a partial one as far as it is known).

    Args:
        vrm: A registration, clean or as written.

    Returns:
        The scheme, or None for a foreign, mistyped or open-ended (`*`) plate.
    """
    split = _split(vrm)
    return None if split is None else split[0]


def display(vrm: str) -> str | None:
    """The registration as printed on the plate, with its space ("YB02 KL?").

    Args:
        vrm: A registration, clean or as written.

    Returns:
        The display form; a plate that fits no scheme is returned clean.
    """
    value = clean(vrm)
    if value is None:
        return None
    split = _split(value)
    return value if split is None else f"{split[1]} {split[2]}"


def _split(vrm: str) -> tuple[VrmFormat, str, str] | None:
    value = clean(vrm)
    if value is None or ANY_RUN in value:
        return None
    for scheme, pattern in _FORMATS:
        match = pattern.fullmatch(value)
        if match:
            return scheme, match.group(1), match.group(2)
    return None


@lru_cache(maxsize=1 << 18)
def compatible(a: str, b: str) -> bool:
    """Whether one vehicle could carry both registrations, unknowns filled in.

    Both may be partial: "YB02KL?" and "YB0?KLM" are compatible, and so are
    "YB02*" and "*KLM".

    Args:
        a: A registration, clean or as written.
        b: Another.
    """
    left, right = clean(a), clean(b)
    if left is None or right is None:
        return False
    return _patterns_meet(left, right)


def _patterns_meet(left: str, right: str) -> bool:
    """Whether some string fits both patterns (`?` one character, `*` any run)."""
    if ANY_RUN not in left and ANY_RUN not in right:
        return len(left) == len(right) and all(
            UNKNOWN in (x, y) or x == y for x, y in zip(left, right, strict=True)
        )

    @cache
    def meet(i: int, j: int) -> bool:
        if i == len(left) and j == len(right):
            return True
        if i < len(left) and left[i] == ANY_RUN:
            return meet(i + 1, j) or (j < len(right) and meet(i, j + 1))
        if j < len(right) and right[j] == ANY_RUN:
            return meet(i, j + 1) or (i < len(left) and meet(i + 1, j))
        if i == len(left) or j == len(right):
            return False
        x, y = left[i], right[j]
        return (x == y or UNKNOWN in (x, y)) and meet(i + 1, j + 1)

    return meet(0, 0)


def matches(partial: str, full: str) -> bool:
    """Whether a full registration fits a partial one.

    Args:
        partial: A registration with unknowns, e.g. "YB02 KL?".
        full: A registration with none, e.g. "YB02KLM".
    """
    return compatible(partial, full)


def to_regex(partial: str) -> re.Pattern[str] | None:
    """A regular expression that finds clean registrations fitting a partial one.

    Args:
        partial: A registration, clean or as written.

    Returns:
        A compiled pattern for `fullmatch` on clean registrations, or None.
    """
    value = clean(partial)
    if value is None:
        return None
    body = "".join(
        "[A-Z0-9]" if c == UNKNOWN else "[A-Z0-9]*" if c == ANY_RUN else c for c in value
    )
    return re.compile(body)


def keys(vrm: str) -> tuple[str, ...]:
    """Blocking and search keys: the clean plate, or for a partial its known head and tail.

    Args:
        vrm: A registration as written.

    Returns:
        Keys; a partial plate gives its longest known run before and after the unknowns.
    """
    value = clean(vrm)
    if value is None:
        return ()
    if UNKNOWN not in value and ANY_RUN not in value:
        return (value, value.translate(_LOOK_ALIKE))
    runs = [run for run in re.split(r"[?*]", value) if run]
    return tuple(dict.fromkeys(run for run in (runs[0], runs[-1]) if len(run) >= 2))


def compare(a: str | None, b: str | None) -> VrmLevel | None:
    """How alike two registrations are.

    Args:
        a: A registration as written, or None.
        b: Another.

    Returns:
        The strongest level that holds, or None when either is missing.
    """
    left = clean(a) if a else None
    right = clean(b) if b else None
    if left is None or right is None:
        return None
    return _compare_clean(left, right)


@lru_cache(maxsize=1 << 18)
def _compare_clean(left: str, right: str) -> VrmLevel:
    if left == right and UNKNOWN not in left and ANY_RUN not in left:
        return VrmLevel.EXACT
    if _patterns_meet(left, right):
        return VrmLevel.COMPATIBLE
    if left.translate(_LOOK_ALIKE) == right.translate(_LOOK_ALIKE):
        return VrmLevel.LOOK_ALIKE
    if jellyfish.damerau_levenshtein_distance(left, right) == 1:
        return VrmLevel.ONE_EDIT
    return VrmLevel.NONE

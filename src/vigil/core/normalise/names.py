"""People's names as agencies write them: nicknames, first names alone, misspellings,
transliterations, surnames first, titles and initials.

A name is read once into a `NameValue` that carries every key linkage, search
and redaction need. Keys are built from three sources, strongest first:

1. transliteration families (`data/names.yaml`): Mohamed and Muhammad are
   one name spelt two ways;
2. nicknames (the `nicknames` package plus UK additions): Liz is a short form
   of Elizabeth;
3. rules: a spelling key (`spelling_key`) and phonetic codes (metaphone,
   NYSIIS) that catch spellings no table lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import cache, lru_cache
from importlib import resources

import jellyfish
import yaml
from nicknames import NickNamer
from unidecode import unidecode

# Jaro-Winkler thresholds for the two fuzzy levels; the usual Splink cut-offs
# for names.
VERY_SIMILAR_THRESHOLD = 0.94
SIMILAR_THRESHOLD = 0.88

# "N/K", "n.k.", "N/A", "?", "-": the field was filled in to say nothing.
_NOT_KNOWN = re.compile(r"\s*(?:n\s*[/.\\]\s*k\.?|n\s*/\s*a|\?+|-+)\s*", re.IGNORECASE)
_DOTTED_AKA = re.compile(r"\ba\s*\.\s*k\s*\.\s*a\b\.?", re.IGNORECASE)
# Applied after punctuation has become spaces, so a clean name splits the same way.
_ALIAS_MARK = re.compile(
    r"(?<![A-Za-z])(?:aka|also\s+known\s+as|known\s+as|alias)(?![A-Za-z])", re.IGNORECASE
)
_ALIAS_SPLIT = re.compile(
    r"\b(?:aka|a\s*\.\s*k\s*\.\s*a\.?|also\s+known\s+as|known\s+as|alias)\b|[/;|]",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
_APOSTROPHES = re.compile(r"['`]")
_HAS_LETTER = re.compile(r"[A-Za-z]")
# Anything that is not a letter, comma or hyphen separates words; dots too,
# which turns "J.A. Smith" into the initials J and A.
_SEPARATORS = re.compile(r"[^A-Za-z,\-]+")
_HYPHENS = re.compile(r"-{2,}")
_NON_LETTERS = re.compile(r"[^a-z]")
_NOT_IN_TOKEN = re.compile(r"[^a-z\-]")
_SURNAME_PARTS = re.compile(r"[\s\-]+")
# Polish and Russian surnames change with sex: Kowalska is a Kowalski, Ivanova an Ivanov.
_FEMININE_ENDINGS = (
    (re.compile(r"(?<=[a-z]{3})(dzk|ck|sk)a$"), r"\1i"),
    (re.compile(r"(?<=[a-z]{3})(ov|ev)a$"), r"\1"),
)


class NameLevel(IntEnum):
    """How alike two names (or two name parts) are, strongest last.

    Linkage turns each level into a comparison level; search and redaction
    pick a floor (for instance, PHONETIC and above).
    """

    NONE = 0
    INITIAL = 1  # one side is an initial that agrees with the other's first letter
    SIMILAR = 2  # Jaro-Winkler >= SIMILAR_THRESHOLD
    VERY_SIMILAR = 3  # Jaro-Winkler >= VERY_SIMILAR_THRESHOLD
    PHONETIC = 4  # same metaphone or NYSIIS code
    NICKNAME = 5  # one is a short form of the other, or both of one name
    FAMILY = 6  # one name spelt two ways (transliteration table or spelling key)
    EXACT = 7


@dataclass(frozen=True, slots=True)
class NameValue:
    """A person's name read into parts and keys.

    Attributes:
        raw: The name as written.
        clean: Lower-case ASCII, forenames then surname, no titles or punctuation.
        forenames: Forename tokens in order; a one-letter token is an initial.
        surname: The surname (may hold a particle or hyphen, as "al hassan"),
            or None when only one word was written.
        forename_key: First forename after transliteration family and nickname.
        forename_keys: Every name the first forename may stand for (for
            nickname matching and blocking on arrays).
        surname_key: Surname after family, particles and feminine endings.
        forename_spelling: Rule-based spelling key of the first forename.
        surname_spelling: Rule-based spelling key of the surname key.
        forename_metaphone: Metaphone code of the first forename.
        forename_nysiis: NYSIIS code of the first forename.
        surname_metaphone: Metaphone code of the surname key.
        surname_nysiis: NYSIIS code of the surname key.
        initials: First letter of each forename and of the surname.
    """

    raw: str
    clean: str
    forenames: tuple[str, ...]
    surname: str | None
    forename_key: str
    forename_keys: frozenset[str]
    surname_key: str | None
    forename_spelling: str
    surname_spelling: str | None
    forename_metaphone: str
    forename_nysiis: str
    surname_metaphone: str | None
    surname_nysiis: str | None
    initials: str


# --- data ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _NameData:
    family: dict[str, str]  # spelling -> family key (a key maps to itself)
    members: dict[str, frozenset[str]]  # family key -> its spellings
    canonicals: dict[str, frozenset[str]]  # nickname -> the names it is short for
    nicknames: dict[str, frozenset[str]]  # name -> its nicknames
    nickname_keys: dict[str, str]  # nickname -> the one key chosen for it
    titles: frozenset[str]
    trailing_titles: frozenset[str]
    suffixes: frozenset[str]
    particles: frozenset[str]
    placeholders: frozenset[str]


@cache
def _data() -> _NameData:
    # Loaded once, on first use, so importing the module stays cheap.
    text = resources.files(__package__).joinpath("data/names.yaml").read_text("utf-8")
    table = yaml.safe_load(text)
    family: dict[str, str] = {}
    for key, variants in table["families"].items():
        for spelling in (key, *variants):
            if family.setdefault(spelling, key) != key:
                raise ValueError(f"names.yaml: {spelling!r} is in two families")
    members: dict[str, set[str]] = {}
    for spelling, key in family.items():
        members.setdefault(key, set()).add(spelling)

    short_forms = NickNamer.default_lookup()
    for name, extra in table["nicknames"].items():
        short_forms.setdefault(name, set()).update(extra)
    nicknames: dict[str, set[str]] = {}
    canonicals: dict[str, set[str]] = {}
    for name, shorts in short_forms.items():
        if not name.isalpha():
            continue
        name_key = family.get(name, name)
        for short in shorts:
            # Entries such as "k.c." are initials, not names.
            if not short.isalpha() or family.get(short, short) == name_key:
                continue
            nicknames.setdefault(name_key, set()).add(short)
            canonicals.setdefault(short, set()).add(name_key)
    nickname_keys = {
        short: family.get(name, name) for short, name in table["nickname_keys"].items()
    }
    return _NameData(
        family=family,
        members={k: frozenset(v) for k, v in members.items()},
        canonicals={k: frozenset(v) for k, v in canonicals.items()},
        nicknames={k: frozenset(v) for k, v in nicknames.items()},
        nickname_keys=nickname_keys,
        titles=frozenset(table["titles"]),
        trailing_titles=frozenset(table["trailing_titles"]),
        suffixes=frozenset(table["suffixes"]),
        particles=frozenset(table["particles"]),
        placeholders=frozenset(table["placeholders"]),
    )


# --- tokens ----------------------------------------------------------------

# Each step is a spelling difference that transliteration or English spelling
# makes without changing the name; the order matters (digraphs before vowels).
_SPELLING_STEPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"eigh$|igh$", "i"),  # Kayleigh/Kayley
        (r"(?<=.)(?:ey|ie|ee|y)$", "i"),  # final -ey/-ie/-ee/-y
        (r"(.)\1+", r"\1"),  # Hussain/Husain
        (r"tch", "ch"),
        (r"ph", "f"),  # Mustapha/Mustafa
        (r"ck", "k"),
        (r"([kgdt])h", r"\1"),  # Khalid/Kalid, Ghulam/Gulam, Chaudhry, Uthman
        (r"x", "ks"),  # Alexander/Aleksander
        (r"qu?", "k"),  # Tariq/Tarik, Siddiqui/Siddiqi
        (r"c(?=[eiy])", "s"),
        (r"c(?!h)", "k"),  # Carim/Karim
        (r"w(?![aeiouy])", "u"),  # Chowdhury/Choudhury
        (r"(?<=[aeiou])h(?![aeiouy])", ""),  # Rahman, Kahn/Khan, Hamzah/Hamza
        (r"(?<=.)y(?![aeiou])", "i"),  # Bryan/Brian
        (r"(?<=.)(?:ee|ie|ii|i)", "i"),  # Saleem/Salim
        (r"(?<=.)(?:ai|ei|ay|ey|aa|a)(?![iy]|$)", "a"),  # Hussein/Hussain, Aasif
        (r"^[ou]+|(?<=.)(?:oo|ou|uo|o|u)+(?!$)", "u"),  # Osman/Usman, Farooq/Farouk
        (r"(.)\1+", r"\1"),
    )
)
# The vowel of a final unstressed syllable is what transliterations disagree
# on most (Ahmed/Ahmad, Yusuf/Yousef, Akhtar/Akhter), so it is dropped when
# an earlier vowel keeps the word pronounceable.
_LAST_VOWEL = re.compile(r"(?<=[aeiu])([^aeiu]+)[aeiu]+([^aeiu])$")


@lru_cache(maxsize=1 << 16)
def clean_token(text: str) -> str:
    """One word of a name as lower-case ASCII letters (hyphens kept between letters).

    Args:
        text: A single word, in any script.

    Returns:
        The cleaned word; empty when nothing name-like is left.
    """
    word = _APOSTROPHES.sub("", unidecode(text)).lower()
    word = _HYPHENS.sub("-", _NOT_IN_TOKEN.sub("", word))
    return word.strip("-")


@lru_cache(maxsize=1 << 16)
def spelling_key(token: str) -> str:
    """A rule-based key that two spellings of one name usually share.

    Merges doubled letters, ph/f, q/k, kh/k, th/t, ee/i, oo/ou/u, ai/ei and the
    vowel of a final syllable, so Mohamed, Muhammad and Mohammad share a key
    while Mahmood keeps its own. Tables catch what these rules cannot.

    Args:
        token: A clean name token (see `clean_token`).

    Returns:
        The key; empty for an empty token.
    """
    key = _NON_LETTERS.sub("", token)
    for pattern, replacement in _SPELLING_STEPS:
        key = pattern.sub(replacement, key)
    return _LAST_VOWEL.sub(r"\1\2", key)


@lru_cache(maxsize=1 << 16)
def family_key(token: str) -> str:
    """The transliteration family a clean token belongs to, or the token itself.

    Args:
        token: A clean name token.

    Returns:
        The family key ("mohamed" -> "muhammad", "piotr" -> "peter").
    """
    return _data().family.get(token, token)


@lru_cache(maxsize=1 << 16)
def forename_key(token: str) -> str:
    """The canonical forename a clean token stands for.

    Transliteration family first, then a nickname whose canonical name is
    clear ("liz" -> "elizabeth"); a nickname of several names keeps itself
    ("sam": Samuel or Samantha), since a wrong key is worse than none.

    Args:
        token: A clean forename token.

    Returns:
        The key.
    """
    data = _data()
    if token in data.family:
        return data.family[token]
    if token in data.nickname_keys:
        return data.nickname_keys[token]
    if token not in data.nicknames:
        # Only a pure nickname with a single canonical name is re-keyed.
        canonical = data.canonicals.get(token, frozenset())
        if len(canonical) == 1:
            return next(iter(canonical))
    return token


@lru_cache(maxsize=1 << 16)
def forename_keys(token: str) -> frozenset[str]:
    """Every canonical name a forename token may stand for, its own key included.

    For blocking on arrays: two forenames whose sets meet may be one name.

    Args:
        token: A clean forename token.

    Returns:
        The set of keys.
    """
    key = forename_key(token)
    return frozenset({key} | _data().canonicals.get(token, frozenset()))


def nicknames_of(name: str) -> frozenset[str]:
    """The nicknames of a name (and of its other spellings).

    Args:
        name: A forename in any spelling or case, e.g. "Elizabeth" or "Mohamed".

    Returns:
        Lower-case nicknames, e.g. {"liz", "beth", ...}; empty when none are known.
    """
    return _data().nicknames.get(forename_key(clean_token(name)), frozenset())


def canonicals_of(name: str) -> frozenset[str]:
    """The names a nickname may be short for ("liz" -> elizabeth, lisa, ...).

    Args:
        name: A nickname in any case.

    Returns:
        Canonical names (as family keys); empty when the name is no known nickname.
    """
    return _data().canonicals.get(clean_token(name), frozenset())


def variants(name: str) -> frozenset[str]:
    """Spellings and short forms under which a name may be written.

    For search and redaction: "Mohammed" gives muhammad, mohamed, mohd, mo, ...

    Args:
        name: One word of a name, in any spelling or case.

    Returns:
        Lower-case spellings, the name itself included.
    """
    token = clean_token(name)
    if not token:
        return frozenset()
    data = _data()
    key = forename_key(token)
    found = {token, key, *data.members.get(key, ())}
    found.update(data.nicknames.get(key, ()))
    return frozenset(found)


@lru_cache(maxsize=1 << 16)
def surname_key(surname: str) -> str:
    """The key of a clean surname: particles dropped, families and feminine endings merged.

    "al-hassan" -> "hassan", "kowalska" -> "kowalski", "kahn" -> "khan".

    Args:
        surname: A clean surname (may hold spaces or hyphens).

    Returns:
        The key; parts of a double-barrelled surname joined by a space.
    """
    parts = [p for p in _SURNAME_PARTS.split(surname) if p]
    kept = [p for p in parts if p not in _data().particles] or parts
    return " ".join(_surname_part_key(p) for p in kept)


def _surname_initial(surname: str) -> str:
    parts = [p for p in _SURNAME_PARTS.split(surname) if p]
    kept = [p for p in parts if p not in _data().particles] or parts
    return kept[0][0]


def _surname_part_key(part: str) -> str:
    family = _data().family
    if part in family:
        return family[part]
    if part.endswith("a"):  # every feminine ending does; most surnames do not
        for pattern, replacement in _FEMININE_ENDINGS:
            part = pattern.sub(replacement, part)
    return family.get(part, part)


@lru_cache(maxsize=1 << 16)
def _metaphone(token: str) -> str:
    return jellyfish.metaphone(token.replace("-", "").replace(" ", ""))


@lru_cache(maxsize=1 << 16)
def _nysiis(token: str) -> str:
    return jellyfish.nysiis(token.replace("-", "").replace(" ", ""))


# --- parsing ---------------------------------------------------------------


def clean(text: str) -> str | None:
    """A name as lower-case ASCII, forenames then surname, without titles or punctuation.

    "SMITH, Kayleigh" and "Miss Kayleigh SMITH" both give "kayleigh smith".

    Args:
        text: A name as written.

    Returns:
        The clean name, or None when the text is no name ("Unknown male", "N/K").
    """
    value = parse(text)
    return None if value is None else value.clean


@lru_cache(maxsize=1 << 17)
def parse(text: str) -> NameValue | None:
    """Reads a name as written into its parts and keys.

    Handles "SURNAME, Forename", a surname written in capitals among
    mixed-case forenames, titles (Mr, Dr, DC), suffixes (Jr), initials (J.A.),
    bracketed or "aka" aliases (dropped: see `split_aliases`), and particles
    that belong to the surname ("Zia ul Haq").

    Args:
        text: A name as written.

    Returns:
        The parsed name, or None when the text is no name.
    """
    words = _words(text)
    if words is None:
        return None
    forenames, surname = words
    first = forenames[0]
    key = surname_key(surname) if surname else None
    return NameValue(
        raw=text,
        clean=" ".join((*forenames, surname) if surname else forenames),
        forenames=forenames,
        surname=surname,
        forename_key=forename_key(first),
        forename_keys=forename_keys(first),
        surname_key=key,
        forename_spelling=spelling_key(first),
        surname_spelling=spelling_key(key) if key else None,
        forename_metaphone=_metaphone(first),
        forename_nysiis=_nysiis(first),
        surname_metaphone=_metaphone(key) if key else None,
        surname_nysiis=_nysiis(key) if key else None,
        initials="".join(t[0] for t in forenames) + (_surname_initial(surname) if surname else ""),
    )


def split_aliases(text: str) -> list[str]:
    """Splits "Mohammed Khan aka Mo (Mally) / Moz" into the name and its aliases.

    Args:
        text: A name field that may carry aliases.

    Returns:
        The names written, main name first, each stripped; empty parts dropped.
    """
    bracketed = [m.group(0)[1:-1] for m in _BRACKETED.finditer(text)]
    outside = _BRACKETED.sub(" ", text)
    parts = [*_ALIAS_SPLIT.split(outside), *bracketed]
    return [p.strip(" \t,'\"") for p in parts if p.strip(" \t,'\"")]


def _words(text: str) -> tuple[tuple[str, ...], str | None] | None:
    """Forenames and surname of a name as written, or None when it is no name."""
    ascii_text = unidecode(text)
    if _NOT_KNOWN.fullmatch(ascii_text):
        return None
    outside = _BRACKETED.sub(" ", ascii_text)
    # When the brackets held everything, the bracketed text is the name.
    ascii_text = outside if _HAS_LETTER.search(outside) else ascii_text
    ascii_text = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", _DOTTED_AKA.sub(" aka ", ascii_text)))
    # The name is what comes before "aka"; failing that, the first alias.
    written = [p for p in _ALIAS_MARK.split(ascii_text) if _HAS_LETTER.search(p)]
    if not written:
        return None
    ascii_text = written[0]

    surname_first: list[str] = []
    head, comma, tail = ascii_text.partition(",")
    if comma and _HAS_LETTER.search(head):
        surname_first = _tokens(head)
        tokens = _strip_titles(_tokens(tail.replace(",", " ")))
        if not tokens:  # "Smith, Jr": the comma did not mark surname-first order
            tokens, surname_first = _tokens(ascii_text.replace(",", " ")), []
    else:
        tokens = _tokens(ascii_text.replace(",", " "))

    if not surname_first:
        tokens = _capitals_surname_last(tokens)
    tokens = _strip_titles([t.lower() for t in tokens])
    surname_tokens = _strip_titles([t.lower() for t in surname_first])
    if not tokens and not surname_tokens:
        return None
    data = _data()
    if all(t in data.placeholders for t in (*tokens, *surname_tokens)):
        return None

    if surname_tokens:
        if not tokens:
            return tuple(surname_tokens), None
        # Particles go with the surname, as they would in "forename al surname".
        while len(tokens) > 1 and tokens[-1] in data.particles:
            surname_tokens.insert(0, tokens.pop())
        # Written before the comma, several words are one surname: joined so that
        # the clean form ("kayleigh smith-jones") reads back to the same parts.
        particles_only = all(t in data.particles for t in surname_tokens[:-1])
        return tuple(tokens), (" " if particles_only else "-").join(surname_tokens)
    if len(tokens) == 1:
        return (tokens[0],), None
    # The surname takes any particles written before it, as long as a forename remains.
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in data.particles:
        start -= 1
    return tuple(tokens[:start]), " ".join(tokens[start:])


def _tokens(text: str) -> list[str]:
    """Whitespace-separated words with stray hyphens trimmed (case kept)."""
    words = (_HYPHENS.sub("-", w).strip("-") for w in text.split())
    return [w for w in words if w]


def _capitals_surname_last(tokens: list[str]) -> list[str]:
    """Moves a surname written in capitals ("KHAN Mohammed") to the end.

    Only when exactly one word of three or more letters is in capitals and
    some other word is not, so "JA Smith" or an all-capitals name stay as written.
    """
    capitals = [i for i, t in enumerate(tokens) if len(t) >= 3 and t.isupper()]
    if len(capitals) != 1 or not any(not t.isupper() for t in tokens):
        return tokens
    index = capitals[0]
    return [*tokens[:index], *tokens[index + 1 :], tokens[index]]


def _strip_titles(tokens: list[str]) -> list[str]:
    """Drops titles before a name and suffixes or courtesy titles after it."""
    data = _data()
    start, end = 0, len(tokens)
    while start < end and tokens[start].lower() in data.titles:
        start += 1
    while end > start and (
        tokens[end - 1].lower() in data.suffixes or tokens[end - 1].lower() in data.trailing_titles
    ):
        end -= 1
    return tokens[start:end]


# --- comparison ------------------------------------------------------------


@lru_cache(maxsize=1 << 18)
def compare_forenames(a: str, b: str) -> NameLevel:
    """How alike two clean forename tokens are.

    Args:
        a: A clean forename token.
        b: Another.

    Returns:
        The strongest level that holds.
    """
    if a == b:
        return NameLevel.EXACT
    if not a or not b:
        return NameLevel.NONE
    if len(a) == 1 or len(b) == 1:
        return NameLevel.INITIAL if a[0] == b[0] else NameLevel.NONE
    if family_key(a) == family_key(b) or (
        spelling_key(a) == spelling_key(b) and not (_is_known(a) and _is_known(b))
    ):
        return NameLevel.FAMILY
    key_a, key_b = forename_key(a), forename_key(b)
    canonicals = _data().canonicals
    if (
        key_a == key_b
        or key_a in canonicals.get(b, frozenset())
        or key_b in canonicals.get(a, frozenset())
    ):
        return NameLevel.NICKNAME
    return _sound_level(a, b)


def _is_known(token: str) -> bool:
    """Whether the name tables know this spelling.

    Two known names in different families (Carl, Carol) are different names
    even when the spelling rules would merge them.
    """
    data = _data()
    return token in data.family or token in data.nicknames or token in data.canonicals


@lru_cache(maxsize=1 << 18)
def compare_surnames(a: str, b: str) -> NameLevel:
    """How alike two clean surnames are.

    A part shared by a double-barrelled surname and a single one ("smith" and
    "smith-jones") counts no more than PHONETIC.

    Args:
        a: A clean surname.
        b: Another.

    Returns:
        The strongest level that holds.
    """
    if a == b:
        return NameLevel.EXACT
    if not a or not b:
        return NameLevel.NONE
    key_a, key_b = surname_key(a), surname_key(b)
    if len(a) == 1 or len(b) == 1:
        return NameLevel.INITIAL if key_a[:1] == key_b[:1] else NameLevel.NONE
    if key_a == key_b or (
        spelling_key(key_a) == spelling_key(key_b)
        and not (key_a in _data().family and key_b in _data().family)
    ):
        return NameLevel.FAMILY
    level = _sound_level(key_a, key_b)
    parts_a, parts_b = key_a.split(), key_b.split()
    if len(parts_a) > 1 or len(parts_b) > 1:
        best = max(compare_surnames(x, y) for x in parts_a for y in parts_b)
        level = max(level, min(best, NameLevel.PHONETIC))
    return level


def _sound_level(a: str, b: str) -> NameLevel:
    meta_a, meta_b = _metaphone(a), _metaphone(b)
    if (meta_a and meta_a == meta_b) or _nysiis(a) == _nysiis(b):
        return NameLevel.PHONETIC
    similarity = jellyfish.jaro_winkler_similarity(a, b)
    if similarity >= VERY_SIMILAR_THRESHOLD:
        return NameLevel.VERY_SIMILAR
    if similarity >= SIMILAR_THRESHOLD:
        return NameLevel.SIMILAR
    return NameLevel.NONE


def compare(a: str | NameValue | None, b: str | NameValue | None) -> NameLevel | None:
    """How alike two whole names are: the weaker of the forename and surname levels.

    Forenames are compared pairwise and the best pair counts (people go by a
    middle name). A one-word name is compared with every word of the other,
    since it may be either. Forename and surname swapped are tried too, but
    never count as EXACT.

    Args:
        a: A name as written, or already parsed.
        b: Another.

    Returns:
        The level, or None when either side is missing or no name.
    """
    value_a = parse(a) if isinstance(a, str) else a
    value_b = parse(b) if isinstance(b, str) else b
    if value_a is None or value_b is None:
        return None
    if value_a.clean == value_b.clean:
        return NameLevel.EXACT
    if value_a.surname is None or value_b.surname is None:
        single, other = (value_a, value_b) if value_a.surname is None else (value_b, value_a)
        word = single.forenames[0]
        level = _best(compare_forenames, [word], other.forenames)
        if other.surname is not None:
            level = max(level, compare_surnames(word, other.surname))
        return level
    forenames = _best(compare_forenames, value_a.forenames, value_b.forenames)
    level = min(forenames, compare_surnames(value_a.surname, value_b.surname))
    swapped = min(
        _best(compare_forenames, value_a.forenames, [value_b.surname]),
        _best(compare_forenames, [value_a.surname], value_b.forenames),
        NameLevel.FAMILY,
    )
    return max(level, swapped)


def _best(
    comparison: Callable[[str, str], NameLevel], left: Iterable[str], right: Iterable[str]
) -> NameLevel:
    right = tuple(right)
    return max((comparison(x, y) for x in left for y in right), default=NameLevel.NONE)


def keys(text: str) -> tuple[str, ...]:
    """Blocking and search keys for a name.

    Args:
        text: A name as written.

    Returns:
        The canonical key ("forename_key surname_key"), the surname key and
        a phonetic key; empty when the text is no name.
    """
    value = parse(text)
    if value is None:
        return ()
    if value.surname_key is None:
        return (value.forename_key,)
    return (
        f"{value.forename_key} {value.surname_key}",
        value.surname_key,
        f"{value.forename_metaphone} {value.surname_metaphone}",
    )

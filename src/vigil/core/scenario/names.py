"""People's names: where they come from, and the many ways a record writes them.

Everyone in the town gets an origin from one fixed mixture (`NameBook.sample_origin`),
whatever part they later play, so that origin never predicts role. Names are
written messily the way real records hold them: nicknames, a first name or a
surname alone, initials, typing errors, transliterations, swapped order.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from nicknames import NickNamer
from unidecode import unidecode

from vigil.core.scenario.reference import load

# Neighbouring keys on a UK QWERTY keyboard, for the slips of a hurried typist.
_KEYBOARD = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adwx",
    "d": "sfec",
    "f": "dgrv",
    "g": "fhtb",
    "h": "gjyn",
    "j": "hkum",
    "k": "jli",
    "l": "ko",
    "z": "xa",
    "x": "zcs",
    "c": "xvd",
    "v": "cbf",
    "b": "vng",
    "n": "bmh",
    "m": "nj",
}


@dataclass(frozen=True, slots=True)
class Origin:
    """A name origin of the town's population and what records say about it.

    Attributes:
        key: Short name, e.g. `pakistani`.
        weight: Share of the town's population.
        ethnicity: Census-style label an agency might record.
        police_code: The police 16+1 self-defined ethnicity code.
        nationalities: Nationalities people of this origin hold.
        nationality_weights: Cumulative weights for `nationalities`.
        male: Given names for men and boys.
        female: Given names for women and girls.
        surnames: Family names (in the masculine form where the language has two).
        surname_weights: Cumulative weights for `surnames`, or None for uniform.
        feminine: How a woman's form of the family name is made (`polish`, `slavic`).
    """

    key: str
    weight: float
    ethnicity: str
    police_code: str
    nationalities: tuple[str, ...]
    nationality_weights: tuple[float, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    surname_weights: tuple[float, ...] | None
    feminine: str | None


class NameBook:
    """The town's name lists and the ways of writing a name, loaded once."""

    def __init__(self) -> None:
        spellings = load("spellings.json")
        self.origins = tuple(_origin(raw) for raw in load("origins.json")["origins"])
        self._origin_weights = tuple(itertools.accumulate(o.weight for o in self.origins))
        self._families: dict[str, tuple[str, ...]] = {}
        for family in spellings["families"]:
            for name in family:
                self._families[name] = tuple(family)
        self._curated_nicknames: Mapping[str, Sequence[str]] = spellings["nicknames"]
        self._nicknamer = NickNamer()
        self._nicknames: dict[str, tuple[str, ...]] = {}
        self._excluded: frozenset[str] = frozenset(load("excluded_name_hashes.json")["sha256"])

    def sample_origin(self, rng: random.Random) -> Origin:
        """One draw from the town's fixed mixture of origins; the only way anyone gets one."""
        return rng.choices(self.origins, cum_weights=self._origin_weights)[0]

    def origin(self, key: str) -> Origin:
        """The origin called `key`."""
        for origin in self.origins:
            if origin.key == key:
                return origin
        raise KeyError(key)

    def given_name(self, rng: random.Random, origin: Origin, gender: str) -> str:
        """A given name of `origin` for `gender` (`female` or `male`)."""
        return rng.choice(origin.female if gender == "female" else origin.male)

    def surname(self, rng: random.Random, origin: Origin) -> str:
        """A family name of `origin`, in its masculine form."""
        if origin.surname_weights is None:
            return rng.choice(origin.surnames)
        return rng.choices(origin.surnames, cum_weights=origin.surname_weights)[0]

    def nationality(self, rng: random.Random, origin: Origin) -> str:
        """A nationality held by someone of `origin`."""
        return rng.choices(origin.nationalities, cum_weights=origin.nationality_weights)[0]

    def is_excluded(self, first: str, last: str) -> bool:
        """Whether a full name must never be used (see `data/excluded_name_hashes.json`)."""
        return self._exclusion_key(f"{first} {last}") in self._excluded

    def nicknames(self, first: str) -> tuple[str, ...]:
        """Familiar forms of a given name, e.g. Liz and Beth for Elizabeth."""
        found = self._nicknames.get(first)
        if found is None:
            names = set(self._curated_nicknames.get(first, ()))
            names.update(
                nick.capitalize()
                for nick in self._nicknamer.nicknames_of(first.lower())
                if len(nick) > 2
            )
            names.discard(first)
            found = tuple(sorted(names))
            self._nicknames[first] = found
        return found

    def spellings(self, name: str) -> tuple[str, ...]:
        """Other spellings of the same name (transliterations and variants)."""
        return tuple(other for other in self._families.get(name, ()) if other != name)

    def written(self, rng: random.Random, first: str, last: str, *, care: float) -> str:
        """The name as a record writes it.

        Args:
            rng: The random source.
            first: Given name as the person spells it.
            last: Family name as the person spells it.
            care: Chance the name is written in full and correctly.
        """
        canonical = f"{first} {last}"
        if rng.random() < care:
            return canonical
        text = self._variant(rng, first, last)
        if " " in text and self._exclusion_key(text) in self._excluded:
            return canonical
        return text

    def _variant(self, rng: random.Random, first: str, last: str) -> str:
        roll = rng.random()
        if roll < 0.18:
            first_spellings, last_spellings = self.spellings(first), self.spellings(last)
            if first_spellings or last_spellings:
                if first_spellings and (not last_spellings or rng.random() < 0.5):
                    return f"{rng.choice(first_spellings)} {last}"
                return f"{first} {rng.choice(last_spellings)}"
            roll = rng.uniform(0.18, 1.0)
        if roll < 0.32:
            if first.isascii() and last.isascii():
                return (
                    f"{first} {typo(rng, last)}"
                    if rng.random() < 0.5
                    else f"{typo(rng, first)} {last}"
                )
            return unidecode(f"{first} {last}")
        if roll < 0.48:
            return first
        if roll < 0.60:
            nicknames = self.nicknames(first)
            if nicknames:
                nick = rng.choice(nicknames)
                return nick if rng.random() < 0.6 else f"{nick} {last}"
            return first
        if roll < 0.72:
            return f"{last.upper()}, {first}" if rng.random() < 0.6 else f"{last} {first}"
        if roll < 0.82:
            return f"{first[0]}. {last}" if rng.random() < 0.5 else f"{first[0]} {last}"
        if roll < 0.88:
            return last
        if roll < 0.94:
            return f"{first} {last}".upper() if rng.random() < 0.5 else f"{first} {last}".lower()
        return f"{typo(rng, first)} {typo(rng, last)}"

    def _exclusion_key(self, name: str) -> str:
        tokens = (
            token.strip(".,").lower() for token in unidecode(name).split() if token.strip(".,")
        )
        heads = (
            self._families.get(token.capitalize(), (token.capitalize(),))[0] for token in tokens
        )
        key = " ".join(sorted(head.lower() for head in heads))
        return hashlib.sha256(key.encode()).hexdigest()


def typo(rng: random.Random, word: str) -> str:
    """One slip of the keyboard: two letters swapped, one dropped, doubled, or a neighbour hit."""
    if len(word) < 4:
        return word
    for _ in range(4):
        # The first letter is usually right: people notice a wrong initial.
        at = rng.randint(1, len(word) - 2)
        slip = rng.randrange(4)
        if slip == 0:
            changed = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif slip == 1:
            changed = word[:at] + word[at + 1 :]
        elif slip == 2:
            changed = word[:at] + word[at] + word[at:]
        else:
            neighbours = _KEYBOARD.get(word[at].lower())
            if not neighbours:
                continue
            hit = rng.choice(neighbours)
            changed = word[:at] + (hit.upper() if word[at].isupper() else hit) + word[at + 1 :]
        if changed != word:
            return changed
    return word


def feminine_surname(surname: str, rule: str | None) -> str:
    """The form of a family name a woman bears, where the language inflects it."""
    if rule == "polish":
        for ending, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if surname.endswith(ending):
                return surname[: -len(ending)] + female
        return surname
    if rule == "slavic":
        if surname.endswith(("ý", "y")):
            return surname[:-1] + "á"
        if surname.endswith(("a", "o", "e")):
            return surname[:-1] + "ová"
        return surname + "ová"
    return surname


@cache
def name_book() -> NameBook:
    """The shared NameBook (loading the lists once per process)."""
    return NameBook()


def _origin(raw: Mapping[str, Any]) -> Origin:
    nationalities = dict(raw["nationalities"])
    surnames, weights = _names(raw["surnames"])
    male, _ = _names(raw["male"])
    female, _ = _names(raw["female"])
    return Origin(
        key=raw["key"],
        weight=float(raw["weight"]),
        ethnicity=raw["ethnicity"],
        police_code=raw["police_code"],
        nationalities=tuple(nationalities),
        nationality_weights=tuple(itertools.accumulate(nationalities.values())),
        male=male,
        female=female,
        surnames=surnames,
        surname_weights=weights,
        feminine=raw.get("feminine"),
    )


def _names(source: str | list[str]) -> tuple[tuple[str, ...], tuple[float, ...] | None]:
    """A name list and its cumulative weights, from data or from a Faker provider's list."""
    if isinstance(source, list):
        return tuple(source), None
    _, locale, attribute = source.split(":")
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    values = getattr(provider, attribute)
    if isinstance(values, Mapping):
        kept = {name: float(weight) for name, weight in values.items() if _usable(name)}
        return tuple(kept), tuple(itertools.accumulate(kept.values()))
    return tuple(name for name in values if _usable(name)), None


def _usable(name: str) -> bool:
    # One word of letters (apostrophes allowed): multi-word entries would blur first and last.
    return bool(name) and name.replace("'", "").isalpha()

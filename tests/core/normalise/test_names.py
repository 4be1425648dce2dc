"""Names: cleaning, parts, keys, nicknames, transliteration families, comparison."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise import names
from vigil.core.normalise.names import NameLevel

# Text that looks like names as keyed: mixed case, commas, dots, hyphens, titles.
name_like = st.lists(
    st.one_of(
        st.sampled_from(
            ["Mr", "DR", "Jr", "al", "ul", "aka", "Mohammed", "KHAN", "smith", "J.", "O'Brien"]
        ),
        st.text(alphabet="abcAZmoO-'., ()", min_size=1, max_size=8),
    ),
    max_size=6,
).map(" ".join)


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("Kayleigh Smith", "kayleigh smith"),
        ("  KAYLEIGH   SMITH ", "kayleigh smith"),
        ("SMITH, Kayleigh", "kayleigh smith"),
        ("Smith, Kayleigh Ann", "kayleigh ann smith"),
        ("Miss Kayleigh SMITH", "kayleigh smith"),
        ("KHAN Mohammed", "mohammed khan"),
        ("Kayleigh SMITH Ann", "kayleigh ann smith"),
        ("JA Smith", "ja smith"),  # two capitals read as a name, not a surname
        ("J.A. Smith", "j a smith"),
        ("Dr. Jane Doe", "jane doe"),
        ("DC Jane Doe", "jane doe"),
        ("John Smith, Jr", "john smith"),
        ("Smith, Mr", "smith"),
        ("Siobhan O'Brien", "siobhan obrien"),
        ("Zoë Ñúñez", "zoe nunez"),
        ("Kayleigh Smith-Jones", "kayleigh smith-jones"),
        ("Mohammed (Mo) Khan", "mohammed khan"),
        ("(Mo)", "mo"),
        ('"Mo"', "mo"),
        ("Mohammed Khan aka Mo", "mohammed khan"),
        ("Mohammed Khan a.k.a. Mo", "mohammed khan"),
        ("aka Mo", "mo"),
        ("Zia ul Haq", "zia ul haq"),
        ("Mo", "mo"),
        ("Unknown male", None),
        ("Asian youth", None),
        ("N/K", None),
        ("n.k.", None),
        ("?", None),
        ("", None),
        ("Mr", None),
        ("John White", "john white"),  # a placeholder word inside a real name stays
    ],
)
def test_clean(written: str, clean: str | None) -> None:
    assert names.clean(written) == clean


@pytest.mark.parametrize(
    ("written", "forenames", "surname", "surname_key", "initials"),
    [
        ("Mohammed KHAN", ("mohammed",), "khan", "khan", "mk"),
        ("Ahmed Al-Hassan", ("ahmed",), "al-hassan", "hassan", "ah"),
        ("Ahmed Al Hassan", ("ahmed",), "al hassan", "hassan", "ah"),
        ("Al Hassan", ("al",), "hassan", "hassan", "ah"),  # a forename remains
        ("Zia ul Haq", ("zia",), "ul haq", "hoque", "zh"),
        ("Anna Kowalska", ("anna",), "kowalska", "kowalski", "ak"),
        ("Olga Ivanova", ("olga",), "ivanova", "ivanov", "oi"),
        ("Kayleigh Smith-Jones", ("kayleigh",), "smith-jones", "smith jones", "ks"),
        ("Imran Kahn", ("imran",), "kahn", "khan", "ik"),
        ("Mo", ("mo",), None, None, "m"),
    ],
)
def test_parse_parts(
    written: str,
    forenames: tuple[str, ...],
    surname: str | None,
    surname_key: str | None,
    initials: str,
) -> None:
    value = names.parse(written)
    assert value is not None
    assert (value.forenames, value.surname, value.surname_key, value.initials) == (
        forenames,
        surname,
        surname_key,
        initials,
    )


def test_parse_carries_every_key() -> None:
    value = names.parse("Mohamed Hussein")
    assert value is not None
    assert value.raw == "Mohamed Hussein"
    assert value.forename_key == "muhammad"
    assert "muhammad" in value.forename_keys
    assert value.surname_key == "hussain"
    assert value.forename_spelling == names.spelling_key("mohamed")
    assert value.forename_metaphone and value.forename_nysiis
    assert value.surname_metaphone and value.surname_nysiis and value.surname_spelling


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("liz", "elizabeth"),
        ("lizzie", "elizabeth"),
        ("elizabeth", "elizabeth"),
        ("bob", "robert"),
        ("mike", "michael"),
        ("pete", "peter"),  # one canonical name in the package data
        ("kasia", "katherine"),
        ("katarzyna", "katherine"),
        ("catherine", "katherine"),
        ("mo", "muhammad"),
        ("mohd", "muhammad"),
        ("piotr", "peter"),
        ("oleksandr", "alexander"),
        ("sam", "sam"),  # Samuel or Samantha: no guess
        ("al", "al"),
        ("kayleigh", "kayleigh"),
        ("zzyzx", "zzyzx"),
    ],
)
def test_forename_key(token: str, key: str) -> None:
    assert names.forename_key(token) == key


def test_nicknames_both_directions() -> None:
    assert {"liz", "beth", "lizzie"} <= names.nicknames_of("Elizabeth")
    assert "elizabeth" in names.canonicals_of("Liz")
    assert "mo" in names.nicknames_of("Mohamed")  # through the family
    assert names.nicknames_of("Zzyzx") == frozenset()


def test_variants_cover_family_and_nicknames() -> None:
    found = names.variants("Mohammed")
    assert {"muhammad", "mohamed", "mohd", "mo", "mohammed"} <= found
    assert names.variants("") == frozenset()


# The families the brief names; each group must share one family key.
FAMILIES = [
    "mohammed muhammad mohamed mohammad mohamad mohd muhammed mohamd",
    "hussain hussein husain hossain",
    "ahmed ahmad ahmet",
    "yusuf yousaf yousef yusef",
    "iqbal ikbal",
    "khan kahn",
    "rahman rehman",
    "abdul abdel",
    "mahmood mahmud mehmood",
    "zubair zubeir",
    "imran emran",
    "kareem karim",
    "tariq tarik",
    "qasim kasim qassim",
    "usman osman uthman",
    "hamza hamzah",
    "farooq faruk farouk",
    "siddiqui siddiqi",
    "chaudhry chaudhary choudhury chowdhury",
    "akhtar akhter",
    "anwar anwer",
    "javed javaid",
    "shahid shahed",
    "saleem salim",
    "waheed wahid",
    "rashid rasheed",
    "majid majeed",
    "hamid hameed",
    "asif aasif",
    "naveed navid",
    "amir ameer aamir",
    "aleksander alexander oleksandr",
    "piotr peter",
    "katarzyna katherine",
]


@pytest.mark.parametrize("group", FAMILIES)
def test_family_members_share_a_key(group: str) -> None:
    spellings = group.split()
    assert len({names.family_key(s) for s in spellings}) == 1
    first = spellings[0]
    for other in spellings[1:]:
        assert names.compare_forenames(first, other) == NameLevel.FAMILY


@pytest.mark.parametrize(
    ("apart", "reason"),
    [
        ("mahmood muhammad", "different names"),
        ("sajid sajjad", "different names"),
        ("yusuf josef", "related, but written differently in records"),
        ("siddique siddiqui", "a name and a nisba"),
        ("hassan hussain", "different names"),
    ],
)
def test_families_keep_different_names_apart(apart: str, reason: str) -> None:
    left, right = apart.split()
    assert names.family_key(left) != names.family_key(right), reason


def test_family_table_is_well_formed() -> None:
    table = yaml.safe_load(
        resources.files("vigil.core.normalise").joinpath("data/names.yaml").read_text("utf-8")
    )
    seen: dict[str, str] = {}
    for key, spellings in table["families"].items():
        for spelling in (key, *spellings):
            assert spelling.isascii() and spelling.isalpha() and spelling.islower(), spelling
            assert seen.setdefault(spelling, key) == key, f"{spelling} in two families"
    for nickname, name in table["nickname_keys"].items():
        assert names.forename_key(nickname) == names.family_key(name)
        assert names.compare_forenames(nickname, name) >= NameLevel.NICKNAME


@pytest.mark.parametrize(
    "group",
    [
        "mohammed muhammad mohamed mohammad mohamad muhammed mohamd",
        "hussain hussein husain hossain",
        "ahmed ahmad",
        "yusuf yousaf yousef yusef",
        "iqbal ikbal",
        "khan kahn",
        "abdul abdel",
        "mahmood mahmud",
        "zubair zubeir",
        "kareem karim",
        "tariq tarik",
        "qasim kasim qassim",
        "usman osman",
        "hamza hamzah",
        "farooq faruk farouk",
        "siddiqui siddiqi",
        "akhtar akhter",
        "anwar anwer",
        "javed javaid",
        "shahid shahed",
        "saleem salim",
        "rashid rasheed",
        "asif aasif",
        "naveed navid",
        "amir ameer aamir",
        "alexander aleksander",
        "kayleigh kayley kaylee",
        "sarah sara",
        "philip phillip",
    ],
)
def test_spelling_key_merges_variants(group: str) -> None:
    assert len({names.spelling_key(s) for s in group.split()}) == 1


@pytest.mark.parametrize(
    "pair",
    [
        "mahmood mohammed",
        "hassan hussain",
        "brian brown",
        "bert bart",
        "louisa louise",
        "eva eve",
        "ellen allen",
        "ali ella",
        "omar amir",
        "sajid saeed",
        "khan kane",
        "jack jake",
    ],
)
def test_spelling_key_keeps_names_apart(pair: str) -> None:
    left, right = pair.split()
    assert names.spelling_key(left) != names.spelling_key(right)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("kayleigh", "kayleigh", NameLevel.EXACT),
        ("mohamed", "muhammad", NameLevel.FAMILY),
        ("kayleigh", "kayley", NameLevel.FAMILY),
        ("liz", "elizabeth", NameLevel.NICKNAME),
        ("liz", "lizzie", NameLevel.NICKNAME),
        ("bob", "robert", NameLevel.NICKNAME),
        ("mo", "mohammed", NameLevel.NICKNAME),
        ("sam", "sammy", NameLevel.NICKNAME),
        ("jo", "joanne", NameLevel.NICKNAME),
        ("carl", "carol", NameLevel.PHONETIC),  # two known names: not one spelt twice
        ("jodie", "judy", NameLevel.PHONETIC),
        ("chris", "tina", NameLevel.NONE),  # both short for Christina is no evidence
        ("j", "john", NameLevel.INITIAL),
        ("j", "kayleigh", NameLevel.NONE),
        ("kayleigh", "", NameLevel.NONE),
        ("lindsay", "linda", NameLevel.VERY_SIMILAR),
        ("kayleigh", "kaylin", NameLevel.SIMILAR),
        ("shannon", "sharon", NameLevel.NONE),
        ("mahmood", "mohammed", NameLevel.NONE),
    ],
)
def test_compare_forenames(a: str, b: str, level: NameLevel) -> None:
    assert names.compare_forenames(a, b) == level
    assert names.compare_forenames(b, a) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("smith", "smith", NameLevel.EXACT),
        ("kahn", "khan", NameLevel.FAMILY),
        ("kowalska", "kowalski", NameLevel.FAMILY),
        ("al-hassan", "hassan", NameLevel.FAMILY),
        ("smith-jones", "smith", NameLevel.PHONETIC),  # a shared part counts no more
        ("smith", "smyth", NameLevel.FAMILY),
        ("s", "smith", NameLevel.INITIAL),
        ("smith", "jones", NameLevel.NONE),
    ],
)
def test_compare_surnames(a: str, b: str, level: NameLevel) -> None:
    assert names.compare_surnames(a, b) == level
    assert names.compare_surnames(b, a) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Kayleigh Smith", "SMITH, Kayleigh", NameLevel.EXACT),
        ("Mo", "Mohammed Khan", NameLevel.NICKNAME),
        ("Khan", "Mohammed Khan", NameLevel.EXACT),  # a one-word name may be the surname
        ("Liz Smith", "Elizabeth Smith", NameLevel.NICKNAME),
        ("Mohamed Hussain", "Muhammad Hossain", NameLevel.FAMILY),
        ("Imran Khan", "Emran Kahn", NameLevel.FAMILY),
        ("Khan Mohammed", "Mohammed Khan", NameLevel.FAMILY),  # swapped: never EXACT
        ("J Smith", "John Smith", NameLevel.INITIAL),
        ("Imran Khan", "Mohammed Imran Khan", NameLevel.EXACT),  # known by a middle name
        ("Kasia Nowak", "Katarzyna Nowak", NameLevel.NICKNAME),
        ("Piotr Nowak", "Peter Nowak", NameLevel.FAMILY),
        ("Mahmood Ali", "Mohammed Ali", NameLevel.NONE),
        ("Kayleigh Smith", "Kayleigh Jones", NameLevel.NONE),
    ],
)
def test_compare_whole_names(a: str, b: str, level: NameLevel) -> None:
    assert names.compare(a, b) == level
    assert names.compare(b, a) == level


def test_compare_missing_is_none_not_a_level() -> None:
    assert names.compare(None, "Mo") is None
    assert names.compare("Unknown male", "Mo") is None
    parsed = names.parse("Mo")
    assert names.compare(parsed, "Mohammed") == NameLevel.NICKNAME


def test_split_aliases() -> None:
    assert names.split_aliases("Mohammed Khan aka Mo (Mally) / Moz") == [
        "Mohammed Khan",
        "Mo",
        "Moz",
        "Mally",
    ]
    assert names.split_aliases("Kayleigh") == ["Kayleigh"]


def test_keys() -> None:
    assert names.keys("Mohammed KHAN") == ("muhammad khan", "khan", "MHMT KHN")
    assert names.keys("Mo") == ("muhammad",)
    assert names.keys("N/K") == ()
    assert names.keys("Mohamed Kahn")[:2] == names.keys("Muhammad Khan")[:2]


@given(st.text(max_size=60))
def test_never_crashes_and_clean_is_idempotent(text: str) -> None:
    clean = names.clean(text)
    if clean is not None:
        assert names.clean(clean) == clean
        assert clean == clean.strip() and "  " not in clean
    names.keys(text)


@given(name_like)
def test_clean_reads_back_to_the_same_parts(text: str) -> None:
    clean = names.clean(text)
    if clean is not None:
        assert names.clean(clean) == clean
        first, again = names.parse(text), names.parse(clean)
        assert first is not None and again is not None
        assert (first.forenames, first.surname, first.surname_key) == (
            again.forenames,
            again.surname,
            again.surname_key,
        )


@given(name_like, name_like)
def test_compare_is_symmetric(a: str, b: str) -> None:
    assert names.compare(a, b) == names.compare(b, a)

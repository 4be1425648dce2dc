"""Person linkage: a Fellegi-Sunter model in Splink 5, trained in-process on
DuckDB and applied on DuckDB or Spark (`engines`).

The comparisons follow the property types' own levels (exact, one name
spelt two ways, nickname, sound-alike, similar, initial), computed on keys
that `features` prepared, so the SQL only compares values and runs the same
on any engine Splink supports (edit distances rather than Jaro-Winkler,
which DuckDB and Spark's similarity jar compute differently). The model
trains itself on the data at hand: u probabilities from random pairs, m
probabilities by expectation maximisation over two blocking passes, and
term-frequency adjustments on exact names so that "Mohammed Khan" agreeing
counts for less than a rare name.

Collective evidence enters as array columns (resolved vehicles, phones and
addresses a mention is linked to; the people it is mentioned with): two
mentions sharing one of these are more likely one person.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.blocking_rule_library import CustomRule
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.comparison_library import CustomComparison

from vigil.core.linkage import blocking, engines
from vigil.core.linkage.clusters import Clusters
from vigil.core.linkage.consistency import (
    MAX_DOB_YEAR_SLIP,
    MAX_IDENTIFIER_SLIP,
    MIN_NUMBER_FOR_SLIP,
    NUMBERS_MISTAKEN,
)

# Below this many person mentions the model has too few pairs to learn from,
# so a strict rule (same name key, birth evidence agreeing) links instead.
MIN_MENTIONS_FOR_MODEL = 300

logger = logging.getLogger(__name__)

COLLECTIVE_COLUMNS = ("vehicles", "phones", "addresses", "associates")
# Compared when the data fills them often enough to train on.
OPTIONAL_COLUMNS = (
    "known_as",
    "gender",
    "staff",
    "postcode_unit",
    "address_key",
    "phone",
    "email",
    "identifiers",
    *COLLECTIVE_COLUMNS,
)
ARRAY_COLUMNS = frozenset({"identifiers", "known_as", *COLLECTIVE_COLUMNS})
# How often one person's two mentions carry different phones or addresses.
CHANGED_M = 0.2
# Of those, how often the address is the same one mistyped, or another in
# the same postcode sector (a move across the estate). Fixed, not trained:
# where a town's records show neither, EM drives these to zero, which makes
# them vetoes, and Splink refuses the whole EM pass on the underflow (the
# pass that trains the names).
MISTYPED_ADDRESS_M = 0.02
MOVED_NEARBY_M = 0.05
# How often one person's two mentions are one as staff, one in another role.
# Rarely: a worker is named dozens of times at work and seldom otherwise, and
# most people are never staff. Set at 0.01, "M Kelly" of the youth service
# joined a victim M Kelly on the initial alone, and a colleague's dozens of
# mentions went with him.
STAFF_IN_ANOTHER_ROLE_M = 0.001
# One person's two mentions carrying two numbers of one scheme as often as
# this (as the trained model learned it) makes the numbers evidence, no veto.
MISTAKEN_NUMBER_SHARE = 0.01
# EM iterations per pass: the town's parameters settle within eight (the same
# clusters as at Splink's 25), and each iteration scores every training pair.
EM_MAX_ITERATIONS = 10
# The share of mentions (and the least number) that must fill an optional column.
MIN_FILLED_SHARE = 0.005
MIN_FILLED = 10


@dataclass(frozen=True, slots=True)
class PersonModelOptions:
    """How the person model is trained and applied.

    Attributes:
        threshold: Match probability at or above which two mentions are one person.
        seed: Seed for the random pairs u probabilities are estimated from.
        max_pairs_for_u: Random pairs used to estimate u probabilities.
        max_pairs_for_em: Most blocked pairs each EM pass trains on (records
            sampled by a fixed hash beyond it, so the cost stops growing with the data).
        collective: Whether the collective-evidence columns are compared.
        engine: Where pairs are scored ("duckdb" in-process, or "spark").
        deduplicated_agencies: Whether each agency's records name each person
            at most once (registers already deduplicated, as each of FEBRL4's
            two files is; Splink calls linking such sources "link_only"): two
            mentions from one agency are then two people, and a date of birth
            differing across agencies is weighed by the model, no veto
            (`consistency.SOURCE`). The strict rule for inputs too small to
            train on (`rule_clusters`) does not read it.
    """

    threshold: float = 0.5
    seed: int = 1
    max_pairs_for_u: float = 2e6
    max_pairs_for_em: float = 1e6
    collective: bool = True
    engine: str = engines.Engine.DUCKDB.value
    deduplicated_agencies: bool = False


DIFFERENT_NUMBERS = "one scheme, different numbers"


def _custom(sql: str, label: str) -> ComparisonLevelCreator:
    """A level written in SQL; written for DuckDB, translated for any other engine."""
    return cll.CustomLevel(sql, base_dialect_str="duckdb").configure(label_for_charts=label)


def _name_part(part: str) -> CustomComparison:
    """Levels for a forename or a surname, strongest first, after the name property type."""
    other = "surname" if part == "forename" else "forename"
    exact = cll.ExactMatchLevel(part).configure(tf_adjustment_column=part)
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(part),
        exact,
        cll.ExactMatchLevel(f"{part}_key").configure(label_for_charts="one name spelt two ways"),
        cll.ExactMatchLevel(f"{part}_spelling").configure(label_for_charts="spelling key"),
    ]
    if part == "forename":
        levels.append(
            cll.ArrayIntersectLevel("forename_keys").configure(label_for_charts="nickname")
        )
    levels += [
        cll.Or(
            cll.ExactMatchLevel(f"{part}_metaphone"), cll.ExactMatchLevel(f"{part}_nysiis")
        ).configure(label_for_charts="sounds alike"),
        # Edit distance rather than Jaro-Winkler: the Jaro-Winkler of Spark's
        # similarity jar and DuckDB's disagree on some pairs, Levenshtein never.
        cll.LevenshteinLevel(part, 1),
        cll.LevenshteinLevel(part, 2),
        _custom(
            f'"{part}_key_l" = "{other}_key_r" OR "{part}_key_r" = "{other}_key_l"',
            "forename and surname swapped",
        ),
        _custom(
            f'(length("{part}_l") = 1 OR length("{part}_r") = 1) '
            f'AND substr("{part}_l", 1, 1) = substr("{part}_r", 1, 1)',
            "initial",
        ),
        cll.ElseLevel(),
    ]
    return CustomComparison(levels, output_column_name=part)


def _birth() -> CustomComparison:
    """Birth evidence: a date of birth, or a range from an age at the event.

    Two full dates of birth that differ are told apart by whether a slip of
    the keyboard explains them (a year one or two out, day and month swapped)
    or not: the first is one person recorded carelessly, the second two people.
    """
    overlap = '"birth_lo_l" <= "birth_hi_r" + {d} AND "birth_lo_r" <= "birth_hi_l" + {d}'
    both_dobs = '"dob_l" IS NOT NULL AND "dob_r" IS NOT NULL'
    slip = (
        f'{both_dobs} AND abs(cast(substr("dob_l", 1, 4) AS int) '
        f'- cast(substr("dob_r", 1, 4) AS int)) <= {MAX_DOB_YEAR_SLIP} AND ('
        'substr("dob_l", 6, 5) = substr("dob_r", 6, 5) OR '
        '(substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)))'
    )
    return CustomComparison(
        [
            cll.NullLevel("birth_lo"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="same date of birth"),
            _custom(slip, "date of birth with a slip"),
            _custom(both_dobs, "different dates of birth"),
            _custom(overlap.format(d=0), "birth ranges overlap"),
            _custom(overlap.format(d=400), "within about a year"),
            _custom(overlap.format(d=1200), "within about three years"),
            cll.ElseLevel(),
        ],
        output_column_name="birth",
    )


def _any_of(
    columns: Sequence[str], output: str, *levels: ComparisonLevelCreator
) -> CustomComparison:
    """One comparison over several columns that say the same thing in different ways.

    A home address as written, its postcode and the address entity a record
    links the person to are one piece of evidence, not three: counted as
    three, they outweigh everything else, and brothers at one address merge.
    The comparison is null only when no column can be compared.
    """
    null = (
        cll.NullLevel(columns[0])
        if len(columns) == 1
        else cll.And(*(cll.NullLevel(c) for c in columns))
    ).configure(is_null_level=True)
    differ = cll.ElseLevel().configure(m_probability=CHANGED_M, fix_m_probability=True)
    return CustomComparison([null, *levels, differ], output_column_name=output)


def _same(column: str) -> ComparisonLevelCreator:
    if column in ARRAY_COLUMNS:
        return cll.ArrayIntersectLevel(column)
    return cll.ExactMatchLevel(column)


def _either(columns: Sequence[str], label: str) -> ComparisonLevelCreator:
    if len(columns) == 1:
        return _same(columns[0])
    return cll.Or(*(_same(c) for c in columns)).configure(label_for_charts=label)


def _levels(column: str, *levels: ComparisonLevelCreator) -> CustomComparison:
    return CustomComparison(
        [cll.NullLevel(column), *levels, cll.ElseLevel()], output_column_name=column
    )


def comparisons(
    *, optional: Sequence[str] = OPTIONAL_COLUMNS
) -> list[ComparisonCreator | dict[str, Any]]:
    """The person model's comparisons.

    Args:
        optional: The optional columns to compare (of `OPTIONAL_COLUMNS`); one
            the data hardly fills cannot be trained and is left out.
    """
    found: list[ComparisonCreator | dict[str, Any]] = [
        _name_part("forename"),
        _name_part("surname"),
        _birth(),
    ]
    if "known_as" in optional:
        found.append(
            _levels(
                "known_as",
                cll.ArrayIntersectLevel("known_as").configure(label_for_charts="one alias"),
            )
        )
    if "gender" in optional:
        found.append(_levels("gender", cll.ExactMatchLevel("gender")))
    # People move and change phones: EM on a few years of records may never
    # see one person at two addresses, and would make a difference a veto.
    homes = [c for c in ("address_key", "addresses") if c in optional]
    postcode = ["postcode_unit"] if "postcode_unit" in optional else []
    if homes or postcode:
        levels = [_either(homes, "same address")] if homes else []
        if postcode:
            levels.append(cll.ExactMatchLevel("postcode_unit"))
        if "address_key" in optional:
            # A typo in the street; below the postcode, so neighbours a house
            # number apart in one postcode gain nothing from it.
            levels.append(
                cll.LevenshteinLevel("address_key", 2).configure(
                    m_probability=MISTYPED_ADDRESS_M, fix_m_probability=True
                )
            )
        if postcode:
            levels.append(
                cll.ExactMatchLevel("postcode_sector").configure(
                    m_probability=MOVED_NEARBY_M, fix_m_probability=True
                )
            )
        found.append(_any_of([*homes, *postcode], "home", *levels))
    numbers = [c for c in ("phone", "phones") if c in optional]
    if numbers:
        levels = [_either(numbers, "same phone")]
        if "phone" in numbers:
            levels.append(cll.ExactMatchLevel("phone_tail"))
        found.append(_any_of(numbers, "phone", *levels))
    if "email" in optional:
        found.append(_levels("email", cll.ExactMatchLevel("email")))
    if "identifiers" in optional:
        # Two values of one scheme (two NHS numbers) are two people; different
        # schemes (an NHS number and a PNC id) say nothing.
        found.append(
            _levels(
                "identifiers",
                cll.ArrayIntersectLevel("identifiers"),
                # A number keyed with a slip (a digit out, two swapped) is the
                # same number; `consistency.identifiers_agree` says the same.
                _custom(
                    'length("identifier_l") = length("identifier_r") AND '
                    # "nhs:" and a number long enough to hold a slip.
                    f'length("identifier_l") >= {len("nhs:") + MIN_NUMBER_FOR_SLIP} AND '
                    f'levenshtein("identifier_l", "identifier_r") <= {MAX_IDENTIFIER_SLIP}',
                    "one number keyed with a slip",
                ),
                cll.ArrayIntersectLevel("identifier_schemes").configure(
                    label_for_charts=DIFFERENT_NUMBERS
                ),
            )
        )
    if "staff" in optional:
        # Staff named in their own agency's records are one small group among
        # many mentions: being both in it is evidence, and so is one being in
        # it and the other not.
        found.append(
            CustomComparison(
                [
                    cll.ExactMatchLevel("staff").configure(label_for_charts="staff of one agency"),
                    _custom('"staff_l" IS NULL AND "staff_r" IS NULL', "neither is staff"),
                    # Staff do turn up in other roles (a parent, a witness),
                    # whatever a few years' records show EM.
                    cll.ElseLevel().configure(
                        m_probability=STAFF_IN_ANOTHER_ROLE_M, fix_m_probability=True
                    ),
                ],
                output_column_name="staff",
            )
        )
    found += [
        _levels(c, cll.ArrayIntersectLevel(c)) for c in ("vehicles", "associates") if c in optional
    ]
    return found


def usable_columns(features: pa.Table) -> list[str]:
    """The optional columns the features fill often enough to train a comparison on.

    Args:
        features: Person features.
    """
    floor = max(MIN_FILLED, int(features.num_rows * MIN_FILLED_SHARE))
    return [
        c
        for c in OPTIONAL_COLUMNS
        if c in features.column_names and features.num_rows - features.column(c).null_count >= floor
    ]


def blocking_rules(
    *, optional: Sequence[str] = OPTIONAL_COLUMNS
) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Which pairs are scored at all: pairs sharing at least one of these keys.

    Args:
        optional: The optional columns compared (see `comparisons`).
    """
    # "Mo", no surname and no age, driving Mohammed Khan's car: a one-word
    # name meets the full one only through what they share.
    shared = [
        block_on("forename_key", c, arrays_to_explode=[c])
        for c in ("vehicles", "phones", "associates")
        if c in optional
    ]
    return [
        block_on("forename_key", "surname_key"),
        # Surname spelling and forename initial, split by district in a
        # block too large to score whole (see `blocking`).
        block_on(blocking.INITIAL_BLOCK),
        block_on("forename_metaphone", "surname_metaphone"),
        block_on("dob"),
        block_on("phone"),
        block_on("identifier"),
        block_on("staff", "forename_key"),
        block_on("staff", "surname_key"),
        block_on("forename_key", "postcode_unit"),
        block_on("forename_key", "address_key"),
        block_on("surname_key", "postcode_unit"),
        block_on("forename_key", "birth_year"),
        # A misspelt name at a known home ("Warindre Lqla" at Warinder Lala's),
        # and a surname alone at a known age ("Latif", 27).
        block_on("postcode_unit", "forename_initial"),
        block_on("surname_key", "birth_year"),
        # "Kaur Danny" for "Danny Kaur", "Zielinska Janina" for "Janina Zielinska".
        CustomRule(
            'l."forename_key" = r."surname_key" AND l."surname_key" = r."forename_key"',
            sql_dialect="duckdb",
        ),
        # Symmetric: one's written order is the other's swapped one either way round.
        CustomRule('l."words_written" = r."words_swapped"', sql_dialect="duckdb"),
        # Rules on a shared array element come last: only their pairs can
        # repeat, so only they need de-duplicating (`engines.blocking_sqls`).
        block_on("known_as", arrays_to_explode=["known_as"]),
        *shared,
    ]


def settings(*, optional: Sequence[str] = OPTIONAL_COLUMNS) -> SettingsCreator:
    """Splink settings of the person model.

    Args:
        optional: The optional columns to compare (see `comparisons`).
    """
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(optional=optional),
        blocking_rules_to_generate_predictions=blocking_rules(optional=optional),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=EM_MAX_ITERATIONS,
    )


# The name columns whose agreement is weighed by how common the name is.
TF_COLUMNS = ("forename", "surname")


def person_term_frequencies(
    features: pa.Table, clusters: Sequence[Sequence[int]] | None, column: str
) -> pa.Table:
    """How common each value of a name column is among people, not mentions.

    Counted per mention, a name is as common as its bearers are mentioned: one
    much-recorded "Kieran Walsh" makes "Walsh" look common, and his own
    mentions agreeing on it count for little. Counted once per person (a
    cluster of an earlier pass), a name is as common as the people bearing it.

    Args:
        features: Person features (`unique_id` and the column).
        clusters: Mention unique ids grouped into people; None counts mentions.
        column: The name column.

    Returns:
        A table of `column` and `tf_<column>` (Splink's term-frequency lookup).
    """
    ids = features.column("unique_id").combine_chunks()
    if clusters is None:
        person = ids
    else:
        flat = [m for cluster in clusters for m in cluster]
        which = [i for i, cluster in enumerate(clusters) for _ in cluster]
        person = pc.take(
            pa.array(which, pa.int64()), pc.index_in(ids, value_set=pa.array(flat, pa.int64()))
        )
    pairs = pa.table({"person": person, column: features.column(column)}).filter(
        pc.is_valid(features.column(column))
    )
    counts = (
        pairs.group_by([column, "person"])
        .aggregate([])
        .group_by([column])
        .aggregate([("person", "count")])
        .sort_by(column)
    )
    found = counts.column("person_count").cast(pa.float64())
    total = max(1.0, pc.sum(found).as_py() or 0.0)
    return pa.table(
        {column: counts.column(column).cast(pa.string()), f"tf_{column}": pc.divide(found, total)}
    )


def _train(linker: Linker, options: PersonModelOptions) -> None:
    """Unsupervised training: u from random pairs, m by EM over two blocking passes."""
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("forename_key", "surname_key", "dob")], recall=0.5
    )
    training.estimate_u_using_random_sampling(max_pairs=options.max_pairs_for_u, seed=options.seed)
    # Each pass trains the comparisons its own blocking keys leave free.
    for rule in (block_on("forename_key", "surname_key"), block_on("dob")):
        # Splink takes the comparisons a pass cannot train out of the model
        # while the pass runs, and puts them back only when it succeeds.
        before = linker._settings_obj.core_model_settings.copy()  # type: ignore[no-untyped-call]
        try:
            # Beyond max_pairs_for_em, EM trains on pairs of a hashed sample of
            # records; the probe that counts the pairs reads a tenth of them.
            training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=options.max_pairs_for_em, record_sample_proportion=0.1
            )
        except ValueError as error:
            # A level whose m probability underflows to zero (seen in EM on small
            # data) leaves that pass out; the other passes still train it.
            linker._settings_obj.core_model_settings = before
            logger.warning(
                "EM pass %s left out: %s", rule.create_sql(linker._db_api.sql_dialect), error
            )


def predict_pairs(
    features: pa.Table,
    options: PersonModelOptions,
    people: Sequence[Sequence[int]] | None = None,
    *,
    trained: Mapping[str, Any] | None = None,
) -> pa.Table:
    """Trains the model on the features and scores every blocked pair.

    Training runs in-process on DuckDB; scoring on `options.engine` with the
    trained parameters (see `engines`), so every engine applies one model.

    Args:
        features: Person features (`features.PERSON_SCHEMA`, plus collective columns;
            with `trained`, every column it compares).
        options: Training and threshold options.
        people: Clusters of an earlier pass; when given, names are weighed by
            how many people bear them rather than how many mentions.
        trained: A model trained earlier (Splink's model dict): scores with its
            comparisons and parameters instead of training.

    Returns:
        Pairs at or above the threshold: `unique_id_l`, `unique_id_r`,
        `match_weight`, `match_probability`.
    """
    # Splink warns of every level a small sample never shows; our own log says what matters.
    logging.getLogger("splink").setLevel(logging.ERROR)
    model = settings(
        optional=usable_columns(features) if trained is None else compared_columns(trained)
    )
    # Counted here rather than by each engine, so both use the very same frequencies.
    frequencies = {c: person_term_frequencies(features, people, c) for c in TF_COLUMNS}
    if trained is None:
        with engines.step("training"):
            trained = engines.train_on_duckdb(
                features, model, frequencies, lambda linker: _train(linker, options)
            )
    with engines.step(f"scoring pairs on {options.engine}"):
        pairs = engines.predict(
            options.engine, features, model, trained, frequencies, options.threshold
        )
    if numbers_mistaken(trained):
        pairs = pairs.replace_schema_metadata({NUMBERS_MISTAKEN: b"1"})
    return pairs


def compared_columns(trained: Mapping[str, Any]) -> list[str]:
    """The optional columns a trained model compares (of `OPTIONAL_COLUMNS`).

    `settings(optional=...)` of these rebuilds the model's comparisons level
    for level (`engines.with_parameters` refuses any that do not line up).

    Args:
        trained: A trained model (Splink's model dict).
    """
    sql = " ".join(
        str(level.get("sql_condition", ""))
        for comparison in trained.get("comparisons", ())
        for level in comparison.get("comparison_levels", ())
    )
    return [c for c in OPTIONAL_COLUMNS if f'"{c}_l"' in sql]


def numbers_mistaken(trained: Mapping[str, Any]) -> bool:
    """Whether these records often give one person two numbers of one scheme.

    Where numbers are keyed by hand and copied between forms, one person's
    mentions carry another number now and then; the trained model's m
    probability of "one scheme, different numbers" says how often.

    Args:
        trained: A trained model (Splink's model dict).
    """
    for comparison in trained.get("comparisons", ()):
        if comparison.get("output_column_name") != "identifiers":
            continue
        for level in comparison.get("comparison_levels", ()):
            if level.get("label_for_charts") == DIFFERENT_NUMBERS:
                return float(level.get("m_probability") or 0.0) >= MISTAKEN_NUMBER_SHARE
    return False


def rule_clusters(features: pa.Table) -> list[list[int]]:
    """Links by a strict rule, for inputs too small to train on.

    Two mentions are one person when forename and surname keys agree and
    their birth evidence, where both have some, overlaps.

    Args:
        features: Person features.
    """
    rows = features.select(["unique_id", "forename_key", "surname_key", "birth_lo", "birth_hi"])
    clusters: Clusters[int] = Clusters()
    by_name: dict[tuple[str, str], list[tuple[int, tuple[int, int] | None]]] = {}
    for row in rows.to_pylist():
        clusters.add(row["unique_id"])
        if row["forename_key"] and row["surname_key"]:
            birth = None if row["birth_lo"] is None else (row["birth_lo"], row["birth_hi"])
            key = (row["forename_key"], row["surname_key"])
            by_name.setdefault(key, []).append((row["unique_id"], birth))
    for members in by_name.values():
        for i, (left, birth_l) in enumerate(members):
            for right, birth_r in members[i + 1 :]:
                if (
                    birth_l is None
                    or birth_r is None
                    or (birth_l[0] <= birth_r[1] and birth_r[0] <= birth_l[1])
                ):
                    clusters.join(left, right)
    return clusters.groups()

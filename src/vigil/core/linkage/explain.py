"""Why two mentions are, or are not, one entity.

People are compared by the person model: each comparison's level and match
weight, summed with the prior into the pair's match weight, exactly as the
model of the last link run scored them. Identifier entities are joined by
rule, so their explanation names the rule. Two mentions in one entity that
were never compared directly are joined through a chain of links; the
explanation names the chain.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from vigil.core.linkage.features import address_key, postcode_keys
from vigil.core.linkage.identifiers import organisation_name_key
from vigil.core.linkage.ids import MentionKey
from vigil.core.linkage.incremental import PersonModel, aligned
from vigil.core.normalise import phones, vehicles


@dataclass(frozen=True, slots=True)
class ComparisonExplanation:
    """One comparison of the person model on one pair.

    Attributes:
        name: The comparison ("forename", "birth", "home", ...).
        level: The level the pair fell into ("exact match", "sounds alike", ...).
        match_weight: The level's log2 Bayes factor (positive: evidence for one person).
        left_value: What the left mention holds for it, as compared.
        right_value: What the right mention holds for it.
    """

    name: str
    level: str
    match_weight: float
    left_value: str | None
    right_value: str | None


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """Why two mentions are, or are not, in one entity.

    Attributes:
        left: (record source id, ref) of one mention.
        right: (record source id, ref) of the other.
        same_entity: Whether the last link run put them in one entity.
        match_weight: The model's total match weight for the pair (people only).
        probability: The model's match probability for the pair (people only).
        comparisons: Each comparison's level and weight (people only).
        rule: The rule joining identifier mentions ("same normalised plate").
        path: The chain of mentions joining them when they were not joined directly.
        judgement: An analyst's judgement on them ("same" or "not_same"), if any.
    """

    left: MentionKey
    right: MentionKey
    same_entity: bool
    match_weight: float | None = None
    probability: float | None = None
    comparisons: list[ComparisonExplanation] = field(default_factory=list)
    rule: str | None = None
    path: list[MentionKey] = field(default_factory=list)
    judgement: str | None = None


def scored_pairs(
    model: PersonModel, features: pa.Table, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], tuple[float, float, list[ComparisonExplanation]]]:
    """Scores pairs of person mentions with a kept model, comparison by comparison.

    Args:
        model: The model of the link run being explained.
        features: Person features of the mentions (`unique_id` and the compared columns).
        pairs: (left unique id, right unique id) pairs to score.

    Returns:
        (left, right) -> (match weight, match probability, comparisons).
    """
    if not pairs:
        return {}
    features = aligned(features, model)
    wanted = {u for pair in pairs for u in pair}
    records = [_with_tf(r, model) for r in features.to_pylist() if r["unique_id"] in wanted]
    linker, db_api, _ = model.linker(features)
    try:
        # One cartesian scoring, then the pairs asked for.
        scored = linker.inference.score_pairs(records, records).as_pyarrow_table()  # type: ignore[no-untyped-call]
    finally:
        db_api.duckdb_con.close()
    asked = set(pairs)
    return {
        (row["unique_id_l"], row["unique_id_r"]): _explained(model, row)
        for row in scored.to_pylist()
        if (row["unique_id_l"], row["unique_id_r"]) in asked
    }


def _with_tf(row: dict[str, Any], model: PersonModel) -> dict[str, Any]:
    """A mention with its names' frequencies as the run counted them."""
    row = dict(row)
    for column, shares in model.term_frequencies.items():
        value = row.get(column)
        row[f"tf_{column}"] = shares.get(value) if value is not None else None
    return row


def _explained(
    model: PersonModel, scored: dict[str, Any]
) -> tuple[float, float, list[ComparisonExplanation]]:
    comparisons = []
    for comparison in model.settings["comparisons"]:
        name = comparison["output_column_name"]
        gamma = scored.get(f"gamma_{name}")
        level = next(
            (
                lvl
                for lvl in comparison["comparison_levels"]
                if lvl.get("comparison_vector_value", _vector_value(comparison, lvl)) == gamma
            ),
            None,
        )
        # Splink gives each comparison's weight, and the name frequency's adjustment apart.
        weight = float(scored.get(f"mw_{name}") or 0.0)
        weight += float(scored.get(f"mw_tf_adj_{name}") or 0.0)
        columns = _input_columns(comparison)
        left_value, right_value = _shown(scored, columns)
        comparisons.append(
            ComparisonExplanation(
                name=name,
                level=_label(level),
                match_weight=weight,
                left_value=left_value,
                right_value=right_value,
            )
        )
    return float(scored["match_weight"]), float(scored["match_probability"]), comparisons


def _vector_value(comparison: dict[str, Any], level: dict[str, Any]) -> int:
    # Splink numbers levels from the weakest (0) up, the null level -1.
    if level.get("is_null_level"):
        return -1
    levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
    return len(levels) - 1 - levels.index(level)


def _label(level: dict[str, Any] | None) -> str:
    if level is None:
        return "unknown"
    return str(level.get("label_for_charts") or level.get("sql_condition") or "")


_COLUMN = re.compile(r'"?([A-Za-z_][A-Za-z0-9_]*)_l"?')


def _input_columns(comparison: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for level in comparison["comparison_levels"]:
        for column in _COLUMN.findall(str(level.get("sql_condition", ""))):
            if column not in found:
                found.append(column)
    return found


def _shown(scored: dict[str, Any], columns: Sequence[str]) -> tuple[str | None, str | None]:
    """What each side holds for a comparison: its first column either side fills."""
    for column in columns:
        left, right = scored.get(f"{column}_l"), scored.get(f"{column}_r")
        if left is not None or right is not None:
            return _text(left), _text(right)
    return None, None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def path_between(
    members: Sequence[MentionKey],
    links: Sequence[tuple[MentionKey, MentionKey]],
    left: MentionKey,
    right: MentionKey,
) -> list[MentionKey]:
    """The shortest chain of links from one mention to the other (empty when none).

    Args:
        members: The mentions of the entity.
        links: Pairs of them joined directly (scored above the threshold).
        left: Where the chain starts.
        right: Where it ends.
    """
    near: dict[MentionKey, list[MentionKey]] = {m: [] for m in members}
    for a, b in links:
        near.setdefault(a, []).append(b)
        near.setdefault(b, []).append(a)
    came_from: dict[MentionKey, MentionKey | None] = {left: None}
    queue = deque([left])
    while queue:
        here = queue.popleft()
        if here == right:
            chain = [here]
            while (step := came_from[chain[-1]]) is not None:
                chain.append(step)
            return chain[::-1]
        for there in sorted(near.get(here, ())):
            if there not in came_from:
                came_from[there] = here
                queue.append(there)
    return []


def identifier_rule(entity_type: str, left: Mapping[str, Any], right: Mapping[str, Any]) -> str:
    """The rule that joins (or would join) two identifier mentions, in words.

    Args:
        entity_type: vehicle, phone, address or organisation.
        left: One mention (its snapshot columns).
        right: The other.
    """
    if entity_type == "vehicle":
        a = vehicles.clean(left.get("vrm") or "") or None
        b = vehicles.clean(right.get("vrm") or "") or None
        if a and a == b:
            return f"same normalised plate ({vehicles.display(a) or a})"
        partial = [p for p in (a, b) if p and vehicles.is_partial(p)]
        if partial and a and b:
            full = b if a in partial else a
            return (
                f"partial plate {partial[0]} fits {full}: a partial plate joins a full one "
                "only when exactly one known plate fits it"
            )
        return "different plates"
    if entity_type == "phone":
        a = phones.clean(left.get("number") or "") or None
        b = phones.clean(right.get("number") or "") or None
        return f"same normalised number ({a})" if a and a == b else "different numbers"
    if entity_type == "address":
        a_key, b_key = address_key(left.get("address")), address_key(right.get("address"))
        if a_key and a_key == b_key:
            return f"same address once normalised ({a_key})"
        a_unit = postcode_keys(left.get("postcode")).unit
        if a_unit and a_unit == postcode_keys(right.get("postcode")).unit:
            return f"same postcode ({a_unit}), no fuller address to tell them apart"
        return "different addresses"
    if entity_type == "organisation":
        a = organisation_name_key(left.get("name"))
        b = organisation_name_key(right.get("name"))
        if a and a == b:
            return f'same name once "Ltd", "The" and the like are dropped ({a})'
        if a and b and (a.startswith(b + " ") or b.startswith(a + " ")):
            return "a shortened name that fits exactly one organisation of that type"
        return "different names"
    return "same type, no rule"

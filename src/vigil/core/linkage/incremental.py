"""The trained person model kept with a link run, and linking only what is new.

A full link trains the person model on everything. Its parameters (the
Splink model JSON) and the name frequencies it weighed names by are kept
with the run, so that

- `vigil explain` scores a pair with exactly the model that linked it, and
- the next `vigil link` after new records arrive reuses them: new mentions
  are compared only against the mentions they block with, and only the
  people those comparisons touch are clustered again. Everyone else keeps
  the entity (and id) they had.

The result differs from a full re-link only where a full re-link would have
trained different parameters; tests/core/linkage/test_incremental.py
measures how close the two are.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker

from vigil.core.linkage import blocking, engines, persons
from vigil.core.linkage.consistency import NUMBERS_MISTAKEN
from vigil.core.linkage.ids import MentionKey

# The model JSON's own format version, so an old run's model is refused, not misread.
MODEL_FORMAT = 1


@dataclass(frozen=True, slots=True)
class PersonModel:
    """A trained person model, as kept with a link run.

    Attributes:
        settings: Splink's model JSON (comparisons, levels, m and u probabilities).
        term_frequencies: Column -> value -> share of people bearing it, for the
            name columns weighed by how common a name is.
        threshold: Match probability at or above which two mentions were joined.
        trained_on: How many person mentions it was trained on.
    """

    settings: dict[str, Any]
    term_frequencies: dict[str, dict[str, float]]
    threshold: float
    trained_on: int = 0

    def to_json(self) -> dict[str, Any]:
        """The model as plain JSON, for the link run."""
        return {
            "format": MODEL_FORMAT,
            "settings": self.settings,
            "term_frequencies": self.term_frequencies,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> PersonModel | None:
        """A stored model, or None when there is none (or it is of another format)."""
        if not data or data.get("format") != MODEL_FORMAT:
            return None
        return cls(
            settings=dict(data["settings"]),
            term_frequencies={c: dict(v) for c, v in data["term_frequencies"].items()},
            threshold=float(data["threshold"]),
            trained_on=int(data.get("trained_on", 0)),
        )

    def linker(self, features: pa.Table) -> tuple[Linker, DuckDBAPI, Any]:
        """A Splink linker over the features holding this model's parameters.

        Returns:
            The linker, its database and the features' frame in it.
        """
        logging.getLogger("splink").setLevel(logging.ERROR)
        db_api = engines.duckdb_api()
        frame = db_api.register(features, dataset_display_name="person_mentions")
        # Validation only logs warnings about the settings (silenced above), and
        # parsing every condition for it costs more than scoring a few mentions.
        linker = Linker(
            frame, copy.deepcopy(self.settings), log_level=None, validate_settings=False
        )
        for column, shares in self.term_frequencies.items():
            lookup = db_api.register(
                pa.table(
                    {column: list(shares), f"tf_{column}": list(shares.values())},
                    schema=pa.schema([(column, pa.string()), (f"tf_{column}", pa.float64())]),
                ),
                dataset_display_name=f"person_tf_{column}",
            )
            linker.table_management.register_term_frequency_lookup(lookup, column)
        return linker, db_api, frame


@dataclass(frozen=True, slots=True)
class _Trained:
    settings: dict[str, Any]
    term_frequencies: Mapping[str, pa.Table]


@contextmanager
def recording_models() -> Iterator[list[_Trained]]:
    """Collects every person model trained inside the block, with its name frequencies.

    The person model trains and predicts in one call and hands back only
    the pairs; this is how the run learns the parameters it trained, without
    a second training.
    """
    made: list[_Trained] = []
    # Wrapped in the engines' own namespace, for this block only.
    namespace = vars(engines)
    original = namespace["train_on_duckdb"]

    def recording(
        features: pa.Table, model: Any, term_frequencies: Mapping[str, pa.Table], train: Any
    ) -> dict[str, Any]:
        trained: dict[str, Any] = original(features, model, term_frequencies, train)
        made.append(_Trained(copy.deepcopy(trained), dict(term_frequencies)))
        return trained

    namespace["train_on_duckdb"] = recording
    try:
        yield made
    finally:
        namespace["train_on_duckdb"] = original


def captured_model(
    made: Sequence[_Trained], threshold: float, trained_on: int
) -> PersonModel | None:
    """The last model trained (the one that linked), as kept with the run.

    Args:
        made: Models recorded while linking.
        threshold: The match threshold applied.
        trained_on: How many person mentions it was trained on.
    """
    if not made:
        return None
    last = made[-1]
    return PersonModel(
        settings=last.settings,
        term_frequencies=shares(last.term_frequencies),
        threshold=threshold,
        trained_on=trained_on,
    )


def shares(term_frequencies: Mapping[str, pa.Table]) -> dict[str, dict[str, float]]:
    """Term-frequency lookups (column -> Splink's lookup table) as a model keeps them."""
    return {
        column: dict(
            zip(
                table.column(column).to_pylist(),
                table.column(f"tf_{column}").to_pylist(),
                strict=True,
            )
        )
        for column, table in term_frequencies.items()
    }


def aligned(features: pa.Table, model: PersonModel) -> pa.Table:
    """The features with every column the model compares or blocks on (null where the
    data has none)."""
    features = blocking.with_block_keys(features)
    wanted = _model_columns(model)
    for name in sorted(wanted - set(features.column_names)):
        features = features.append_column(name, pa.nulls(features.num_rows, pa.list_(pa.string())))
    return features


def _model_columns(model: PersonModel) -> set[str]:
    found: set[str] = set()
    for comparison in model.settings.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            sql = str(level.get("sql_condition", ""))
            found.update(c for c in persons.COLLECTIVE_COLUMNS if f'"{c}_l"' in sql)
    return found


def score_new(features: pa.Table, new_ids: Sequence[int], model: PersonModel) -> pa.Table:
    """Pairs involving a new mention, scored by a kept model: new against old, new against new.

    Args:
        features: Person features of every mention (new and old).
        new_ids: Unique ids of the new mentions.
        model: The kept model.

    Returns:
        Pairs at or above the model's threshold: `unique_id_l`, `unique_id_r`,
        `match_probability`.
    """
    features = aligned(features, model)
    new = set(new_ids)
    is_new = pa.array([u in new for u in features.column("unique_id").to_pylist()])
    fresh = features.filter(is_new)
    old = features.filter(pc.invert(is_new))
    linker, db_api, fresh_frame = model.linker(fresh)
    found = [
        linker.inference.predict_within(
            fresh_frame, threshold_match_probability=model.threshold, warning_mode="never"
        )
    ]
    if old.num_rows:
        old_frame = db_api.register(old, dataset_display_name="old_mentions")
        found.append(
            linker.inference.predict_between(
                fresh_frame,
                old_frame,
                threshold_match_probability=model.threshold,
                warning_mode="never",
            )
        )
    pairs = pa.concat_tables(
        [_pairs(f.as_pyarrow_table()) for f in found]  # type: ignore[no-untyped-call]
    )
    db_api.duckdb_con.close()
    return _tagged(pairs, model)


def score_within(features: pa.Table, model: PersonModel) -> pa.Table:
    """Every blocked pair among some mentions, scored by a kept model."""
    features = aligned(features, model)
    linker, db_api, frame = model.linker(features)
    pairs = _pairs(
        linker.inference.predict_within(
            frame, threshold_match_probability=model.threshold, warning_mode="never"
        ).as_pyarrow_table()  # type: ignore[no-untyped-call]
    )
    db_api.duckdb_con.close()
    return _tagged(pairs, model)


def _tagged(pairs: pa.Table, model: PersonModel) -> pa.Table:
    """The pairs tagged as a full link tags them when the model found numbers often
    mistaken, so clustering weighs a differing number the same way in both."""
    if persons.numbers_mistaken(model.settings):
        return pairs.replace_schema_metadata({NUMBERS_MISTAKEN: b"1"})
    return pairs


def _pairs(predicted: pa.Table) -> pa.Table:
    """Scored pairs as a full link gives them: weights rounded, probabilities from them."""
    weight = pc.round(predicted.column("match_weight").cast(pa.float64()), engines.WEIGHT_DECIMALS)
    odds = pc.power(2.0, weight)
    return pa.table(
        {
            "unique_id_l": predicted.column("unique_id_l").cast(pa.int64()),
            "unique_id_r": predicted.column("unique_id_r").cast(pa.int64()),
            "match_weight": weight,
            "match_probability": pc.divide(odds, pc.add(odds, 1.0)),
        }
    )


@dataclass(frozen=True, slots=True)
class Previous:
    """What the last link run left, for linking only what is new.

    Attributes:
        assignment: Mention key -> entity id.
        linked_mentions: Mention key -> the mention row (version) linked, where known;
            a mention whose current row differs was edited and is linked again.
        model: The person model the run kept.
    """

    assignment: Mapping[MentionKey, str]
    linked_mentions: Mapping[MentionKey, int | None]
    model: PersonModel | None

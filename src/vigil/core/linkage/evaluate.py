"""How close a resolution is to the truth: pairwise and B-cubed precision, recall, F1."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and their harmonic mean."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


def pairwise(predicted: Mapping[K, Hashable], truth: Mapping[K, Hashable]) -> Scores:
    """Scores over pairs of mentions: a pair is right when both sides put it in one entity.

    Only mentions present in both mappings count.

    Args:
        predicted: Mention -> predicted entity.
        truth: Mention -> true entity.
    """
    keys = predicted.keys() & truth.keys()
    both = Counter((predicted[k], truth[k]) for k in keys)
    pred_sizes = Counter(predicted[k] for k in keys)
    true_sizes = Counter(truth[k] for k in keys)

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    agreed = sum(pairs(n) for n in both.values())
    predicted_pairs = sum(pairs(n) for n in pred_sizes.values())
    true_pairs = sum(pairs(n) for n in true_sizes.values())
    return Scores(
        precision=agreed / predicted_pairs if predicted_pairs else 1.0,
        recall=agreed / true_pairs if true_pairs else 1.0,
    )


def b_cubed(predicted: Mapping[K, Hashable], truth: Mapping[K, Hashable]) -> Scores:
    """B-cubed scores: per mention, the share of its predicted entity that is truly its own,
    and of its true entity that was predicted with it, averaged over mentions.

    Args:
        predicted: Mention -> predicted entity.
        truth: Mention -> true entity.
    """
    keys = predicted.keys() & truth.keys()
    if not keys:
        return Scores(1.0, 1.0)
    both: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    for k in keys:
        both[(predicted[k], truth[k])] += 1
    pred_sizes = Counter(predicted[k] for k in keys)
    true_sizes = Counter(truth[k] for k in keys)
    precision = recall = 0.0
    for (pred, true), n in both.items():
        precision += n * n / pred_sizes[pred]
        recall += n * n / true_sizes[true]
    return Scores(precision / len(keys), recall / len(keys))

"""Harm versus volume: by year and offence group, how many crimes, how much harm, and the share
of each that drew a qualifying action.

A volume target counts a shoplifting the same as the rape of a child; weighing
each record by its harm (days of imprisonment) shows what counting hides.
Concern records with no offence code (intelligence about exploitation, a
missing episode with an adult) are counted too, in a group of their own,
weighed as detection weighs them (the configured default code).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from vigil.core.detect.harm import HarmIndex

UNCODED_CONCERNS = "Concerns, no offence code"


@dataclass(frozen=True, slots=True)
class CrimeRecord:
    """A record with an offence code (or a concern record without one), as the report reads it."""

    record_id: str
    offence: str | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ActionTaken:
    """An action, as the report reads it: its kind, when, and which records it answers."""

    kind: str
    taken_at: datetime
    record_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PerformanceRow:
    """One year and offence group.

    Attributes:
        year: The year the records were recorded in.
        group: The offence group (from the harm file).
        records: How many records (the volume).
        actioned: How many of them drew a qualifying action.
        harm: Their harm in days of imprisonment, summed.
        harm_actioned: The harm of those that drew a qualifying action.
        indicative: True when any weight summed is indicative.
    """

    year: int
    group: str
    records: int
    actioned: int
    harm: float
    harm_actioned: float
    indicative: bool

    @property
    def volume_share(self) -> float | None:
        """The share of records actioned, or None with no records."""
        return self.actioned / self.records if self.records else None

    @property
    def harm_share(self) -> float | None:
        """The share of harm actioned, or None when there is no harm."""
        return self.harm_actioned / self.harm if self.harm else None

    def as_dict(self) -> dict[str, Any]:
        """Plain data, with both shares (rounded to 4 places)."""
        out = asdict(self)
        out["harm"] = round(self.harm, 2)
        out["harm_actioned"] = round(self.harm_actioned, 2)
        out["volume_share"] = None if self.volume_share is None else round(self.volume_share, 4)
        out["harm_share"] = None if self.harm_share is None else round(self.harm_share, 4)
        return out


def performance(
    records: Iterable[CrimeRecord],
    actions: Iterable[ActionTaken],
    *,
    harm_index: HarmIndex,
    qualifying: Collection[str],
    uncoded_as: str | None = None,
) -> list[PerformanceRow]:
    """Volume, harm and the share actioned, by year and offence group.

    A record counts as actioned when an action of a qualifying kind names it,
    whenever that action was taken. A code the harm file lacks weighs nothing
    and falls in the group for other offences. A record without a code (give
    only concern records) is weighed as `uncoded_as` in its own group.

    Returns:
        Rows by year, then by harm (highest first), then group.
    """
    actioned = {
        record_id
        for action in actions
        if action.kind in qualifying
        for record_id in action.record_ids
    }
    totals: dict[tuple[int, str], list[float]] = {}
    indicative: dict[tuple[int, str], bool] = {}
    for record in records:
        code = record.offence or uncoded_as
        weight = harm_index.weight(code)
        days = weight.days if weight is not None else 0.0
        group = harm_index.group(code) if record.offence else UNCODED_CONCERNS
        key = (record.recorded_at.year, group)
        row = totals.setdefault(key, [0, 0, 0.0, 0.0])
        done = record.record_id in actioned
        row[0] += 1
        row[1] += done
        row[2] += days
        row[3] += days if done else 0.0
        indicative[key] = indicative.get(key, False) or bool(weight and weight.indicative)
    rows = [
        PerformanceRow(
            year=year,
            group=group,
            records=int(n),
            actioned=int(done),
            harm=harm,
            harm_actioned=harm_done,
            indicative=indicative[(year, group)],
        )
        for (year, group), (n, done, harm, harm_done) in totals.items()
    ]
    return sorted(rows, key=lambda r: (r.year, -r.harm, r.group))

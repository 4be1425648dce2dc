"""Harm versus volume by year and offence group."""

from __future__ import annotations

from vigil.core.detect.harm import UNGROUPED, load_harm
from vigil.core.detect.performance import UNCODED_CONCERNS, ActionTaken, CrimeRecord, performance

from .helpers import day

QUALIFYING = {"investigation_opened", "charge"}


def test_volume_and_harm_shares_differ_when_serious_crime_goes_unanswered() -> None:
    records = [CrimeRecord(f"s{i}", "46", day(i)) for i in range(9)]  # shoplifting, 1 day each
    records += [CrimeRecord("rape", "19E", day(10)), CrimeRecord("odd", "999Z", day(11))]
    actions = [
        ActionTaken("charge", day(20), tuple(f"s{i}" for i in range(9))),
        ActionTaken("no_further_action", day(20), ("rape",)),  # not qualifying
    ]
    rows = performance(records, actions, harm_index=load_harm(), qualifying=QUALIFYING)
    by_group = {r.group: r for r in rows}
    assert [r.group for r in rows] == ["Rape", "Shoplifting", UNGROUPED]  # most harm first
    rape, shop, other = by_group["Rape"], by_group["Shoplifting"], by_group[UNGROUPED]
    assert (rape.records, rape.actioned, rape.harm, rape.harm_actioned) == (1, 0, 2555.0, 0.0)
    assert (shop.records, shop.actioned, shop.harm) == (9, 9, 9.0)
    assert shop.volume_share == 1.0 and rape.harm_share == 0.0
    assert other.harm == 0 and other.harm_share is None and not other.indicative
    total = sum(r.actioned for r in rows) / sum(r.records for r in rows)
    harm_share = sum(r.harm_actioned for r in rows) / sum(r.harm for r in rows)
    assert total > 0.8 and harm_share < 0.01  # what a volume target hides
    assert rape.as_dict()["harm_share"] == 0.0 and rape.as_dict()["indicative"] is True


def test_rows_split_by_year() -> None:
    records = [CrimeRecord("a", "46", day(0)), CrimeRecord("b", "46", day(400))]
    rows = performance(
        records,
        [ActionTaken("charge", day(401), ("b",))],
        harm_index=load_harm(),
        qualifying=QUALIFYING,
    )
    assert [(r.year, r.records, r.actioned) for r in rows] == [(2010, 1, 0), (2011, 1, 1)]


def test_concern_records_without_a_code_are_weighed_as_the_default_in_their_own_group() -> None:
    records = [CrimeRecord("intel-1", None, day(0)), CrimeRecord("intel-2", None, day(1))]
    rows = performance(
        records,
        [ActionTaken("strategy_meeting", day(3), ("intel-2",))],
        harm_index=load_harm(),
        qualifying=QUALIFYING | {"strategy_meeting"},
        uncoded_as="71",
    )
    (row,) = rows
    assert row.group == UNCODED_CONCERNS and row.indicative
    assert (row.records, row.actioned, row.harm, row.harm_actioned) == (2, 1, 364.0, 182.0)

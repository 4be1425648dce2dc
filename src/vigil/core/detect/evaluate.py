"""Scoring alerts against a scenario's truth: network recall, alert precision, decoys, lead time."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vigil.core.detect.inputs import MentionKey
from vigil.core.detect.run import Alert


@dataclass(frozen=True, slots=True)
class DetectScores:
    """How alerts compare with the truth.

    Attributes:
        network_recall: Share of planted networks with a member as some alert's subject.
        alert_precision: Share of alerts whose subject is truly a network member.
        decoys_in_high_priority: Alerts at or above the high mark whose subject is a decoy.
        alerts_on_decoys: Alerts of any priority whose subject is a decoy.
        median_lead_days: Median over detected networks of days from the second
            independent concern to the first alert (its trigger, or when it was raised
            where that is given; negative: earlier); None if none.
        alerts: How many alerts were scored.
        raised_precision: With `ever_raised`, the share of every alert ever raised
            (including those a later step withdrew or re-keyed) whose subject is
            truly a network member; else None.
        lead_days: Each detected network's lead in days (the median's population),
            so that leads can be pooled over towns.
    """

    network_recall: float
    alert_precision: float
    decoys_in_high_priority: int
    median_lead_days: float | None
    alerts: int
    alerts_on_decoys: int = 0
    raised_precision: float | None = None
    lead_days: tuple[int, ...] = ()


def score_alerts(
    alerts: Sequence[Alert],
    truth: Mapping[str, Any],
    entity_of: Mapping[MentionKey, str],
    *,
    high: float,
    raised_at: Mapping[str, datetime] | None = None,
    ever_raised: Mapping[str, Sequence[MentionKey]] | None = None,
    second_concern: Mapping[str, str | None] | None = None,
) -> DetectScores:
    """Scores alerts: an alert's subject is the true entity most of its subject's mentions name.

    Args:
        alerts: What detection raised.
        truth: A loaded truth.json.
        entity_of: The entity id detection used for each mention.
        high: The priority at or above which an alert is high priority.
        raised_at: When each alert (by key) was first raised, as replay found;
            lead time is measured to it instead of the trigger date.
        ever_raised: Every alert key ever raised (with `raised_at`), with its
            subject's mentions when first raised. A network's first alert is then
            the soonest of these about a member: a later full link may give the
            same person a new id, re-keying the alert, or withdraw it, but users
            were shown it when it was raised.
        second_concern: Each network's second independent concern (ISO time) to
            measure lead time from, instead of truth's (see `second_concern_about_the_men`).
    """
    true_of = {(m["record_id"], m["ref"]): m["entity_id"] for m in truth["mentions"]}
    network_of = {
        member: n["network_id"]
        for n in truth["networks"]
        for group in n["members"].values()
        for member in group
    }
    decoys = {d["entity_id"] for d in truth["decoys"]}
    right = decoyed = on_decoys = 0
    first_alert: dict[str, datetime] = {}
    for alert in alerts:
        found = alert.finding
        subjects = set(found.subject_ids)
        votes = Counter(
            true_of[key]
            for key in found.mentions
            if key in true_of and entity_of.get(key, f"mention:{key[0]}:{key[1]}") in subjects
        )
        subject = votes.most_common(1)[0][0] if votes else None
        if subject in network_of:
            right += 1
            network = network_of[subject]
            at = found.triggered_at if raised_at is None else raised_at[found.key]
            if network not in first_alert or at < first_alert[network]:
                first_alert[network] = at
        if subject in decoys:
            on_decoys += 1
            decoyed += alert.priority.value >= high
    found_networks = set(first_alert)  # by the alerts standing at the end
    raised_right = 0
    if ever_raised and raised_at is None:
        raise ValueError("ever_raised needs raised_at")
    for key, keys in (ever_raised or {}).items():
        assert raised_at is not None
        votes = Counter(true_of[k] for k in keys if k in true_of)
        subject = votes.most_common(1)[0][0] if votes else None
        if subject in network_of:
            raised_right += 1
            network = network_of[subject]
            at = raised_at[key]
            if network not in first_alert or at < first_alert[network]:
                first_alert[network] = at
    second = second_concern or {
        n["network_id"]: n.get("second_independent_concern") for n in truth["networks"]
    }
    leads = [
        (first_alert[n["network_id"]] - datetime.fromisoformat(when)).days
        for n in truth["networks"]
        if n["network_id"] in found_networks and (when := second.get(n["network_id"]))
    ]
    networks = len(truth["networks"])
    return DetectScores(
        network_recall=len(found_networks) / networks if networks else 1.0,
        alert_precision=right / len(alerts) if alerts else 1.0,
        decoys_in_high_priority=decoyed,
        median_lead_days=statistics.median(leads) if leads else None,
        alerts=len(alerts),
        alerts_on_decoys=on_decoys,
        raised_precision=raised_right / len(ever_raised) if ever_raised else None,
        lead_days=tuple(leads),
    )


def second_concern_about_the_men(
    truth: Mapping[str, Any], records: Iterable[Mapping[str, Any]]
) -> dict[str, str | None]:
    """Each network's second independent concern about "the same man, car or flat".

    Truth's own `second_independent_concern` counts every record the network caused,
    including a school's attendance note or a missing episode naming only the child.
    This counts only the network's records that name one of its adults, vehicles,
    phones, flats or businesses: the first of them, then the first held by another
    agency (its `recorded_at`), or None.

    Args:
        truth: A loaded truth.json.
        records: The town's bundle records (`id`, `agency`, `recorded_at`).
    """
    named: dict[str, set[str]] = {}
    for m in truth["mentions"]:
        named.setdefault(m["record_id"], set()).add(m["entity_id"])
    wanted = {r for n in truth["networks"] for r in n["record_ids"]}
    held = {r["id"]: (r["recorded_at"], r["agency"]) for r in records if r["id"] in wanted}
    found: dict[str, str | None] = {}
    for n in truth["networks"]:
        members = n["members"]
        theirs = {
            e
            for part in ("adults", "vehicles", "phones", "addresses", "organisations")
            for e in members.get(part, ())
        }
        concerns = sorted(
            held[r] for r in n["record_ids"] if r in held and named.get(r, set()) & theirs
        )
        first_agency = concerns[0][1] if concerns else None
        found[n["network_id"]] = next(
            (when for when, agency in concerns if agency != first_agency), None
        )
    return found

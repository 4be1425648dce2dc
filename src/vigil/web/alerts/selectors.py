"""Reading alerts."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from vigil.web.alerts import models
from vigil.web.detect_settings import detect_config
from vigil.web.kept import kept
from vigil.web.records.dialect import in_clause_limit


def alert_lines() -> Iterator[dict[str, Any]]:
    """Every alert in the spec's export shape, highest priority first."""
    for alert in models.Alert.objects.order_by("-priority", "key").iterator(chunk_size=2_000):
        yield {
            "alert_id": alert.alert_id,
            "rule": alert.rule,
            "raised_at": alert.raised_at.isoformat().replace("+00:00", "Z"),
            "priority": alert.priority,
            "harm": alert.harm,
            "status": alert.status,
            "entity_ids": alert.entity_ids,
            "mentions": alert.mentions,
            "record_ids": alert.record_ids,
            "explanation": alert.explanation,
        }


# --- The alert pages' queries (queue filters, evidence, priority breakdown) ---

# Priority bands for the queue's filter: "high" is detection's own high mark.
MEDIUM_SHARE_OF_HIGH = 0.1


def priority_bands() -> dict[str, tuple[float, float | None]]:
    """Each band's lowest priority and the priority it stops below."""
    high = detect_config().priority.high
    medium = high * MEDIUM_SHARE_OF_HIGH
    return {"high": (high, None), "medium": (medium, high), "low": (0.0, medium)}


QUEUE_ORDERS = {
    "priority": ("-priority", "alert_id"),
    "raised": ("-raised_at", "alert_id"),
    "raised_oldest": ("raised_at", "alert_id"),
    "updated": ("-updated_at", "alert_id"),
}


def _cites_readable(user: Any) -> Exists:
    from vigil.web.records.access import readable_q

    return Exists(
        models.AlertRecord.objects.filter(alert=OuterRef("pk")).filter(readable_q(user, "record__"))
    )


def readable_alert_ids(user: Any, alert_pks: Collection[int]) -> set[int]:
    """The given alerts (pks) the user may know of, as `readable_alerts_q` says.

    Two queries rather than one OR: PostgreSQL answers `assigned OR EXISTS (…)`
    by first finding every alert citing a readable record, however few are asked about.
    """
    wanted = sorted(set(alert_pks))
    found: set[int] = set()
    step = in_clause_limit()
    for start in range(0, len(wanted), step):
        some = models.Alert.objects.filter(pk__in=wanted[start : start + step])
        if user.pk is not None:
            found.update(some.filter(assigned_to_id=user.pk).values_list("pk", flat=True))
        found.update(some.filter(_cites_readable(user)).values_list("pk", flat=True))
    return found


def readable_alerts_q(user: Any) -> Q:
    """Alerts the user may know of: assigned to them, or citing a record they may read.

    Need-to-know as the queue and the home page's counts apply it: an alert
    resting only on records the user may not read is not listed at all.
    """
    cites_readable = _cites_readable(user)
    return (
        Q(assigned_to_id=user.pk) | Q(cites_readable) if user.pk is not None else Q(cites_readable)
    )


def alert_queue_filtered(
    *,
    user: Any,
    status: str = "",
    rule: str = "",
    band: str = "",
    mine: bool = False,
    escalated: bool = False,
    order: str = "priority",
) -> Any:
    """Alerts as the queue shows them (those the user may know of), filtered and in the
    order asked for."""
    return (
        alert_queue_ordered(
            user=user,
            status=status,
            rule=rule,
            band=band,
            mine=mine,
            escalated=escalated,
            order=order,
        )
        .select_related("assigned_to")
        .filter(readable_alerts_q(user))
    )


def alert_queue_ordered(
    *,
    user: Any,
    status: str = "",
    rule: str = "",
    band: str = "",
    mine: bool = False,
    escalated: bool = False,
    order: str = "priority",
) -> QuerySet[models.Alert]:
    """Every alert the queue's filters keep, in its order, before need-to-know: for
    `QueueRows`, which applies need-to-know a page at a time."""
    query = models.Alert.objects.all()
    if status:
        query = query.filter(status=status)
    if rule:
        query = query.filter(rule=rule)
    if band:
        low, below = priority_bands()[band]
        query = query.filter(priority__gte=low)
        if below is not None:
            query = query.filter(priority__lt=below)
    if mine:
        query = query.filter(assigned_to_id=user.pk)
    if escalated:
        query = query.filter(escalated_at__isnull=False, escalation_resolved_at__isnull=True)
    return query.order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["priority"]))


# Queue counts kept this long at most; any new record version or evidence row starts afresh.
QUEUE_COUNTS_KEPT_SECONDS = 600


class QueueRows:
    """The queue's alerts for one user, as `Paginator` reads them: a count and slices.

    Filtering every alert by need-to-know in one query makes PostgreSQL check
    every alert's evidence (a count has to); instead, a page walks the alerts in
    the queue's order, a batch at a time, and keeps those the user may know of,
    so the first pages read about as many alerts as they show. The unfiltered
    count is split as `readable_parts` splits need-to-know: the alerts citing a
    record everyone in the user's group reads are counted once for the group and
    kept until the records or the evidence change; the user's own (assigned to
    them, or citing their alerts' records or their grants) are counted each time.
    """

    def __init__(self, *, user: Any, ordered: QuerySet[models.Alert], filtered: bool) -> None:
        self._user = user
        self._ordered = ordered
        self._filtered = filtered
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._counted()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[models.Alert]:
        # No further than the count: a reader who may know of few alerts is not
        # walked through every alert looking for more.
        total = self.count()
        start, stop = index.start or 0, total if index.stop is None else min(index.stop, total)
        if start >= stop:
            return []
        kept: list[int] = []
        offset, batch = 0, 100
        while len(kept) < stop:
            ids = list(self._ordered.values_list("pk", flat=True)[offset : offset + batch])
            if not ids:
                break
            ok = readable_alert_ids(self._user, ids)
            kept.extend(pk for pk in ids if pk in ok)
            offset += len(ids)
            batch = min(batch * 4, 5_000)
        wanted = kept[start:stop]
        rows = models.Alert.objects.select_related("assigned_to").in_bulk(wanted)
        return [rows[pk] for pk in wanted]

    def _counted(self) -> int:
        from vigil.web.records.access import readable_parts

        parts = readable_parts(self._user, "record__")
        if self._filtered or parts is None:
            return self._ordered.filter(readable_alerts_q(self._user)).count()
        cites_shared = Exists(
            models.AlertRecord.objects.filter(alert=OuterRef("pk")).filter(parts.shared)
        )
        key = f"vigil:alert-queue-count:{parts.group}:{_evidence_state()}"
        shared = kept(
            key,
            lambda: models.Alert.objects.filter(cites_shared).count(),
            QUEUE_COUNTS_KEPT_SECONDS,
        )
        # Alerts the user knows of beyond the group's: assigned to them, or citing
        # one of their own records, and citing nothing the group reads.
        own = set(
            models.Alert.objects.filter(assigned_to_id=self._user.pk).values_list("pk", flat=True)
        )
        extra = sorted(parts.extra_pks)
        step = in_clause_limit()
        for begin in range(0, len(extra), step):
            own.update(
                models.AlertRecord.objects.filter(
                    record_id__in=extra[begin : begin + step]
                ).values_list("alert_id", flat=True)
            )
        beyond = 0
        wanted = sorted(readable_alert_ids(self._user, own))
        for begin in range(0, len(wanted), step):
            beyond += (
                models.Alert.objects.filter(pk__in=wanted[begin : begin + step])
                .exclude(cites_shared)
                .count()
            )
        return int(shared) + beyond


def _evidence_state() -> str:
    """Changes whenever a record version or an alert's evidence row is added or removed."""
    from vigil.web.records.models import RecordVersion

    versions = RecordVersion.objects.aggregate(n=Max("id"))["n"]
    evidence = models.AlertRecord.objects.aggregate(n=Count("id"), last=Max("id"))
    return f"{versions}:{evidence['n']}:{evidence['last']}"


def alert_rules() -> list[str]:
    """Every rule that has raised an alert, for the queue's filter."""
    return list(models.Alert.objects.order_by("rule").values_list("rule", flat=True).distinct())


def alert_evidence(*, alert: models.Alert, user: Any) -> tuple[list[dict[str, Any]], int]:
    """The alert's evidence records the user may read, oldest first, and how many are withheld."""
    from vigil.web.records.access import filter_record_ids
    from vigil.web.records.models import Record

    rows = list(
        Record.objects.filter(source_id__in=alert.record_ids).values(
            "pk",
            "source_id",
            "current_version__agency",
            "current_version__kind",
            "current_version__title",
            "current_version__recorded_at",
            "current_version__offence",
        )
    )
    visible = filter_record_ids(user, [row["pk"] for row in rows])
    shown = sorted(
        (
            {
                "pk": row["pk"],
                "source_id": row["source_id"],
                "agency": row["current_version__agency"],
                "kind": row["current_version__kind"],
                "title": row["current_version__title"] or "",
                "recorded_at": row["current_version__recorded_at"],
                "offence": row["current_version__offence"] or "",
            }
            for row in rows
            if row["pk"] in visible
        ),
        key=lambda row: (row["recorded_at"], row["source_id"]),
    )
    return shown, len(alert.record_ids) - len(shown)


def alert_explanation_parts(*, alert: models.Alert) -> tuple[str, list[str]]:
    """The rule's plain words, and the priority's factors one by one.

    Detection writes "<rule's words> Priority N = harm … × vulnerability … × …".
    """
    words, marker, priority = alert.explanation.partition(" Priority ")
    if not marker:
        return alert.explanation, []
    _, _, product = priority.partition(" = ")
    return words, [factor.strip().rstrip(".") for factor in product.split(" × ") if factor]


# --- Lifecycle: the queue, one alert, escalations; harm versus volume ---


def alert_queue(
    user: Any, filters: Mapping[str, Any] | None = None, sort: str = "priority"
) -> QuerySet[models.Alert]:
    """The alert queue for a user, filtered and sorted.

    Args:
        user: Who is looking (for the `mine` filter).
        filters: Any of `status`, `rule`, `band` ("high", "medium", "low"),
            `mine` (assigned to the user) and `escalated` (waiting on an escalation).
        sort: One of `QUEUE_ORDERS`: "priority" (default), "raised",
            "raised_oldest", "updated".

    Returns:
        A QuerySet of `models.Alert` (with `assigned_to` joined), ready to paginate.
    """
    chosen = dict(filters or {})
    return cast(
        "QuerySet[models.Alert]",
        alert_queue_filtered(
            user=user,
            status=str(chosen.get("status") or ""),
            rule=str(chosen.get("rule") or ""),
            band=str(chosen.get("band") or ""),
            mine=bool(chosen.get("mine")),
            escalated=bool(chosen.get("escalated")),
            order=sort,
        ),
    )


@dataclass(frozen=True, slots=True)
class AlertDetail:
    """One alert with what its page needs beyond the row.

    Attributes:
        alert: The `models.Alert` row (assignee, proposer and approver joined).
        senior_review_needed: Subjects dismissed often enough that only a senior
            reviewer may approve another no-further-action decision.
        dismissals: Approved no-further-action decisions so far, by subject entity id.
        history: The alert's audit entries other than views, oldest first, each a dict of
            `at` (datetime), `actor` ("user:12" or "system:detect"), `event` and `reason`.
    """

    alert: models.Alert
    senior_review_needed: list[str]
    dismissals: dict[str, int]
    history: list[dict[str, Any]]


def alert_detail(alert_id: str) -> AlertDetail | None:
    """One alert by its `alert_id`, or None when there is no such alert. See `AlertDetail`."""
    from vigil.core.audit import Event
    from vigil.web.alerts.services import senior_review_needed, subject_dismissals
    from vigil.web.audit.models import AuditEntry, AuditObject

    alert = (
        models.Alert.objects.select_related(
            "assigned_to", "nfa_proposed_by", "nfa_approved_by", "escalation_resolved_by"
        )
        .filter(alert_id=alert_id)
        .first()
    )
    if alert is None:
        return None
    ref = f"alert:{alert.alert_id}"
    history = [
        {
            "at": entry.at,
            "actor": f"{entry.actor_kind}:{entry.actor_id}",
            "event": entry.event,
            "reason": entry.reason,
        }
        # By the index of named objects, not a scan of the log; the entry is what is shown.
        for entry in AuditEntry.objects.filter(
            sequence__in=AuditObject.objects.filter(ref=ref).values("sequence")
        )
        .exclude(event=Event.VIEW)  # who read it is the log's business, and views pile up
        .order_by("sequence")
    ]
    dismissals = subject_dismissals(alert.subject_ids or [])
    return AlertDetail(
        alert=alert,
        senior_review_needed=senior_review_needed(alert, dismissals),
        dismissals=dismissals,
        history=history,
    )


def escalations_for(user: Any) -> QuerySet[models.Alert]:
    """Alerts escalated to the user's role and not yet dealt with, oldest escalation first.

    A supervisor sees alerts left unowned past their SLA; a senior reviewer sees
    alerts on subjects dismissed too often. Anyone else sees none.

    Returns:
        A QuerySet of `models.Alert` (with `assigned_to` joined).
    """
    profile = getattr(user, "profile", None)
    role = profile.role if profile is not None else ""
    query = models.Alert.objects.select_related("assigned_to").filter(
        escalated_at__isnull=False, escalation_resolved_at__isnull=True
    )
    if role not in ("supervisor", "senior_reviewer"):
        return query.none()
    waiting = query.filter(escalated_to=role)
    readable = readable_alert_ids(user, list(waiting.values_list("pk", flat=True)))
    return waiting.filter(pk__in=sorted(readable)).order_by("escalated_at", "alert_id")


def performance_by_year(
    *,
    as_of: datetime | None = None,
    qualifying: Collection[str] | None = None,
    visible: Callable[[set[str]], set[str]] | None = None,
) -> dict[str, Any]:
    """Harm versus volume, as plain data for a table or a chart (vega-lite reads `rows`).

    Args:
        as_of: Only records and actions recorded or taken by then (all by default).
        qualifying: Action kinds that count (detection's qualifying actions by default).
        visible: Given every record id, returns those to count (need-to-know); all by default.

    Returns:
        A dict: `rows` (list of dicts: year, group, records, actioned, harm,
        harm_actioned, volume_share, harm_share, indicative; shares are 0–1 or
        None; concern records with no offence code form the group
        "Concerns, no offence code"), `years` (by year: records, actioned,
        harm, harm_actioned and the two shares), `groups` (names, most harm
        first), `qualifying` (sorted kinds) and `indicative` (True when any
        weight used is indicative).
    """
    from django.conf import settings

    from vigil.core.detect.config import load_config
    from vigil.core.detect.harm import harm_in_force
    from vigil.core.detect.performance import ActionTaken, CrimeRecord, performance
    from vigil.web.records.snapshot import detect_inputs_rows

    config = load_config()
    kinds = frozenset(qualifying) if qualifying is not None else config.qualifying_actions
    records, actions = detect_inputs_rows(as_of=as_of)
    concerns = _concern_record_ids(as_of, config, records, actions)
    if visible is not None:
        counted = visible({r["record_id"] for r in records})
        records = [r for r in records if r["record_id"] in counted]
    rows = performance(
        (
            CrimeRecord(r["record_id"], r["offence"] or None, r["recorded_at"])
            for r in records
            if r["offence"] or r["record_id"] in concerns
        ),
        (ActionTaken(a["kind"], a["taken_at"], tuple(a["record_ids"])) for a in actions),
        harm_index=harm_in_force(Path(settings.VIGIL_HOME)),
        qualifying=kinds,
        uncoded_as=config.default_harm_code,
    )
    years: dict[int, dict[str, Any]] = {}
    group_harm: dict[str, float] = {}
    for row in rows:
        year = years.setdefault(
            row.year,
            {"year": row.year, "records": 0, "actioned": 0, "harm": 0.0, "harm_actioned": 0.0},
        )
        year["records"] += row.records
        year["actioned"] += row.actioned
        year["harm"] += row.harm
        year["harm_actioned"] += row.harm_actioned
        group_harm[row.group] = group_harm.get(row.group, 0.0) + row.harm
    for year in years.values():
        year["volume_share"] = (
            round(year["actioned"] / year["records"], 4) if year["records"] else None
        )
        year["harm_share"] = (
            round(year["harm_actioned"] / year["harm"], 4) if year["harm"] else None
        )
        year["harm"] = round(year["harm"], 2)
        year["harm_actioned"] = round(year["harm_actioned"], 2)
    return {
        "rows": [row.as_dict() for row in rows],
        "years": [years[y] for y in sorted(years)],
        "groups": sorted(group_harm, key=lambda g: (-group_harm[g], g)),
        "qualifying": sorted(kinds),
        "indicative": any(row.indicative for row in rows),
    }


# --- The home page: my alerts, escalations, what is new since I last signed in ---

HOME_LIST = 5
DONE_STATUSES = (models.Alert.Status.CLOSED, models.Alert.Status.ACTION_RECORDED)


def previous_sign_in(user: Any) -> datetime | None:
    """When the user signed in before this session, from the audit log."""
    from vigil.web.audit.models import AuditEntry

    times = AuditEntry.objects.filter(
        event="sign_in", actor_kind="user", actor_id=str(user.pk)
    ).order_by("-sequence")
    found = list(times.values_list("at", flat=True)[:2])
    # The log keeps times as ISO 8601 text ending in Z.
    return datetime.fromisoformat(found[1]) if len(found) > 1 else None


def home_overview(*, user: Any) -> dict[str, Any]:
    """What the home page shows the user: their open alerts, alerts escalated to them, and
    alerts and concern records new since they last signed in (records through need-to-know).

    A new concern is a record of a concern offence, or of a concern kind naming a
    child (by stated age) as victim or subject, received since that sign-in.
    """
    from vigil.web.records.access import visible_record_ids
    from vigil.web.records.models import IngestRun, Record

    mine = (
        models.Alert.objects.filter(assigned_to_id=user.pk)
        .exclude(status__in=DONE_STATUSES)
        .order_by("-priority", "alert_id")
    )
    since = previous_sign_in(user)
    new_alerts = (
        models.Alert.objects.filter(readable_alerts_q(user), raised_at__gt=since) if since else None
    )
    concerns = None
    # Only runs since then can have brought new records: most views look at none.
    runs = IngestRun.objects.filter(started_at__gt=since) if since is not None else None
    run_ids = list(runs.values_list("pk", flat=True)) if runs is not None else []
    if since is not None and run_ids:
        config = detect_config().concern
        concern_q = Q(current_version__offence__in=config.offences) | Q(
            current_version__kind__in=config.kinds,
            current_version__mentions__role__in=config.child_roles,
            current_version__mentions__age__lt=config.child_age,
        )
        concerns = (
            Record.objects.filter(
                pk__in=visible_record_ids(user),
                current_version__ingest_run_id__in=run_ids,
            )
            .filter(concern_q)
            .distinct()
            .select_related("current_version")
            .order_by("-current_version__recorded_at", "source_id")
        )
    return {
        "mine": list(mine[:HOME_LIST]),
        "mine_count": mine.count(),
        "escalated": list(escalations_for(user)[:HOME_LIST]),
        "escalated_count": escalations_for(user).count(),
        "since": since,
        "new_alerts": new_alerts.count() if new_alerts is not None else 0,
        "new_concerns": list(concerns[:HOME_LIST]) if concerns is not None else [],
        "new_concerns_count": concerns.count() if concerns is not None else 0,
    }


def _concern_record_ids(
    as_of: datetime | None,
    config: Any,
    records: list[dict[str, Any]],
    actions: list[dict[str, Any]],
) -> set[str]:
    """Ids of the concern records (as detection defines them) among `records`."""
    from django.utils import timezone

    from vigil.core.detect.evidence import build_evidence
    from vigil.web.alerts.services import _detect_input
    from vigil.web.records.snapshot import snapshot_tables

    snapshot = snapshot_tables(as_of=as_of)
    data = _detect_input(snapshot.mentions, snapshot.links, records, actions, {})
    return set(build_evidence(data, config, as_of or timezone.now()).concerns)

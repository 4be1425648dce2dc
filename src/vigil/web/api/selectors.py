"""What an agency system may read through the API: alerts, through need-to-know."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from vigil.core.audit.entry import Category, Event, ObjectKind, ObjectRef
from vigil.web.alerts.models import Alert
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.records import access

WITHHELD = "Withheld: this alert rests on records this system may not read."


def _shape(alert: Alert, visible: set[str]) -> dict[str, Any]:
    """The spec's export shape, keeping only evidence the reader may see."""
    records = [rid for rid in alert.record_ids if rid in visible]
    withheld = len(alert.record_ids) - len(records)
    return {
        "alert_id": alert.alert_id,
        "rule": alert.rule,
        "raised_at": alert.raised_at,
        "priority": alert.priority,
        "harm": alert.harm,
        "status": alert.status,
        # Entities are named by opaque ids; which ones matter is itself evidence.
        "entity_ids": alert.entity_ids if not withheld else [],
        "mentions": [m for m in alert.mentions if m.get("record_id") in visible],
        "record_ids": records,
        "withheld_records": withheld,
        # The explanation names what the records say, so it goes only with all of them.
        "explanation": alert.explanation if not withheld else WITHHELD,
    }


def _readable(user: AbstractBaseUser, alerts: list[Alert]) -> list[dict[str, Any]]:
    wanted = {rid for alert in alerts for rid in alert.record_ids}
    visible = access.visible_source_ids(user, wanted)
    return [
        _shape(alert, visible)
        for alert in alerts
        if alert.assigned_to_id == user.pk or any(rid in visible for rid in alert.record_ids)
    ]


def _audited(user: AbstractBaseUser, shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if shown:
        audit_record(
            actor=web_actor(user),
            category=Category.CONSULTATION,
            event=Event.VIEW,
            objects=[ObjectRef(ObjectKind.ALERT, a["alert_id"]) for a in shown],
            reason=f"API: {len(shown)} alerts read",
        )
    return shown


def alerts_for(
    *, user: AbstractBaseUser, status: str | None, rule: str | None, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """A page of the alerts the user may see (any of whose evidence they may read)."""
    query = Alert.objects.order_by("-priority", "key")
    if status:
        query = query.filter(status=status)
    if rule:
        query = query.filter(rule=rule)
    # Need-to-know is decided per alert from its evidence, so the page is cut after it.
    readable = _readable(user, list(query))
    return len(readable), _audited(user, readable[offset : offset + limit])


def alert_for(*, user: AbstractBaseUser, alert_id: str) -> dict[str, Any] | None:
    alert = Alert.objects.filter(alert_id=alert_id).first()
    if alert is None:
        return None
    shown = _audited(user, _readable(user, [alert]))
    return shown[0] if shown else None

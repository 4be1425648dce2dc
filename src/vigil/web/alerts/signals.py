"""Keeps each alert's evidence rows (`AlertRecord`) in step with its `record_ids`.

A receiver rather than a line in each service, so that every way an alert is
saved (detection, replay, a test's fixture) leaves the rows need-to-know reads.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from vigil.web.alerts.models import Alert, AlertRecord


@receiver(post_save, sender=Alert, dispatch_uid="vigil-alert-records")
def alert_records_sync(
    sender: type[Alert], instance: Alert, update_fields: frozenset[str] | None, **_: Any
) -> None:
    if update_fields is not None and "record_ids" not in update_fields:
        return
    alert_records_write(instance)


def alert_records_write(alert: Alert) -> None:
    """Makes the alert's evidence rows name exactly the stored records it cites."""
    from vigil.web.records.dialect import in_clause_limit
    from vigil.web.records.models import Record

    cited = sorted({str(s) for s in alert.record_ids or ()})
    step = in_clause_limit()
    wanted: set[int] = set()
    for start in range(0, len(cited), step):
        wanted.update(
            Record.objects.filter(source_id__in=cited[start : start + step]).values_list(
                "pk", flat=True
            )
        )
    held = set(AlertRecord.objects.filter(alert=alert).values_list("record_id", flat=True))
    if held - wanted:
        AlertRecord.objects.filter(alert=alert, record_id__in=held - wanted).delete()
    AlertRecord.objects.bulk_create(
        [AlertRecord(alert=alert, record_id=pk) for pk in sorted(wanted - held)]
    )

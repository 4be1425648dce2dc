from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def fill_alert_records(apps: Any, schema_editor: Any) -> None:
    """Evidence rows for the alerts already stored."""
    alert_model = apps.get_model("alerts", "Alert")
    row_model = apps.get_model("alerts", "AlertRecord")
    record_model = apps.get_model("records", "Record")
    for alert_id, record_ids in alert_model.objects.values_list("pk", "record_ids").iterator(
        chunk_size=1000
    ):
        cited = sorted({str(s) for s in record_ids or ()})
        pks: set[int] = set()
        for start in range(0, len(cited), 500):
            pks.update(
                record_model.objects.filter(source_id__in=cited[start : start + 500]).values_list(
                    "pk", flat=True
                )
            )
        row_model.objects.bulk_create(
            [row_model(alert_id=alert_id, record_id=pk) for pk in sorted(pks)]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0002_lifecycle_escalation"),
        ("records", "0002_need_to_know"),
    ]

    operations = [
        migrations.CreateModel(
            name="AlertRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "alert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence_records",
                        to="alerts.alert",
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="records.record",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("alert", "record"), name="alert_record_unique")
                ],
            },
        ),
        migrations.RunPython(fill_alert_records, migrations.RunPython.noop),
    ]

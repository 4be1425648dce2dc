from typing import Any

from django.db import migrations

BATCH = 5000


def fill_vrm_tail_keys(apps: Any, schema_editor: Any) -> None:
    """A vrm-tail key for every plate already stored (as ingest now writes them)."""
    from vigil.web.records.search_keys import VRM_TAIL, vrm_tail_key

    mention_model = apps.get_model("records", "Mention")
    key_model = apps.get_model("records", "SearchKey")
    key_model.objects.filter(kind=VRM_TAIL).delete()  # a rerun after a crash starts clean
    rows = []
    plates = mention_model.objects.filter(vrm__isnull=False).order_by("pk")
    for pk, vrm in plates.values_list("pk", "vrm").iterator(chunk_size=BATCH):
        key = vrm_tail_key(vrm) if vrm else None
        if key is not None:
            rows.append(key_model(mention_id=pk, kind=VRM_TAIL, key=key))
        if len(rows) >= BATCH:
            key_model.objects.bulk_create(rows)
            rows = []
    key_model.objects.bulk_create(rows)


def drop_vrm_tail_keys(apps: Any, schema_editor: Any) -> None:
    apps.get_model("records", "SearchKey").objects.filter(kind="vrm-tail").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_search_keys"),
    ]

    operations = [
        migrations.RunPython(fill_vrm_tail_keys, drop_vrm_tail_keys),
    ]

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def fill_search_keys(apps: Any, schema_editor: Any) -> None:
    """Search keys for every mention already stored (as ingest now writes them)."""
    from vigil.web.records.search_keys import mention_keys

    mention_model = apps.get_model("records", "Mention")
    key_model = apps.get_model("records", "SearchKey")
    rows = []
    mentions = mention_model.objects.order_by("pk").values_list(
        "pk", "name", "aliases", "vrm", "phone", "postcode"
    )
    for pk, name, aliases, vrm, phone, postcode in mentions.iterator(chunk_size=BATCH):
        for kind, key in mention_keys(
            name=name,
            aliases=[str(a) for a in aliases or ()],
            vrm=vrm,
            phone=phone,
            postcode=postcode,
        ):
            rows.append(key_model(mention_id=pk, kind=kind, key=key))
        if len(rows) >= BATCH:
            key_model.objects.bulk_create(rows)
            rows = []
    key_model.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_need_to_know"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=8)),
                ("key", models.CharField(max_length=64)),
                (
                    "mention",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="search_keys",
                        to="records.mention",
                    ),
                ),
            ],
            # The index comes after the rows: building it once is quicker than keeping it.
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchkey",
            index=models.Index(
                fields=["kind", "key"],
                name="search_key_lookup",
                opclasses=("varchar_pattern_ops", "varchar_pattern_ops"),
            ),
        ),
    ]

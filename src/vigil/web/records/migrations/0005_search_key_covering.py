from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_vrm_tail_keys"),
    ]

    operations = [
        # Built before the old index goes, so search never goes without one.
        migrations.AddIndex(
            model_name="searchkey",
            index=models.Index(
                fields=["kind", "key"],
                include=("mention",),
                name="search_key_covering",
                opclasses=("varchar_pattern_ops", "varchar_pattern_ops"),
            ),
        ),
        migrations.RemoveIndex(model_name="searchkey", name="search_key_lookup"),
    ]

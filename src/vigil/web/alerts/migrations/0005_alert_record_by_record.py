from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_communities"),
    ]

    operations = [
        # The alerts citing a record (an entity's timeline) without reading every row.
        migrations.AddIndex(
            model_name="alertrecord",
            index=models.Index(fields=["record", "alert"], name="alert_record_by_record"),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audit_objects"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor_id", "event", "sequence"], name="audit_actor_event"),
        ),
    ]

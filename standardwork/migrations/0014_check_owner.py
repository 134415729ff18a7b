import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Every check's owner from its checklist, in one statement that both databases run.
BACKFILL = """
UPDATE standardwork_check SET owner_id = (
    SELECT owner_id FROM standardwork_checklist
    WHERE standardwork_checklist.id = standardwork_check.checklist_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("standardwork", "0013_adherence_week_reds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="check",
            name="owner",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The checklist's owner, repeated so that reds are found by person.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]

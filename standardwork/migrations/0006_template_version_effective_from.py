"""Template versions carry the day they took effect.

Existing versions took effect the day they were made (their `created_at`, in
UTC): the best record there is of when issuing started to use them.
"""

from django.db import migrations, models


def effective_from_created_at(apps, schema_editor):
    TemplateVersion = apps.get_model("standardwork", "TemplateVersion")
    versions = list(TemplateVersion.objects.only("pk", "created_at"))
    for version in versions:
        version.effective_from = version.created_at.date()
    TemplateVersion.objects.bulk_update(versions, ["effective_from"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("standardwork", "0005_control_point_baselines_and_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="templateversion",
            name="effective_from",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(effective_from_created_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="templateversion",
            name="effective_from",
            field=models.DateField(
                help_text="The first day checklists are issued from this version: the first day "
                "not yet issued when it was made (or the day the cycle adopted it). Checklists of "
                "earlier days keep the version they were issued from."
            ),
        ),
    ]

from django.db import migrations, models


def recount_every_week(apps, schema_editor):
    # The weeks summarised before `reds` existed hold 0 there: mark them stale, so the
    # tick counts them again and the dashboard reads them live until it has.
    apps.get_model("standardwork", "SummarisedWeek").objects.update(stale=True)


class Migration(migrations.Migration):
    dependencies = [
        ("standardwork", "0012_merge_history_at_adherence_weeks"),
    ]

    operations = [
        migrations.AddField(
            model_name="adherenceweek",
            name="reds",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Kamishibai reds among the week's checks (RED_CHECK), as they stand now.",
            ),
        ),
        migrations.RunPython(recount_every_week, migrations.RunPython.noop),
    ]

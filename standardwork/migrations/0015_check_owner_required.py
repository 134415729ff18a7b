import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

RED_CHECK = Q(verification="requested") | (Q(status="missed") & ~Q(verification="recorded"))


# Apart from 0014's backfill: PostgreSQL alters no table with the deferred foreign-key
# checks of that UPDATE still pending in the same transaction.
class Migration(migrations.Migration):
    dependencies = [
        ("standardwork", "0014_check_owner"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="check",
            name="owner",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The checklist's owner, repeated so that reds are found by person.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RemoveIndex(model_name="check", name="standardwork_check_red"),
        migrations.AddIndex(
            model_name="check",
            index=models.Index(
                condition=RED_CHECK,
                fields=["owner", "checklist"],
                name="standardwork_check_red",
            ),
        ),
    ]

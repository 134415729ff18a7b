# The campaigns (issue 10) and the weekly review (issue 11) were built side by side,
# each with its own first migration; this joins the two.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("valuestream", "0001_campaigns"),
        ("valuestream", "0001_reviews"),
    ]

    operations = []

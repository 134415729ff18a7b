from django.db import migrations

from standardwork.defaults import LAYER_TARGETS, MISS_REASONS


def add_defaults(apps, schema_editor):
    MissReason = apps.get_model("standardwork", "MissReason")
    LayerTarget = apps.get_model("standardwork", "LayerTarget")
    for position, label in enumerate(MISS_REASONS):
        MissReason.objects.get_or_create(label=label, defaults={"position": position})
    for layer, percent in LAYER_TARGETS.items():
        LayerTarget.objects.get_or_create(layer=layer, defaults={"target_percent": percent})


class Migration(migrations.Migration):
    dependencies = [("standardwork", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]

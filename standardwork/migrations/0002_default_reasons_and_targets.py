from django.db import migrations

MISS_REASONS = [
    "Customer call or meeting ran over",
    "Urgent request from a customer",
    "Urgent request from inside the company",
    "Waiting for someone or something",
    "System or tool not working",
    "Not enough time planned",
    "Forgot",
]

# David Mann's shares (Creating a Lean Culture), front line lower in sales and marketing.
LAYER_TARGETS = {"tl": 80, "tc": 50, "vsm": 25, "mc": 50, "member": 50}


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

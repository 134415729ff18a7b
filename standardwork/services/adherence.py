"""Writes behind the results pages: the default miss reasons and layer targets a
fresh database needs (targets are edited in the admin)."""

from django.db import transaction

from standardwork.defaults import LAYER_TARGETS, MISS_REASONS
from standardwork.models import LayerTarget, MissReason


@transaction.atomic
def standard_defaults_ensure() -> None:
    """Put back the default miss reasons and layer targets where they are missing.

    Migration 0002 adds them; a database emptied since (a flush) gets them here.
    """
    existing = set(MissReason.objects.values_list("label", flat=True))
    MissReason.objects.bulk_create(
        [
            MissReason(label=label, position=position)
            for position, label in enumerate(MISS_REASONS)
            if label not in existing
        ],
        ignore_conflicts=True,
    )
    LayerTarget.objects.bulk_create(
        [
            LayerTarget(layer=layer, target_percent=percent)
            for layer, percent in LAYER_TARGETS.items()
        ],
        ignore_conflicts=True,
    )

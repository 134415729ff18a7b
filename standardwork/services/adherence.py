"""Writes behind the results pages: each layer's target share of standard work,
and the default miss reasons and targets a fresh database needs."""

from django.db import transaction

from roles import policy as organisation
from roles.models import Layer, User
from standardwork.defaults import LAYER_TARGETS, MISS_REASONS
from standardwork.models import LayerTarget, MissReason
from standardwork.selectors.adherence import DEFAULT_TARGETS


@transaction.atomic
def layer_target_set(*, actor: User, layer: str, target_percent: int) -> LayerTarget:
    organisation.require(actor.is_superuser, "Only an administrator changes a layer's target.")
    target, _ = LayerTarget.objects.select_for_update().get_or_create(
        layer=layer, defaults={"target_percent": DEFAULT_TARGETS[Layer(layer)]}
    )
    target.target_percent = target_percent
    target.full_clean()
    target.save(update_fields=["target_percent"])
    return target


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

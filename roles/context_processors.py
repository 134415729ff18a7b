from django.urls import reverse

from roles.models import Layer
from roles.selectors import user_layers


def layer_navigation(request) -> dict:
    """The navigation of the layers the signed-in user works in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    layers = user_layers(user)
    items: list[tuple[str, str]] = []
    if Layer.VSM in layers:
        items.append(("Value streams", reverse("roles:value_stream_list")))
    if Layer.TC in layers:
        items.append(("My teams", reverse("roles:coordinator_home")))
    if Layer.TL in layers or Layer.MEMBER in layers or Layer.MC in layers:
        items.append(("My standard work", reverse("standardwork:my_standard_work")))
    if Layer.MC in layers:
        items.append(("Marketing Communication", reverse("roles:marcom_home")))
    items.append(("Teams", reverse("roles:team_list")))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    return {
        "nav_items": items,
        "user_layers": layers,
        "user_layer_labels": [layer.label for layer in layers],
    }

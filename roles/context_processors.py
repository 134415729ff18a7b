from django.urls import reverse

from roles.models import Layer
from roles.selectors import user_layers


def layer_navigation(request) -> dict:
    """The navigation of the layers the signed-in user works in.

    htmx partials never show the menu, so they skip its queries.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return {}
    layers = user_layers(user)
    items: list[tuple[str, str]] = []
    if layers:
        items.append(("My standard work", reverse("standardwork:my_standard_work")))
    if Layer.TC in layers or Layer.VSM in layers:
        items.append(("Verify", reverse("standardwork:verify_board")))
    if Layer.VSM in layers:
        items.append(("Value streams", reverse("roles:value_stream_list")))
    if Layer.TC in layers:
        items.append(("My teams", reverse("roles:coordinator_home")))
    if Layer.TC in layers or Layer.TL in layers:
        items.append(("Stand-ups", reverse("standardwork:standup_list")))
    if Layer.TC in layers:
        items.append(("Impediments", reverse("standardwork:impediment_board")))
    if Layer.VSM in layers:
        items.append(("Escalations", reverse("standardwork:escalations")))
    if Layer.MC in layers:
        items.append(("Marketing Communication", reverse("roles:marcom_home")))
    if layers:
        items.append(("Improvement", reverse("standardwork:improvement")))
    items.append(("Teams", reverse("roles:team_list")))
    if layers or user.is_superuser:
        items.append(("Templates", reverse("standardwork:template_list")))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    return {
        "nav_items": items,
        "user_layers": layers,
        "user_layer_labels": [layer.label for layer in layers],
    }

"""Standard-work templates: the list, one template's versions, the editor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from leanops.base.forms import form_apply_service
from roles import policy as organisation
from standardwork import policy
from standardwork.forms.templates import TemplateCreateForm, TemplateItemFormSet, TemplateReviseForm
from standardwork.selectors import templates as template_selectors
from standardwork.services import templates as template_services
from standardwork.services.templates import ItemSpec


@require_GET
@login_required
def template_list(request):
    return render(
        request,
        "standardwork/template_list.html",
        {
            "templates": template_selectors.template_list(user=request.user),
            "can_create": bool(template_selectors.template_scopes(request.user)),
        },
    )


@require_GET
@login_required
def template_detail(request, template_id: int):
    template = template_selectors.template_detail(user=request.user, template_id=template_id)
    if template is None:
        raise Http404("No such template.")
    return render(
        request,
        "standardwork/template_detail.html",
        {
            "template": template,
            "can_edit": policy.can_edit_template(request.user, template),
        },
    )


def _item_specs(formset) -> list[ItemSpec]:
    return [
        form.to_spec()
        for form in formset
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@require_http_methods(["GET", "POST"])
@login_required
def template_edit(request, template_id: int):
    template = template_selectors.template_detail(user=request.user, template_id=template_id)
    if template is None:
        raise Http404("No such template.")
    organisation.require(
        policy.can_edit_template(request.user, template),
        "Only the team's coordinator or the value stream's VSM changes this standard work.",
    )
    head_form = TemplateReviseForm(request.POST or None)
    formset = TemplateItemFormSet(
        request.POST or None, initial=template_selectors.template_items_initial(template)
    )
    if request.method == "POST" and head_form.is_valid() and formset.is_valid():
        version = form_apply_service(
            head_form,
            lambda: template_services.template_version_create(
                actor=request.user,
                template_id=template.pk,
                items=_item_specs(formset),
                note=head_form.cleaned_data["note"],
                from_today=head_form.cleaned_data["from_today"],
            ),
        )
        if version is not None:
            messages.success(request, f"{template.name} is now version {version.number}.")
            return redirect("standardwork:template_detail", template_id=template.pk)
    return render(
        request,
        "standardwork/template_edit.html",
        {
            "template": template,
            "head_form": head_form,
            "formset": formset,
            "next_version": template_selectors.next_version_number(template),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def template_create(request):
    scopes = template_selectors.template_scopes(request.user)
    organisation.require(
        bool(scopes), "Only a coordinator, a VSM or an administrator adds standard work."
    )
    head_form = TemplateCreateForm(request.POST or None, scopes=scopes)
    formset = TemplateItemFormSet(request.POST or None)
    if request.method == "POST" and head_form.is_valid() and formset.is_valid():
        data = head_form.cleaned_data
        template = form_apply_service(
            head_form,
            lambda: template_services.template_create(
                actor=request.user,
                name=data["name"],
                layer=data["layer"],
                items=_item_specs(formset),
                **template_selectors.scope_owner(data["scope"]),
            ),
        )
        if template is not None:
            messages.success(request, f"{template.name} created.")
            return redirect("standardwork:template_detail", template_id=template.pk)
    return render(
        request,
        "standardwork/template_edit.html",
        {"template": None, "head_form": head_form, "formset": formset},
    )

"""The agreement form (new and edit) and publishing, for analysts. Both write through the
services (agreement_create, agreement_update, agreement_publish) with the page forms'
one-time token; partners get a 403 here and never see a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core import roles

from . import rules, services
from .agreement_forms import (
    LISTS,
    ZONE_LIST_ID,
    AgreementPageForm,
    PublishForm,
    agreement_initial,
    route_errors,
    service_lists,
)
from .form_once import once as _once
from .models import Agreement
from .views import agreement_page, page_role


def analyst_only(request) -> None:
    if page_role(request) not in (roles.ANALYST, roles.ADMIN):
        raise PermissionDenied("Partners read; analysts write.")


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request):
    analyst_only(request)
    return _agreement_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    analyst_only(request)
    return _agreement_form(request, get_object_or_404(Agreement, pk=pk))


def _lists(agreement, data=None, initial=None) -> dict:
    return {
        name: formset(
            data,
            initial=(initial or {}).get(name),
            prefix=name,
            form_kwargs={"agreement": agreement} if name == "relations" else {},
        )
        for name, formset in LISTS.items()
    }


def _agreement_form(request, agreement: Agreement | None):
    editing = agreement is not None
    status = 200
    if request.method == "GET":
        fields, rows = agreement_initial(agreement) if editing else ({}, {})
        form = AgreementPageForm(initial=fields, editing=editing)
        lists = _lists(agreement, initial=rows)
    else:
        form = AgreementPageForm(request.POST, editing=editing)
        lists = _lists(agreement, data=request.POST)
        adding = request.POST.get("add")
        if adding in lists:
            # "Add a row" without JavaScript: the page again, as typed, with one more row.
            form = AgreementPageForm(initial={name: form[name].value() for name in form.fields}, editing=editing)
            lists[adding] = lists[adding].with_new_row()
        else:
            checked = [form.is_valid(), *(rows.is_valid() for rows in lists.values())]  # every error at once
            done = all(checked) and _once(request, form, lambda: _save(request, agreement, form, lists))
            if done:
                return redirect(done["location"] if isinstance(done, dict) else _page_of(agreement))
            status = 400
    context = {
        "agreement": agreement,
        "form": form,
        "lists": lists,
        "zones": sorted(rules.iana_zones()),
        "zone_list_id": ZONE_LIST_ID,
    }
    return render(request, "commitments/agreement_form.html", context, status=status)


def _page_of(agreement: Agreement) -> str:
    return reverse("commitments:agreement", args=[agreement.pk])


def _save(request, agreement: Agreement | None, form, lists):
    """Create or change the agreement with its lists, all or nothing; on a refusal the
    service's errors go to their rows and fields and False is returned."""
    data = form.cleaned_data
    fields = {name: data[name] for name in ("title", "kind", "signed_on", "venue", "summary")}
    children = service_lists(lists)
    try:
        if agreement is None:
            saved = services.agreement_create(**fields, timezone_name=data["timezone"], **children, user=request.user)
        else:
            # A copy: a refused change must not show in the page's heading.
            saved = services.agreement_update(
                agreement=Agreement.objects.get(pk=agreement.pk),
                user=request.user,
                reason=data["reason"],
                timezone=data["timezone"],
                **fields,
                **children,
            )
    except ValidationError as exc:
        route_errors(exc, form, lists)
        return False
    messages.success(request, "Agreement saved as a draft." if not saved.published else "Agreement saved.")
    return {"location": _page_of(saved)}


@login_required
@require_POST
def agreement_publish(request, pk: int):
    analyst_only(request)
    agreement = get_object_or_404(Agreement, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid() and _once(request, form, lambda: _publish(request, agreement, form)):
        return redirect(_page_of(agreement))
    return agreement_page(request, agreement, publish_form=form, status=400)  # the refusal by the button


def _publish(request, agreement: Agreement, form) -> bool:
    try:
        services.agreement_publish(agreement=agreement, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return False
    messages.success(request, "Published: partners now see this agreement.")
    return True

"""The incident pages: the list (/incidents/, filters in incident_filters.py), an incident's
page and, for analysts, its forms (incident_forms.py). Partners read published incidents
and linked links only (core.roles), never an internal note, and get a 403 on any write.
Every write goes through commitments/incidents.py with the one-time form token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parties.models import Party

from . import history, incidents, rules
from .access import readable_incident_links
from .agreement_forms import ZONE_LIST_ID, route_errors
from .agreement_views import analyst_only
from .choices import IncidentRole, LinkState
from .form_errors import add_service_errors
from .form_once import once
from .incident_filters import IncidentListFilter
from .incident_forms import (
    ChooseCommitmentForm,
    DecideForm,
    IncidentPageForm,
    LinkForm,
    PublishIncidentForm,
    VerifyForm,
    incident_lists,
    service_children,
)
from .list_pages import Paged, can_write, paginate
from .models import Incident, IncidentLink, IncidentParty
from .views import page_role

INCIDENTS_PER_PAGE = 50


def _readable(request):
    return Incident.objects.visible_to(request.user)


# The list ------------------------------------------------------------------------------------


@login_required
@require_GET
def incident_list(request):
    role = page_role(request)
    analyst = can_write(role)
    filterset = IncidentListFilter(request.GET, queryset=_readable(request), user=request.user, analyst=analyst)
    filterset.form.fields["party"].widget = _party_select()
    context = {"filter": filterset, "can_write": analyst, "rows": [], "paged": Paged(None)}
    if not filterset.is_valid():  # the errors are shown at their fields
        return render(request, "commitments/incident_list.html", context, status=400)
    incidents_ = filterset.qs.order_by("-occurred_on", "-pk").prefetch_related(
        Prefetch(
            "party_roles",
            queryset=IncidentParty.objects.filter(role=IncidentRole.ALLEGED).select_related("party"),
            to_attr="alleged",
        )
    )
    paged = paginate(request, incidents_, INCIDENTS_PER_PAGE)
    context["paged"] = paged
    if paged.page is not None:
        context["rows"] = _with_link_counts(request, list(paged.page.object_list))
    return render(request, "commitments/incident_list.html", context, status=paged.status)


def _with_link_counts(request, rows: list[Incident]) -> list[Incident]:
    """Each incident of a page with the commitments it is linked to (those the reader may
    read) and its proposals waiting: one GROUP BY for the page, not over the whole list."""
    counts = {
        row["incident"]: row
        for row in IncidentLink.objects.filter(incident__in=[i.pk for i in rows])
        .values("incident")
        .annotate(
            commitments=Count("obligation__commitment", filter=readable_incident_links(request.user), distinct=True),
            proposed=Count("pk", filter=Q(state=LinkState.PROPOSED)),
        )
        .order_by()
    }
    for incident in rows:
        incident.commitments_linked = counts.get(incident.pk, {}).get("commitments", 0)
        incident.links_proposed = counts.get(incident.pk, {}).get("proposed", 0)
    return rows


def _party_select():
    from django import forms

    # People pick a party from those named in incidents, not type its code.
    named = Party.objects.filter(pk__in=IncidentParty.objects.values("party")).order_by("name", "code")
    return forms.Select(choices=[("", "Any")] + [(p.code, f"{p.name} ({p.code})") for p in named])


# An incident's page ---------------------------------------------------------------------------


@login_required
@require_GET
def incident_detail(request, pk: int):
    page_role(request)
    incident = get_object_or_404(_readable(request), pk=pk)
    return incident_page(request, incident)


def incident_page(request, incident: Incident, *, bound: dict | None = None, status: int = 200):
    """The incident's page; ``bound``: a refused form, shown again with its errors
    (status 400) in place of its blank one."""
    role = page_role(request)
    analyst = can_write(role)
    bound = bound or {}
    links = incident.links.select_related(
        "obligation__party", "obligation__commitment__agreement", "decided_by", "rule"
    ).order_by("obligation__commitment__agreement__signed_on", "obligation__commitment__reference", "pk")
    if not analyst:
        links = links.visible_to(request.user)
    updates = incident.cited_by.select_related("obligation__party", "obligation__commitment__agreement", "recorded_by")
    if not analyst:
        updates = updates.visible_to(request.user)
    context = {
        "incident": incident,
        "can_write": analyst,
        "zone_list_id": ZONE_LIST_ID,
        "parties": incident.party_roles.select_related("party").order_by("role", "party__name"),
        "sources": incident.sources.all(),
        "links": list(links),
        "updates": updates.order_by("-effective_on", "-recorded_at", "-pk"),
        "local_time": _local_time(incident),
        "areas": [a for a in (incident.admin3, incident.admin2, incident.admin1, incident.country) if a],
        "coordinates": _coordinates(incident),
    }
    context.update(history.incident_page_context(incident, role))
    if analyst:
        choose = ChooseCommitmentForm(
            request.GET if "link_commitment" in request.GET else None, user=request.user, incident=incident
        )
        commitment = choose.cleaned_data["link_commitment"] if choose.is_bound and choose.is_valid() else None
        if choose.is_bound and not choose.is_valid():
            status = max(status, 400)
        for link in context["links"]:
            link.decide_form = DecideForm()  # each row's buttons carry a token of their own
        context.update(
            verify_form=bound.get("verify") or VerifyForm(),
            publish_form=bound.get("publish")
            or PublishIncidentForm(initial={"published": "false" if incident.published else "true"}),
            choose_form=choose,
            link_form=bound.get("link") or (LinkForm(user=request.user, commitment=commitment) if commitment else None),
            decide_error=bound.get("decide"),
        )
    return render(request, "commitments/incident_detail.html", context, status=status)


def _local_time(incident: Incident) -> str:
    """When, as the place read it: "6 Nov 2020 14:30 (Asia/Baku)"."""
    day = rules.format_day(incident.occurred_on)
    if incident.occurred_time is None:
        return f"{day}, time not reported ({incident.timezone})"
    return f"{day} {incident.occurred_time:%H:%M} ({incident.timezone})"


def _coordinates(incident: Incident) -> str:
    """ "39.81500° N, 46.75190° E" (or "" when not reported)."""
    if incident.latitude is None or incident.longitude is None:
        return ""
    lat, lon = incident.latitude, incident.longitude
    return f"{abs(lat):.5f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.5f}° {'E' if lon >= 0 else 'W'}"


# The analysts' forms --------------------------------------------------------------------------


def _page_of(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request):
    analyst_only(request)
    return _incident_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request, pk: int):
    analyst_only(request)
    return _incident_form(request, get_object_or_404(Incident, pk=pk))


def _incident_form(request, incident: Incident | None):
    editing = incident is not None
    status = 200
    if request.method == "GET":
        initial = IncidentPageForm.initial_for(incident) if editing else {}
        form = IncidentPageForm(initial=initial, editing=editing)
        lists = incident_lists(None, incident)
    else:
        form = IncidentPageForm(request.POST, editing=editing)
        lists = incident_lists(request.POST)
        adding = request.POST.get("add")
        if adding in lists:
            # "Add a row" without JavaScript: the page again, as typed, with one more row.
            form = IncidentPageForm(initial={name: form[name].value() for name in form.fields}, editing=editing)
            lists[adding] = lists[adding].with_new_row()
        else:
            checked = [form.is_valid(), *(rows.is_valid() for rows in lists.values())]  # every error at once
            done = all(checked) and once(request, form, lambda: _save(request, incident, form, lists))
            if done:
                return redirect(done["location"] if isinstance(done, dict) else _page_of(incident))
            status = 400
    context = {
        "incident": incident,
        "form": form,
        "lists": lists,
        "zones": sorted(rules.iana_zones()),
        "zone_list_id": ZONE_LIST_ID,
    }
    return render(request, "commitments/incident_form.html", context, status=status)


def _save(request, incident: Incident | None, form, lists):
    children = service_children(lists)
    try:
        if incident is None:
            saved = incidents.incident_create(fields=form.fields_for_service(), **children, user=request.user)
        else:
            saved = incidents.incident_update(
                incident=incident,
                changes=form.fields_for_service(),
                **children,
                user=request.user,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data.get("version"),
            )
    except ValidationError as exc:
        route_errors(exc, form, lists)
        return False
    messages.success(request, "Incident saved." if incident else "Incident recorded as a draft.")
    return {"location": _page_of(saved)}


def _post_form(request, pk: int, form_class, write, key: str, **form_kwargs):
    """A POST of one of the incident page's forms: on success back to the page, else the
    page with this form and its errors (400). Partners get a 403, anonymous users the login."""
    analyst_only(request)
    incident = get_object_or_404(Incident, pk=pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid() and once(request, form, lambda: write(incident, form)):
        return redirect(f"{_page_of(incident)}#{key}")
    return incident_page(request, incident, bound={key: form}, status=400)


@login_required
@require_POST
def incident_verify(request, pk: int):
    def write(incident, form) -> bool:
        try:
            incidents.incident_verify(
                incident=incident,
                verification=form.cleaned_data["verification"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return False
        messages.success(request, "Verification changed.")
        return True

    return _post_form(request, pk, VerifyForm, write, "verify")


@login_required
@require_POST
def incident_publish(request, pk: int):
    def write(incident, form) -> bool:
        published = form.cleaned_data["published"]
        incidents.incident_publish(incident=incident, published=published, user=request.user)
        messages.success(
            request, "Published: partners now see this incident." if published else "Withdrawn from partners."
        )
        return True

    return _post_form(request, pk, PublishIncidentForm, write, "publish")


@login_required
@require_POST
def incident_link(request, pk: int):
    def write(incident, form) -> bool:
        try:
            made = incidents.incident_link(
                incident=incident,
                obligations=list(form.cleaned_data["obligations"]),
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return False
        messages.success(request, f"Linked to {len(made)} obligation{'s' if len(made) != 1 else ''}.")
        return True

    return _post_form(request, pk, LinkForm, write, "link", user=request.user)


@login_required
@require_POST
def link_decide(request, pk: int, link_pk: int):
    def write(incident, form) -> bool:
        link = get_object_or_404(IncidentLink, pk=link_pk, incident=incident)
        try:
            incidents.incident_link_decide(link=link, state=form.cleaned_data["state"], user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return False
        messages.success(request, f"Link {LinkState(form.cleaned_data['state']).label.lower()}.")
        return True

    return _post_form(request, pk, DecideForm, write, "decide")

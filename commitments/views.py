"""The analysts' pages for agreements and commitments. Every page needs a login and a
role; partners read published data only and never see internal notes; analysts record
status updates and extend deadlines here, through the same services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core import roles

from . import history, services
from .agreement_forms import PublishForm
from .as_of_pages import agreement_rows, as_of_of, commitment_page_as_of
from .commitment_forms import ExtensionPageForm, StatusUpdatePageForm
from .form_errors import add_service_errors
from .form_once import once as _once  # shared by every page form that writes
from .incident_section import incident_section
from .models import Agreement, Commitment
from .selectors import commitment_citable_incidents, commitment_status_updates


def page_role(request) -> str:
    role = roles.role_of(request.user)
    if role is None:
        raise PermissionDenied("Your account has no role in the tracker yet.")
    return role


# The page forms have one source: errors of the service's list of sources go next to its
# fields, the list's own (none given) next to the publisher.
SOURCE_ERRORS = {
    "sources[0].url": "source_url",
    "sources[0].published_on": "source_published_on",
    "sources": "source_publisher",
}


def _obligations(commitment) -> list:
    """The commitment's obligations with their parties, ordered by party code (the table)."""
    return list(commitment.obligations.select_related("party").order_by("party__code"))


@login_required
@require_http_methods(["GET", "POST"])
def commitment_detail(request, pk: int):
    role = page_role(request)
    commitment = get_object_or_404(
        Commitment.objects.visible_to(request.user).select_related("agreement", "current_deadline"),
        pk=pk,
    )
    can_write = role in (roles.ANALYST, roles.ADMIN)
    if request.method == "POST" and not can_write:
        raise PermissionDenied("Partners read; analysts write.")
    obligations = _obligations(commitment)
    record_form = extend_form = None  # partners get no form
    if can_write:
        # A POST binds the form it comes from; the other one is shown empty.
        posted = request.POST if request.method == "POST" else None
        extending = posted is not None and posted.get("action") == "extend"
        record_form = StatusUpdatePageForm(
            None if extending else posted,
            obligations=sorted(obligations, key=lambda o: (o.party.name, o.pk)),
            incidents=commitment_citable_incidents(commitment),
        )
        extend_form = ExtensionPageForm(posted if extending else None)
        if posted is not None:
            if extending:
                done = extend_form.is_valid() and _once(
                    request, extend_form, lambda: _extend(request, commitment, extend_form)
                )
            else:
                done = record_form.is_valid() and _once(
                    request, record_form, lambda: _record(request, commitment, obligations, record_form)
                )
            if done:
                return redirect(f"{request.path}#content")  # the confirmation is at the top
    context = {
        "commitment": commitment,
        "obligations": obligations,
        "deadlines": commitment.deadlines.select_related("recorded_by").order_by("revision"),
        "updates": commitment_status_updates(commitment, request.user),
        "can_write": can_write,
        "show_internal": can_write,
        "record_form": record_form,
        "extend_form": extend_form,
    }
    context.update(history.page_context(commitment, role))  # who changed what, when and why
    as_of = as_of_of(request)
    commitment_page_as_of(as_of, commitment, context)
    context["incidents"] = incident_section(request.user, commitment=commitment, day=as_of.day)
    # A POST that comes back here had errors: they are shown next to the fields, input kept.
    return render(
        request,
        "commitments/commitment_detail.html",
        context,
        status=400 if request.method == "POST" else as_of.status,
    )


def _record(request, commitment, obligations, form) -> bool:
    data = form.cleaned_data
    # None: every bound party (the form has asked to confirm that)
    party = None if form.all_parties else next(o.party for o in obligations if o.party.code == data["party"])
    reasons, incidents = form.evidence
    try:
        services.status_update_record(
            commitment=commitment,
            party=party,
            status=data["status"],
            effective_on=data["effective_on"],
            summary=data["summary"],
            sources=[services.SourceInput.from_fields(data, prefix="source_")],
            confidence=data["confidence"],
            internal_note=data["internal_note"],
            reasons=reasons,
            incidents=incidents,
            user=request.user,
        )
    except ValidationError as exc:
        add_service_errors(form, exc, SOURCE_ERRORS)
        return False
    messages.success(request, "Status update recorded.")
    return True


def _extend(request, commitment, form) -> bool:
    data = form.cleaned_data
    try:
        services.deadline_set(
            commitment=commitment,
            deadline=services.DeadlineInput(due_on=data["due_on"], within_days=data["within_days"]),
            reason=data["reason"],
            source=services.SourceInput.from_fields(data, prefix="source_"),
            user=request.user,
        )
    except ValidationError as exc:
        add_service_errors(form, exc, SOURCE_ERRORS)
        return False
    messages.success(request, "Deadline revised.")
    return True


@login_required
def agreement_detail(request, pk: int):
    page_role(request)
    agreement = get_object_or_404(Agreement.objects.select_related("published_by").visible_to(request.user), pk=pk)
    return agreement_page(request, agreement)


def agreement_page(request, agreement, *, publish_form=None, status: int = 200):
    """The agreement's page; for analysts, whether it is published, by whom and when, its
    Edit link and, on a draft, the Publish button (``publish_form``: one refused)."""
    commitments = agreement.commitments.select_related("current_deadline__after_commitment").order_by("reference")
    can_write = roles.role_of(request.user) in (roles.ANALYST, roles.ADMIN)
    as_of = as_of_of(request)
    context = {
        "agreement": agreement,
        "commitments": commitments,
        "as_of": as_of,
        "rows": agreement_rows(agreement, commitments, as_of),
        "participants": agreement.participants.select_related("party"),
        "sources": agreement.sources.all(),
        "relations": agreement.relations.select_related("related_agreement").visible_to(request.user),
        "later": agreement.relations_from.select_related("agreement").visible_to(request.user),
        "can_write": can_write,
    }
    if can_write and not agreement.published and not as_of.day:  # a past view is read-only
        # Four eyes, said before the button is pressed: the service's own rule.
        refusal = services.publish_errors(agreement=agreement, user=request.user).get("published")
        context["publish_form"] = publish_form or PublishForm()
        context["publish_refusal"] = refusal[0] if refusal else ""
    return render(request, "commitments/agreement_detail.html", context, status=max(status, as_of.status))

"""The analysts' pages for agreements and commitments. Every page needs a login and a
role; partners read published data only and never see internal notes; analysts record
status updates and extend deadlines here, through the same services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tracker import roles
from tracker.api.base import published_only

from . import services
from .models import Agreement, Commitment, StatusUpdate
from .pages import ExtensionPageForm, StatusUpdatePageForm


def page_role(request) -> str:
    role = roles.role_of(request.user)
    if role is None:
        raise PermissionDenied("Your account has no role in the tracker yet.")
    return role


def _form_errors(form, exc: ValidationError, sources_field: str = "source_publisher") -> None:
    """Show a service's errors next to the form's fields."""
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        if field.startswith("sources") or field == "source_publisher":
            target = sources_field
        if field == "party" and "party" in form.fields:
            target = "party"
        for error in errors:
            form.add_error(target, error)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_detail(request, pk: int):
    role = page_role(request)
    commitment = get_object_or_404(
        published_only(Commitment.objects.all(), request, "agreement__").select_related(
            "agreement", "current_deadline"
        ),
        pk=pk,
    )
    can_write = role in (roles.ANALYST, roles.ADMIN)
    record_form = StatusUpdatePageForm(commitment=commitment)
    extend_form = ExtensionPageForm()
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("Partners read; analysts write.")
        if request.POST.get("action") == "extend":
            extend_form = ExtensionPageForm(request.POST)
            done = extend_form.is_valid() and _extend(request, commitment, extend_form)
        else:
            record_form = StatusUpdatePageForm(request.POST, commitment=commitment)
            done = record_form.is_valid() and _record(request, commitment, record_form)
        if done:
            return redirect(f"{request.path}#content")  # the confirmation is at the top
    updates = (
        StatusUpdate.objects.filter(obligation__commitment=commitment)
        .select_related("obligation__party", "recorded_by")
        .prefetch_related("sources")
    )
    context = {
        "commitment": commitment,
        "obligations": commitment.obligations.select_related("party").order_by("party__code"),
        "deadlines": commitment.deadlines.select_related("recorded_by").order_by("revision"),
        "updates": updates,
        "can_write": can_write,
        "show_internal": can_write,
        "record_form": record_form,
        "extend_form": extend_form,
    }
    # A POST that comes back here had errors: they are shown next to the fields, input kept.
    return render(
        request, "commitments/commitment_detail.html", context, status=400 if request.method == "POST" else 200
    )


def _record(request, commitment, form) -> bool:
    data = form.cleaned_data
    party = commitment.obligations.filter(party__code=data["party"]).first() if data["party"] else None
    try:
        services.status_update_record(
            commitment=commitment,
            party=party.party if party else None,
            status=data["status"],
            effective_on=data["effective_on"],
            summary=data["summary"],
            sources=[
                services.SourceInput(
                    publisher=data["source_publisher"],
                    url=data["source_url"],
                    published_on=data["source_published_on"],
                )
            ],
            confidence=data["confidence"],
            internal_note=data["internal_note"],
            user=request.user,
        )
    except ValidationError as exc:
        _form_errors(form, exc)
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
            source=services.SourceInput(
                publisher=data["source_publisher"],
                url=data["source_url"],
                published_on=data["source_published_on"],
            ),
            user=request.user,
        )
    except ValidationError as exc:
        _form_errors(form, exc)
        return False
    messages.success(request, "Deadline revised.")
    return True


@login_required
def agreement_detail(request, pk: int):
    page_role(request)
    agreement = get_object_or_404(published_only(Agreement.objects.all(), request, ""), pk=pk)
    commitments = (
        agreement.commitments.select_related("current_deadline")
        .prefetch_related("obligations__party")
        .order_by("reference")
    )
    return render(
        request,
        "commitments/agreement_detail.html",
        {
            "agreement": agreement,
            "commitments": commitments,
            "participants": agreement.participants.select_related("party"),
            "sources": agreement.sources.all(),
            "relations": published_only(
                agreement.relations.select_related("related_agreement"), request, "related_agreement__"
            ),
            "later": published_only(agreement.relations_from.select_related("agreement"), request, "agreement__"),
        },
    )

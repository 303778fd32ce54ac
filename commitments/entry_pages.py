"""The analysts' pages to enter an agreement's commitments many at once (issue 12, part 1)
and to have them proposed from a statement's text (part 4), with the due-moment preview
the rows call as the analyst types. Analysts and admins only: partners get a 403.

Saving goes through services.commitments_create_many, all or nothing; the proposals from
the text are only a prefilled form, saved (or not) by that same form."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core import roles
from parties.models import Party

from . import services
from .choices import ParticipantRole
from .due_preview import due_preview
from .entry_forms import DeadlineKind, RowFormSet, add_row_errors, party_choices
from .form_once import OneTimeForm
from .form_once import once as _once
from .intake.text import MAX_TEXT_CHARS, PartyName, Proposal, propose_commitments
from .models import Agreement
from .views import page_role

PREFIX = "rows"
NOTE_CHARS = 2_000  # Deadline.reason's limit


def _analyst(request) -> None:
    if page_role(request) not in (roles.ANALYST, roles.ADMIN):
        raise PermissionDenied("Partners read; analysts enter commitments.")


# Section: the rows' due moments


class DueQuery(forms.Form):
    signed_on = forms.DateField()
    timezone = forms.CharField(max_length=64)
    date = forms.DateField(required=False)
    days = forms.IntegerField(required=False)  # its limits are the model's: due_preview reports them
    after = forms.CharField(max_length=50, required=False)
    after_fulfilled_on = forms.DateField(required=False)


@login_required
@require_GET
def due_moment(request):
    """``?signed_on=&timezone=`` and ``date=``, or ``days=`` (with ``after=`` a reference,
    and ``after_fulfilled_on=`` once that commitment is fulfilled): the due moment in the
    zone and in UTC, as JSON; a 400 with ``errors`` keyed by parameter otherwise."""
    _analyst(request)
    query = DueQuery(request.GET)
    if not query.is_valid():
        return JsonResponse({"errors": query.errors}, status=400)
    data = query.cleaned_data
    try:
        preview = due_preview(
            signed_on=data["signed_on"],
            timezone=data["timezone"],
            due_on=data["date"],
            within_days=data["days"],
            after=data["after"].strip(),
            after_fulfilled_on=data["after_fulfilled_on"],
        )
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=400)
    return JsonResponse(preview.as_json())


def _deadline_values(form) -> dict:
    """The deadline a row holds: what was posted (once read), else what it was prefilled with."""
    data = form.initial
    if form.is_bound:
        data = getattr(form, "cleaned_data", {})
    return {name: data.get(name) for name in ("deadline", "deadline_date", "deadline_days", "deadline_after")}


def _due_text(agreement: Agreement, form, fulfilled: dict[str, date | None]) -> str:
    """What the row's due moment reads when the page is rendered (the script updates it)."""
    values = _deadline_values(form)
    kind = values["deadline"] or DeadlineKind.NONE
    if kind == DeadlineKind.NONE:
        return "No deadline."
    after = (values["deadline_after"] or "").strip() if kind == DeadlineKind.AFTER else ""
    try:
        return due_preview(
            signed_on=agreement.signed_on,
            timezone=agreement.timezone,
            due_on=values["deadline_date"] if kind == DeadlineKind.DATE else None,
            within_days=values["deadline_days"] if kind != DeadlineKind.DATE else None,
            after=after,
            after_fulfilled_on=fulfilled.get(after),
        ).text
    except ValidationError:
        return "Not computed yet: complete the deadline."


# Section: the commitments form


def _render_rows(request, agreement, formset, token_form, *, status=200, proposed=None):
    existing = list(agreement.commitments.order_by("reference").values("reference", "title", "fulfilled_on"))
    fulfilled = {c["reference"]: c["fulfilled_on"] for c in existing}
    for form in formset.forms:
        form.due_text = _due_text(agreement, form, fulfilled)
    return render(
        request,
        "commitments/commitments_new.html",
        {
            "agreement": agreement,
            "formset": formset,
            "token_form": token_form,
            "existing": existing,
            "proposed": proposed,
            "fresh": not formset.is_bound and proposed is None,
        },
        status=status,
    )


def _formset(agreement, data=None, initial=None):
    return RowFormSet(data, prefix=PREFIX, initial=initial, form_kwargs={"party_choices": party_choices(agreement)})


def _save(request, agreement, formset, kept) -> bool:
    codes = {code for _, form in kept for name in ("parties", "recipients") for code in form.cleaned_data[name]}
    parties = {p.code: p for p in Party.objects.filter(code__in=codes)}
    try:
        created = services.commitments_create_many(
            agreement=agreement, rows=[form.commitment_input(parties) for _, form in kept], user=request.user
        )
    except ValidationError as exc:
        add_row_errors(formset, kept, exc.message_dict)
        return False
    messages.success(request, f"{len(created)} commitment{'s' if len(created) != 1 else ''} saved.")
    return True


@login_required
@require_http_methods(["GET", "POST"])
def commitments_new(request, pk: int):
    _analyst(request)
    agreement = get_object_or_404(Agreement, pk=pk)
    if request.method == "GET":
        return _render_rows(request, agreement, _formset(agreement), OneTimeForm())
    formset = _formset(agreement, request.POST)
    token_form = OneTimeForm(request.POST)
    if token_form.is_valid() and formset.is_valid():
        kept = formset.kept()
        if not kept:
            formset.non_form_errors().append("Fill in at least one commitment.")
        elif _once(request, token_form, lambda: _save(request, agreement, formset, kept)):
            return redirect("commitments:agreement", pk=agreement.pk)
    return _render_rows(request, agreement, formset, token_form, status=400)


# Section: proposals from the text


class PasteForm(forms.Form):
    text = forms.CharField(
        label="Text of the statement",
        max_length=MAX_TEXT_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Numbered or bulleted points give one proposal each. Nothing is saved before you save the rows.",
    )


def party_names(agreement: Agreement) -> list[PartyName]:
    """Every party as the text may name it (name, short name, aliases); the agreement's
    signatories are the ones "the parties" and "both sides" stand for."""
    signatories = set(agreement.participants.filter(role=ParticipantRole.SIGNATORY).values_list("party_id", flat=True))
    return [
        PartyName(p.code, p.name, p.short_name, tuple(p.aliases or ()), in_collective=p.pk in signatories)
        for p in Party.objects.order_by("code")
    ]


def _row_initial(proposal: Proposal) -> dict:
    deadline = proposal.deadline
    if deadline is None:
        kind, due_on, days = DeadlineKind.NONE, None, None
    elif deadline.due_on:
        kind, due_on, days = DeadlineKind.DATE, deadline.due_on, None
    else:
        kind, due_on, days = DeadlineKind.DAYS, None, deadline.within_days
    note = "; ".join([f"From the text: “{deadline.phrase}”" if deadline else "", *proposal.notes]).strip("; ")
    return {
        "reference": proposal.reference,
        "title": proposal.title[:200],
        "text": proposal.text,
        "category": proposal.category,
        "nature": proposal.nature,
        "condition": proposal.condition,
        "parties": list(proposal.bound),
        "recipients": list(proposal.recipients),
        "deadline": kind,
        "deadline_date": due_on,
        "deadline_days": days,
        "deadline_note": note[:NOTE_CHARS] if kind != DeadlineKind.NONE else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def commitments_from_text(request, pk: int):
    """Paste a statement; its proposals open as prefilled rows of the commitments form."""
    _analyst(request)
    agreement = get_object_or_404(Agreement, pk=pk)
    form = PasteForm(request.POST or None)
    if form.is_valid():
        try:
            proposals = propose_commitments(
                form.cleaned_data["text"],
                parties=party_names(agreement),
                signed_on=agreement.signed_on,
                timezone=agreement.timezone,
            )
        except ValueError as exc:
            form.add_error("text", str(exc))
        else:
            if proposals:
                formset = _formset(agreement, initial=[_row_initial(p) for p in proposals])
                formset.extra = 0
                for row, proposal in zip(formset.forms, proposals, strict=True):
                    row.proposal = proposal
                return _render_rows(request, agreement, formset, OneTimeForm(), proposed=len(proposals))
            form.add_error("text", "No commitment found in this text: no numbered point or commitment verb.")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "commitments/commitments_from_text.html", {"agreement": agreement, "form": form}, status=status
    )

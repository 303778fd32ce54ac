"""The parties list (/parties/), a party's page (/parties/<code>/: its obligations across
agreements by status, its on-time record, the agreements it takes part in and its role)
and, for analysts, the party form (/parties/new/, /parties/<code>/edit/). Partners read
every party (as in the API) but only what published agreements say of it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from parties import services as party_services
from parties.models import Party
from parties.validators import normalise_party_code

from .as_of_pages import as_of_of, party_page_as_of
from .choices import Status
from .form_errors import add_service_errors
from .form_once import once
from .incident_section import incident_section
from .list_filters import PartyListFilter
from .list_pages import Paged, can_write, paginate
from .models import Agreement, AgreementParticipant, Obligation
from .party_forms import PartyPageForm
from .selectors import in_status_order, on_time_rate, on_time_totals, status_counts
from .views import page_role

PARTIES_PER_PAGE = 50
# A party's page lists at most this many obligations; the search lists them all.
OBLIGATION_ROWS = 200
STATUS_ORDER = Case(
    *(When(status=value, then=Value(i)) for i, value in enumerate(Status.values)), output_field=IntegerField()
)

# Grouped by status (the Status order), soonest due first, those with no due moment last.
OBLIGATION_ORDER = (
    "status_order",
    F("due_at").asc(nulls_last=True),
    "commitment__agreement__signed_on",
    "commitment__reference",
    "pk",
)


def _party(code: str) -> tuple[Party, bool]:
    """The party with this code, else the one that last had it (its code was changed
    since: links and bookmarks keep working), with whether it was renamed; else a 404."""
    party = Party.objects.filter(code=code).first()
    if party is not None:
        return party, False
    former = Party.history.filter(code=code).order_by("-history_date").values_list("id", flat=True).first()
    return get_object_or_404(Party, pk=former), True


def _visible_obligations(request, **filters):
    return Obligation.objects.filter(**filters).visible_to(request.user)


@login_required
@require_GET
def party_list(request):
    role = page_role(request)
    filterset = PartyListFilter(request.GET, queryset=Party.objects.order_by("name", "code"))
    context = {"filter": filterset, "can_write": can_write(role), "rows": [], "paged": Paged(None)}
    if not filterset.is_valid():
        return render(request, "commitments/party_list.html", context, status=400)
    paged = paginate(request, filterset.qs, PARTIES_PER_PAGE)
    if paged.page is not None:
        parties = list(paged.page.object_list)
        counts = status_counts(_visible_obligations(request, party__in=[p.pk for p in parties]), "party")
        context["rows"] = [(p, in_status_order(counts.get(p.pk, {}))) for p in parties]
    context["paged"] = paged
    return render(request, "commitments/party_list.html", context, status=paged.status)


def _agreements_of(request, party: Party, obligations) -> list[dict]:
    """The agreements the party takes part in (its roles) or is bound by (its obligations
    there), newest first: two queries, whatever their number."""
    roles = AgreementParticipant.objects.filter(party=party).select_related("agreement").visible_to(request.user)
    bound = dict(obligations.values_list("commitment__agreement").annotate(n=Count("pk")).order_by())
    rows: dict[int, dict] = {}
    for participant in roles:
        row = rows.setdefault(participant.agreement_id, {"agreement": participant.agreement, "roles": []})
        row["roles"].append(participant.get_role_display())
    for agreement in Agreement.objects.filter(pk__in=set(bound) - set(rows)):  # bound, with no role recorded
        rows[agreement.pk] = {"agreement": agreement, "roles": []}
    for pk, row in rows.items():
        row["obligations"] = bound.get(pk, 0)
    return sorted(rows.values(), key=lambda r: (-r["agreement"].signed_on.toordinal(), r["agreement"].title))


def _on_time_record(row: dict) -> dict:
    late = row["assessed"] - row["on_time"]
    rate = on_time_rate(row["on_time"], row["assessed"])
    return {**row, "late": late, "fulfilled_late": late - row["overdue"], "rate": rate}


@login_required
@require_GET
def party_detail(request, code: str):
    role = page_role(request)
    party, renamed = _party(code)
    if renamed:
        return redirect("parties:detail", code=party.code)
    obligations = _visible_obligations(request, party=party)
    as_of = as_of_of(request)
    if as_of.day:  # the counts, rows and record of that day
        day = party_page_as_of(obligations, as_of.day, OBLIGATION_ROWS)
        counts, rows, totals = day["counts"], day["rows"], day["totals"]
    else:
        counts = dict(obligations.values_list("status").annotate(n=Count("pk")).order_by())
        rows = (
            obligations.select_related("commitment__agreement", "commitment__current_deadline")
            .annotate(status_order=STATUS_ORDER)
            .order_by(*OBLIGATION_ORDER)[:OBLIGATION_ROWS]
        )
        totals = on_time_totals(obligations)
    context = {
        "party": party,
        "can_write": can_write(role),
        "as_of": as_of,
        "counts": in_status_order(counts),
        "total": sum(counts.values()),
        "limit": OBLIGATION_ROWS,
        "obligations": rows,
        "record": _on_time_record(totals),
        "agreements": _agreements_of(request, party, obligations),
        "incidents": incident_section(request.user, party=party, day=as_of.day),
    }
    return render(request, "commitments/party_detail.html", context, status=as_of.status)


def _analyst(request) -> None:
    if not can_write(page_role(request)):
        raise PermissionDenied("Partners read; analysts write.")


@login_required
@require_http_methods(["GET", "POST"])
def party_new(request):
    _analyst(request)
    form = PartyPageForm(request.POST or None)
    created: list[Party] = []

    def write() -> bool:
        try:
            created.append(party_services.party_create(**_fields(form), user=request.user))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return False
        messages.success(request, f"Party {created[0].name} ({created[0].code}) created.")
        return True

    if request.method == "POST" and form.is_valid() and once(request, form, write):
        # Posted twice: the first post created it; its code is the one posted (normalised).
        party = created[0] if created else _posted_party(form)
        return redirect("parties:detail", code=party.code) if party else redirect("parties:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "commitments/party_form.html", {"form": form, "party": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request, code: str):
    _analyst(request)
    # Renamed: a second post of the form that renamed it comes here, and finds it by its old code.
    party, renamed = _party(code)
    if renamed and request.method == "GET":
        return redirect("parties:edit", code=party.code)
    if request.method == "POST":
        form = PartyPageForm(request.POST, editing=True)
    else:
        form = PartyPageForm(initial=PartyPageForm.initial_for(party), editing=True)

    def write() -> bool:
        try:
            party_services.party_update(
                party=party, user=request.user, reason=form.cleaned_data["reason"], **_fields(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return False
        messages.success(request, "Party saved.")
        return True

    if request.method == "POST" and form.is_valid() and once(request, form, write):
        party.refresh_from_db()
        return redirect("parties:detail", code=party.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "commitments/party_form.html", {"form": form, "party": party}, status=status)


def _fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in party_services.EDITABLE_PARTY_FIELDS}


def _posted_party(form) -> Party | None:
    data = form.cleaned_data
    return Party.objects.filter(code=normalise_party_code(data["kind"], data["code"])).first()

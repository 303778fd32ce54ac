"""The dashboard: what an analyst looks at first each day."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from commitments.api.filters import CommitmentFilter
from commitments.models import Agreement, Commitment, Obligation, StatusUpdate
from commitments.views import page_role
from core.roles import role_of
from parties.models import Party

from . import selectors
from .dashboard_charts import dashboard_charts
from .inbox import dashboard_alerts

ROWS = 20  # per section; the rest on the search page ("see all"), so the page stays small
SEARCH_ROWS = 200
ROW_FIELDS = (
    *("commitment", "party", "status", "due_at", "overdue", "overdue_since"),
    *("commitment__title", "commitment__agreement__title", "commitment__agreement__timezone", "party__code"),
)
RECENT_FIELDS = ("obligation", "status", "recorded_at", "obligation__commitment__title", "obligation__party__code")


@login_required
def dashboard(request):
    role = page_role(request)
    now = timezone.now()
    obligations = Obligation.objects.visible_to(request.user)
    # What the rows show (tracker_ui.obligation_rows), not every column of four tables.
    rows = obligations.select_related("commitment__agreement", "party").only(*ROW_FIELDS)
    search = reverse("tracker:search")
    today = timezone.localdate(now)
    context = {
        "row_limit": ROWS,
        "overdue": _linked(rows.filter(overdue=True).order_by("overdue_since", "pk")[:ROWS]),
        "overdue_all": f"{search}?overdue=true",
        "due_7": _linked(_due(rows, now, after_days=0, until_days=7)),
        "due_7_all": f"{search}?due_after={today}&due_before={today + timedelta(days=7)}",
        "due_30": _linked(_due(rows, now, after_days=7, until_days=30)),
        "due_30_all": f"{search}?due_after={today + timedelta(days=7)}&due_before={today + timedelta(days=30)}",
        "recent": _recent(request),
    }
    context["charts"], context["charts_html"] = dashboard_charts(obligations, role_of(request.user), request)
    context.update(dashboard_alerts(request, role))  # the "Unacknowledged alerts" section
    return render(request, "tracker/dashboard.html", context)


def _linked(rows) -> list[Obligation]:
    """The rows with their links, reversed once per page rather than once per row."""
    detail, agreement = reverse("commitments:detail", args=[0]), reverse("commitments:agreement", args=[0])
    rows = list(rows)
    for o in rows:
        o.detail_url = detail.replace("/0/", f"/{o.commitment_id}/")
        o.agreement_url = agreement.replace("/0/", f"/{o.commitment.agreement_id}/")
    return rows


def _recent(request) -> list[StatusUpdate]:
    updates = StatusUpdate.objects.visible_to(request.user)
    updates = list(
        updates.select_related("obligation__commitment", "obligation__party")
        .only(*RECENT_FIELDS)
        .order_by("-recorded_at")[:10]
    )
    detail = reverse("commitments:detail", args=[0])
    for u in updates:
        u.detail_url = detail.replace("/0/", f"/{u.obligation.commitment_id}/")
    return updates


def _due(rows, now, *, after_days: int, until_days: int):
    due = selectors.obligations_due_between(now, timedelta(days=after_days), timedelta(days=until_days), rows)
    return due.order_by("due_at")[:ROWS]


@login_required
def search(request):
    """Commitments with the API's filters; the URL is the search, so it can be shared."""
    page_role(request)
    commitments = Commitment.objects.visible_to(request.user)
    filterset = CommitmentFilter(request.GET, queryset=commitments, request=request)
    _pickers(filterset.form, commitments)
    if not filterset.is_valid():  # the errors are shown at their fields
        context = {"filter": filterset, "results": [], "limit": SEARCH_ROWS}
        return render(request, "tracker/search.html", context, status=400)
    # Each row shows the parties that matched (all of them without a filter on parties).
    matching = Obligation.objects.filter(filterset.obligation_q()).select_related("party").order_by("party__code")
    results = (
        filterset.qs.select_related("agreement")
        .prefetch_related(Prefetch("obligations", queryset=matching, to_attr="matching"))
        .order_by("agreement", "reference")[:SEARCH_ROWS]
    )
    return render(request, "tracker/search.html", {"filter": filterset, "results": results, "limit": SEARCH_ROWS})


def _pickers(form, commitments) -> None:
    """The API takes ids, codes and ISO moments; people pick from lists and calendars."""
    agreements = Agreement.objects.filter(pk__in=commitments.values("agreement"))
    parties = Party.objects.filter(pk__in=Obligation.objects.filter(commitment__in=commitments).values("party"))
    form.fields["agreement"].widget = forms.Select(choices=[("", "Any")] + [(a.pk, str(a)) for a in agreements])
    form.fields["party"].widget = forms.Select(choices=[("", "Any")] + [(p.code, f"{p} ({p.code})") for p in parties])
    form.fields["overdue"].widget = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    for name in ("due_before", "due_after", "updated_since"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

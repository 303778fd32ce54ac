"""The dashboard: what an analyst looks at first each day."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from commitments.api.filters import CommitmentFilter
from commitments.models import Obligation, StatusUpdate
from commitments.views import page_role, visible_commitments

from . import roles
from .models import Alert
from .selectors import open_obligations

ROWS = 50


@login_required
def dashboard(request):
    role = page_role(request)
    now = timezone.now()
    published = {"commitment__agreement__published": True} if role == roles.PARTNER else {}
    obligations = Obligation.objects.filter(**published).select_related("commitment__agreement", "party")
    context = {
        "overdue": obligations.filter(overdue=True).order_by("overdue_since", "pk")[:ROWS],
        "due_7": open_obligations()
        .filter(**published, due_at__gt=now, due_at__lte=now + timedelta(days=7))
        .select_related("commitment__agreement", "party")
        .order_by("due_at")[:ROWS],
        "due_30": open_obligations()
        .filter(**published, due_at__gt=now + timedelta(days=7), due_at__lte=now + timedelta(days=30))
        .select_related("commitment__agreement", "party")
        .order_by("due_at")[:ROWS],
        "recent": StatusUpdate.objects.filter(**{f"obligation__{k}": v for k, v in published.items()})
        .select_related("obligation__commitment", "obligation__party")
        .order_by("-recorded_at")[:10],
        "alerts": Alert.objects.filter(
            acknowledged_at__isnull=True, **{f"obligation__{k}": v for k, v in published.items()}
        )
        .select_related("obligation__commitment", "party")
        .order_by("-raised_at")[:ROWS],
    }
    return render(request, "tracker/dashboard.html", context)


@login_required
def search(request):
    """Commitments with the API's filters; the URL is the search, so it can be shared."""
    role = page_role(request)
    filterset = CommitmentFilter(request.GET, queryset=visible_commitments(role), request=request)
    results = filterset.qs.select_related("agreement", "current_deadline").order_by("agreement", "reference")[:200]
    return render(
        request, "tracker/search.html", {"filter": filterset, "results": results if filterset.is_valid() else []}
    )

"""The dashboard's charts: their figures (tracker.selectors), drawn (tracker.charts), and
kept in the cache while nothing they show has changed.

Drawing eight SVGs and reading the whole status log for the compliance chart would cost
each dashboard view more than the rest of the page; the cache key is made of everything
the charts show (the figures of the cheap aggregates, and for the log a fingerprint that
any new status update, obligation or agreement change alters) and the reader's role, so a
stale chart is never served and no signal has to clear it."""

import hashlib
import json
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from commitments.models import Agreement, Obligation, StatusUpdate

from . import charts, selectors

CHART_ROWS = 12
CACHE_SECONDS = 24 * 60 * 60  # the key changes with the data; this only bounds the memory
VERSION = 1  # raise when the drawing changes, so that no old drawing is served


def dashboard_charts(obligations: QuerySet[Obligation], scope: str | None) -> list[charts.Chart]:
    """The dashboard's four charts of ``obligations``, already filtered for the reader,
    whose role is ``scope`` (partners see published agreements only)."""
    today = timezone.now().date()
    by_agreement = [
        (f"{agreement.title} ({agreement.signed_on:%d %b %Y})", counts)
        for agreement, counts in selectors.status_counts_by_agreement(obligations, CHART_ROWS)
    ]
    by_party = selectors.status_counts_by_party(obligations, CHART_ROWS)
    timeline = selectors.due_timeline(obligations)
    key = _key(scope, by_agreement, by_party, timeline, _log_fingerprint(), today)
    drawn = cache.get(key)
    if drawn is None:
        drawn = _draw(obligations, by_agreement, by_party, timeline, today)
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn


def _draw(obligations, by_agreement, by_party, timeline, today: date) -> list[charts.Chart]:
    first_signed = obligations.aggregate(first=Min("commitment__agreement__signed_on"))["first"]
    return [
        charts.status_breakdown(
            f"Obligations by status, the {CHART_ROWS} most recently signed agreements",
            "Agreement",
            by_agreement,
            note="Oldest first, top to bottom.",
        ),
        charts.status_breakdown(
            "Obligations by status, per party", "Party", by_party, note="The parties with most obligations first."
        ),
        charts.deadline_timeline(timeline),
        charts.status_over_time(selectors.status_over_time(obligations, today, first_signed)),
    ]


def _log_fingerprint() -> list:
    """What the compliance series depends on besides the reader and the day, taken over
    whole tables (three index scans, cheaper than joining the reader's obligations to their
    agreements): the obligations (how many, the newest), the agreements (signature dates,
    publication: the latest change) and the status log (append-only: its size, its newest)."""
    return [
        Obligation.objects.aggregate(n=Count("pk"), newest=Max("pk")),
        Agreement.objects.aggregate(n=Count("pk"), changed=Max("updated_at")),
        StatusUpdate.objects.aggregate(n=Count("pk"), newest=Max("pk")),
    ]


def _key(*parts) -> str:
    material = json.dumps([VERSION, *parts], sort_keys=True, default=repr)
    return f"dashboard-charts:{hashlib.sha256(material.encode()).hexdigest()}"

"""The dashboard's charts: their figures (tracker.selectors), drawn (tracker.charts), and
kept in the cache while nothing they show has changed.

Aggregating the obligations and the status log costs more than the rest of the page and
grows with the data. The cache key is the data version (tracker.models.DashboardVersion,
moved by database triggers in the same transaction as any write to the obligations,
commitments, agreements, parties or status log, whatever the write path), the reader's
scope and the day: a cached chart is never stale, and a hit reads one row of counters.
The version is read before the figures, so a drawing is never filed under a version
older than what it shows."""

import hashlib
import json
from datetime import date

from django.core.cache import cache
from django.db.models import Min, QuerySet, Sum
from django.utils import timezone

from commitments.models import Obligation

from . import charts, selectors
from .models import DashboardVersion

CHART_ROWS = 12
CACHE_SECONDS = 24 * 60 * 60  # the key changes with the data; this only bounds the memory
VERSION = 1  # raise when the drawing changes, so that no old drawing is served


def dashboard_charts(obligations: QuerySet[Obligation], scope: str | None) -> list[charts.Chart]:
    """The dashboard's four charts of ``obligations``, already filtered for the reader,
    whose role is ``scope`` (partners see published agreements only)."""
    today = timezone.now().date()
    key = _key(scope, data_version(), today)
    drawn = cache.get(key)
    if drawn is None:
        by_agreement = [
            (f"{agreement.title} ({agreement.signed_on:%d %b %Y})", counts)
            for agreement, counts in selectors.status_counts_by_agreement(obligations, CHART_ROWS)
        ]
        by_party = selectors.status_counts_by_party(obligations, CHART_ROWS)
        timeline = selectors.due_timeline(obligations)
        drawn = _draw(obligations, by_agreement, by_party, timeline, today)
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn


def data_version() -> int:
    """How many writes the charts' tables have had (never goes back while the data lives)."""
    return DashboardVersion.objects.aggregate(n=Sum("changes"))["n"] or 0


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


def _key(*parts) -> str:
    material = json.dumps([VERSION, *parts], sort_keys=True, default=repr)
    return f"dashboard-charts:{hashlib.sha256(material.encode()).hexdigest()}"

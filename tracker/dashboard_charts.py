"""The dashboard's charts: their figures (tracker.selectors), drawn (tracker.charts), and
kept in the cache while nothing they show has changed.

Drawing eight SVGs and reading the whole status log for the compliance chart would cost
each dashboard view more than the rest of the page; the cache key is made of everything
the charts show (the figures of the cheap aggregates, and for the log a fingerprint that
any new status update, obligation or agreement change alters), so a stale chart is never
served and no signal has to clear it."""

import hashlib
import json
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from commitments.models import Obligation, StatusUpdate

from . import charts, selectors

CHART_ROWS = 12
CACHE_SECONDS = 24 * 60 * 60  # the key changes with the data; this only bounds the memory
VERSION = 1  # raise when the drawing changes, so that no old drawing is served


def dashboard_charts(obligations: QuerySet[Obligation]) -> list[charts.Chart]:
    """The dashboard's four charts of ``obligations`` (already filtered for the reader)."""
    today = timezone.now().date()
    by_agreement = [
        (f"{agreement.title} ({agreement.signed_on:%d %b %Y})", counts)
        for agreement, counts in selectors.status_counts_by_agreement(obligations, CHART_ROWS)
    ]
    by_party = selectors.status_counts_by_party(obligations, CHART_ROWS)
    timeline = selectors.due_timeline(obligations)
    log = _log_fingerprint(obligations)
    key = _key(by_agreement, by_party, timeline, log, today)
    drawn = cache.get(key)
    if drawn is None:
        drawn = _draw(obligations, by_agreement, by_party, timeline, log["first_signed"], today)
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn


def _draw(obligations, by_agreement, by_party, timeline, first_signed: date | None, today: date):
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


def _log_fingerprint(obligations: QuerySet[Obligation]) -> dict:
    """What the compliance series depends on besides the day: the obligations (how many,
    the newest), their agreements (signature dates, publication: the latest change), and
    the status log (append-only: its newest entry and size)."""
    figures = obligations.aggregate(
        obligations=Count("pk"),
        newest=Max("pk"),
        first_signed=Min("commitment__agreement__signed_on"),
        agreements_changed=Max("commitment__agreement__updated_at"),
    )
    figures.update(StatusUpdate.objects.aggregate(updates=Count("pk"), newest_update=Max("pk")))
    return figures


def _key(*parts) -> str:
    material = json.dumps([VERSION, *parts], sort_keys=True, default=repr)
    return f"dashboard-charts:{hashlib.sha256(material.encode()).hexdigest()}"

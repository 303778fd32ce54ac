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
import secrets
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import Min, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from commitments.models import Obligation

from . import charts, selectors
from .models import DashboardVersion

CHART_ROWS = 12
CACHE_SECONDS = 24 * 60 * 60  # the key changes with the data; this only bounds the memory
VERSION = 2  # raise when the drawing changes, so that no old drawing is served


def dashboard_charts(
    obligations: QuerySet[Obligation], scope: str | None, request
) -> tuple[list[charts.Chart], SafeString]:
    """The dashboard's four charts of ``obligations``, already filtered for the reader,
    whose role is ``scope`` (partners see published agreements only), and their section
    of the page, rendered once with them (its figure tables are most of the page)."""
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
        figures = _draw(obligations, by_agreement, by_party, timeline, today)
        # The SVGs' <style> needs each response's CSP nonce: rendered with a random stand-in
        # that no text of the data can hold, swapped for the nonce on every response.
        stand_in = secrets.token_hex(16)
        html = render_to_string("tracker/_dashboard_charts.html", {"charts": figures, "request": _Nonce(stand_in)})
        drawn = (figures, html, stand_in)
        cache.set(key, drawn, CACHE_SECONDS)
    figures, html, stand_in = drawn
    return figures, mark_safe(html.replace(stand_in, str(getattr(request, "csp_nonce", ""))))  # noqa: S308


class _Nonce:
    def __init__(self, csp_nonce: str):
        self.csp_nonce = csp_nonce


def data_version() -> int:
    """How many writes the charts' and the cached lists' tables have had (never goes back
    while the data lives). Plain SQL: read on every cached API list, where the ORM's
    building of the statement cost more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return int(cursor.fetchone()[0])  # PostgreSQL sums bigints as numeric


VERSION_SQL = f"SELECT COALESCE(SUM(changes), 0) FROM {DashboardVersion._meta.db_table}"  # noqa: S608


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

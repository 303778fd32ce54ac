"""Template helpers shared by the analysts' pages."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from commitments import rules
from commitments.choices import STATUS_COLOURS, VERIFICATION_COLOURS

register = template.Library()


def _nonce(context) -> str:
    """The request's Content-Security-Policy nonce (django-csp), which inline <style>
    elements need; asking for it puts it in the response's policy."""
    return getattr(context.get("request"), "csp_nonce", "")


@register.simple_tag(takes_context=True)
def status_styles(context):
    """Badge colours from the one palette the charts use too (commitments.choices)."""
    rules = format_html_join("", ".status-{}{{border-left-color:{}}}", STATUS_COLOURS.items())
    rules += format_html_join("", ".verification-{}{{border-left-color:{}}}", VERIFICATION_COLOURS.items())
    return format_html('<style nonce="{}">{}</style>', _nonce(context), rules)


@register.simple_tag(takes_context=True)
def chart_svg(context, svg: SafeString) -> SafeString:
    """A chart's inline SVG (tracker/charts.py), its <style> elements given the nonce.
    Text in the SVG is escaped, so "<style" only occurs as an element."""
    return mark_safe(svg.replace("<style", format_html('<style nonce="{}"', _nonce(context))))  # noqa: S308


@register.filter
def minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)


def _zone(zone) -> ZoneInfo:
    """An agreement's zone as templates have it: its ZoneInfo or its name."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


@register.filter
def due(due_at, zone) -> str:
    """A due moment (``{{ o.due_at|due:agreement.tzinfo }}``): the due day in the venue's
    zone first, the UTC instant second and smaller (rules.format_due's two parts)."""
    if due_at is None:
        return "no due moment yet"
    return format_html(
        '{} <small class="due-utc">= <time datetime="{}">{}</time></small>',
        rules.format_due_day(due_at, _zone(zone)),
        due_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        rules.format_due_utc(due_at),
    )


@register.filter
def overdue_text(since, zone) -> str:
    """ "Overdue since the end of 06 Nov 2020 (Europe/Zurich) — for 3 weeks", counted
    from ``since`` (an obligation's overdue_since, i.e. its due moment) to now."""
    if since is None:
        return ""
    return rules.format_overdue(since, _zone(zone), timezone.now())


@register.filter
def overdue_for(since) -> str:
    """ "3 weeks": how long since an obligation's due moment (its overdue_since)."""
    return rules.overdue_for(since, timezone.now()) if since else ""


@register.filter
def incident_path(incident_id) -> str:
    """The incident's page, ``{{ id|incident_path }}``: the one place of its URL."""
    from tracker.incident_emails import incident_path as path

    return path(incident_id)

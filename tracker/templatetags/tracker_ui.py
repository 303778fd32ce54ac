"""Template helpers shared by the analysts' pages."""

from datetime import timedelta

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from commitments.choices import STATUS_COLOURS

register = template.Library()


def _nonce(context) -> str:
    """The request's Content-Security-Policy nonce (django-csp), which inline <style>
    elements need; asking for it puts it in the response's policy."""
    return getattr(context.get("request"), "csp_nonce", "")


@register.simple_tag(takes_context=True)
def status_styles(context):
    """Badge colours from the one palette the charts use too (commitments.choices)."""
    rules = format_html_join("", ".status-{}{{border-left-color:{}}}", STATUS_COLOURS.items())
    return format_html('<style nonce="{}">{}</style>', _nonce(context), rules)


@register.simple_tag(takes_context=True)
def chart_svg(context, svg: SafeString) -> SafeString:
    """A chart's inline SVG (tracker/charts.py), its <style> elements given the nonce.
    Text in the SVG is escaped, so "<style" only occurs as an element."""
    return mark_safe(svg.replace("<style", format_html('<style nonce="{}"', _nonce(context))))  # noqa: S308


@register.filter
def minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)

"""Template helpers shared by the analysts' pages."""

from django import template
from django.utils.html import format_html, format_html_join

from commitments.choices import STATUS_COLOURS

register = template.Library()


@register.simple_tag
def status_styles():
    """Badge colours from the one palette the charts use too (commitments.choices)."""
    rules = format_html_join("", ".status-{}{{border-left-color:{}}}", STATUS_COLOURS.items())
    return format_html("<style>{}</style>", rules)

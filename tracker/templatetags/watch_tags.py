"""The Watch button's state for the page it is on (tracker/_watch.html)."""

from django import template

from ..watch import TARGETS, watching

register = template.Library()


@register.simple_tag(takes_context=True)
def watch_state(context) -> dict | None:
    """What the page shows (a commitment's page also has its agreement in reach, so the
    most specific target wins) and whether the user watches it already."""
    for name in ("commitment", "agreement", "party"):
        target = context.get(name)
        if isinstance(target, TARGETS[name]):
            user = context.get("user")
            return {"name": name, "target": target, "subscription": watching(user, target) if user else None}
    return None

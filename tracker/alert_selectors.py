"""Which alerts a person sees in the inbox and on the dashboard: the one place of the
states (unacknowledged, acknowledged, resolved) and of "mine"."""

from django.db.models import Q, QuerySet

from .models import Alert, Subscription

# An alert waits for a person while nobody acknowledged it and the system did not resolve it.
STATES = {
    "unacknowledged": Q(acknowledged_at__isnull=True, resolved_at__isnull=True),
    "acknowledged": Q(acknowledged_at__isnull=False),
    "resolved": Q(resolved_at__isnull=False),
    "all": Q(),
}


def visible_alerts(request) -> QuerySet[Alert]:
    """The alerts the requesting user may read: partners, those of published agreements,
    and of published incidents whose link holds (access.readable_alerts)."""
    return Alert.objects.visible_to(request.user)


def mine_q(user) -> Q:
    """The alerts the user's active subscriptions ask for (any of them); none without one."""
    subscriptions = Subscription.objects.filter(recipient__user=user, unsubscribed_at__isnull=True)
    q = Q(pk__in=[])
    for subscription in subscriptions:
        q |= subscription.alert_filter()
    return q


def unacknowledged(request) -> QuerySet[Alert]:
    return visible_alerts(request).filter(STATES["unacknowledged"])


def for_rows(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """What a row shows, in one query, newest first."""
    # Of the obligation, commitment, agreement and party, only what a row shows
    # (tracker_ui.alert_rows); the alert, its acknowledger and its incident whole.
    shown = ("obligation__commitment__title", "obligation__commitment__agreement__timezone", "party__code")
    return (
        alerts.select_related(
            "obligation__commitment__agreement", "party", "acknowledged_by", "incident_link__incident"
        )
        .only(*(field.name for field in Alert._meta.concrete_fields), *shown)
        .order_by("-raised_at", "-pk")
    )

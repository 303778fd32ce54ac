"""Rendering of the outbox's messages: subject, plain text and HTML from templates.
Internal notes are never passed to a template."""

import re
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from commitments.rules import format_due

from .choices import AlertKind, MessageKind
from .email_links import confirmation_token, unsubscribe_token
from .incident_emails import incident_context
from .models import Alert, OutboundEmail

# What an incident-linked alert's email reads of its incident's parties, in one query.
INCIDENT_PARTIES = "incident_link__incident__party_roles__party"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(subscription) -> str:
    return absolute(reverse("tracker:unsubscribe", args=[unsubscribe_token(subscription)]))


def confirm_url(recipient) -> str:
    return absolute(reverse("tracker:confirm", args=[confirmation_token(recipient)]))


def alert_context(alert: Alert) -> dict:
    """What every email says about one alert."""
    obligation = alert.obligation
    commitment = obligation.commitment
    agreement = commitment.agreement
    zone = agreement.tzinfo
    update = alert.status_update
    return {
        "alert": alert,
        "kind": alert.get_kind_display(),
        "commitment": commitment,
        "agreement": agreement,
        "party": obligation.party,
        "status": obligation.get_status_display(),
        "due": format_due(alert.due_at, zone) if alert.due_at else "no deadline",
        "due_day": _due_day(alert.due_at, zone),
        "lead_days": alert.lead_time.days,
        # Public summary only: the internal note stays in the tracker.
        "update_summary": update.summary if update else "",
        "update_status": update.get_status_display() if update else "",
        "update_effective_on": update.effective_on if update else None,
        # Reasons for non-fulfilment are public, like the summary.
        "update_reasons": "; ".join(r.label for r in update.reasons.all()) if update else "",
        "url": absolute(reverse("commitments:detail", args=[commitment.pk])),
        "incident": incident_context(alert.incident_link.incident, absolute) if alert.incident_link_id else None,
    }


def _due_day(due_at, zone: ZoneInfo) -> str:
    from commitments.rules import due_day

    return f"{due_day(due_at, zone):%-d %b %Y}" if due_at else ""


# Any run of whitespace (CR, LF, tab, U+2028 ...) or other control characters.
UNSAFE_IN_HEADER = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def one_line(text: str) -> str:
    """A header value that no stored title or name can break: a CR/LF would otherwise let
    text inject headers (Django refuses it with BadHeaderError)."""
    return UNSAFE_IN_HEADER.sub(" ", text).strip()


def alert_subject(context: dict) -> str:
    title, party = context["commitment"].title, context["party"]
    kind = context["alert"].kind
    if kind == AlertKind.OVERDUE:
        return f"Overdue: {title}, {party}, due {context['due_day']}"
    if kind == AlertKind.DUE_SOON:
        return f"Due soon: {title}, {party}, due {context['due_day']}"
    if kind == AlertKind.INCIDENT_LINKED:
        incident = context["incident"]
        draft = " [draft]" if incident["draft"] else ""
        return f"Incident linked{draft}: {title}, {party}: {incident['type']}, {incident['place']}, {incident['when']}"
    return f"Status changed: {title}, {party}: {context['update_status']}"


def _render(template: str, context: dict) -> tuple[str, str]:
    text = render_to_string(f"tracker/email/{template}.txt", context)
    html = render_to_string(f"tracker/email/{template}.html", context)
    return text, html


def render_message(message: OutboundEmail) -> EmailMultiAlternatives:
    """The email for one outbox row."""
    headers = {"Message-ID": f"<outbox-{message.pk}@{settings.SITE_URL.split('://')[-1].split('/')[0]}>"}
    context: dict = {"site_url": settings.SITE_URL}
    if message.kind == MessageKind.CONFIRMATION:
        context["confirm_url"] = confirm_url(message.recipient)
        subject = "Confirm your email address for ceasefire commitment alerts"
        template = "confirm"
    else:
        context["unsubscribe_url"] = unsubscribe_url(message.subscription)
        context["subscription"] = message.subscription
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if message.kind == MessageKind.ALERT:
            context.update(alert_context(message.alert))
            subject = alert_subject(context)
            template = "alert"
        else:
            # Only what the recipient may read now, and what is not resolved since, whatever
            # the digest held when queued.
            context["groups"] = digest_groups(
                message.digest_alert_ids, message.readable_alerts() & Q(resolved_at__isnull=True)
            )
            context["count"] = sum(len(items) for _, items in context["groups"])
            context["digest_date"] = message.digest_date
            subject = f"Daily digest: {context['count']} alert(s), {message.digest_date:%-d %b %Y}"
            template = "digest"
    text, html = _render(template, context)
    email = EmailMultiAlternatives(
        subject=one_line(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient.email],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    return email


def digest_groups(alert_ids: list[int], readable: Q) -> list[tuple]:
    """The digest's alerts that pass ``readable``, grouped by agreement, each group sorted
    by due moment."""
    alerts = (
        Alert.objects.filter(readable, pk__in=alert_ids)
        .select_related("obligation__commitment__agreement", "obligation__party", "status_update")
        .select_related("incident_link__incident")
        .prefetch_related("status_update__reasons", INCIDENT_PARTIES)
    )
    groups: dict = defaultdict(list)
    for alert in alerts:
        groups[alert.obligation.commitment.agreement].append(alert_context(alert))
    far_future = "9999"
    return [
        (agreement, sorted(items, key=lambda c: c["alert"].due_at.isoformat() if c["alert"].due_at else far_future))
        for agreement, items in sorted(groups.items(), key=lambda kv: (kv[0].signed_on, kv[0].pk))
    ]

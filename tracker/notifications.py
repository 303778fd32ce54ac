"""Email alerts: subscriptions, the outbox, digests and sending.

Messages are queued as OutboundEmail rows in the same transaction as what caused them
(an alert, a new subscription, a digest), then sent by the sender task in batches over
one SMTP connection. See docs/email.md for the guarantees and the one duplicate window.
"""

import logging
import smtplib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import CharField, DateTimeField, DurationField, F, IntegerField, QuerySet, Value
from django.utils import timezone

from core.validation import clean_into, raise_if
from utilities.signed_links import signed_link_data

from .choices import AlertKind, Delivery, MessageKind, OutboxStatus
from .email_links import CONFIRM_MAX_AGE, CONFIRM_SALT, UNSUBSCRIBE_SALT
from .emails import INCIDENT_PARTIES, render_message
from .models import Alert, OutboundEmail, Recipient, Subscription
from .sql import insert_from_select
from .task_queue import enqueue_task

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = OutboundEmail._meta.get_field("subject").max_length


# Subscriptions


def _after_commit_send() -> None:
    transaction.on_commit(lambda: enqueue_task("tracker.send_outbox"))


@transaction.atomic
def subscription_create(
    *,
    email: str,
    user=None,
    created_by=None,
    agreement=None,
    commitment=None,
    party=None,
    category: str = "",
    on_due_soon: bool = True,
    on_overdue: bool = True,
    on_status_changed: bool = True,
    on_incident_linked: bool = True,
    include_unverified: bool = False,
    delivery: str = Delivery.IMMEDIATE,
    digest_hour: int = 8,
    timezone_name: str = "UTC",
) -> Subscription:
    """Subscribe an address. A new address gets a confirmation email first and nothing
    else until it is confirmed."""
    email = (email or "").strip().lower()
    recipient = Recipient.objects.filter(email=email).first() or Recipient(email=email, user=user)
    errors: dict = {}
    clean_into(errors, recipient, validate_unique=False)
    subscription = Subscription(
        recipient=recipient,
        agreement=agreement,
        commitment=commitment,
        party=party,
        category=category,
        on_due_soon=on_due_soon,
        on_overdue=on_overdue,
        on_status_changed=on_status_changed,
        on_incident_linked=on_incident_linked,
        include_unverified=include_unverified,
        delivery=delivery,
        digest_hour=digest_hour,
        timezone=timezone_name,
        created_by=created_by,
    )
    clean_into(errors, subscription, exclude=["recipient"])
    raise_if(errors)
    recipient = _locked_recipient(recipient)
    if _same_active(recipient, subscription).exists():
        raise ValidationError(
            {"email": f"{recipient.email} already has this subscription: change it rather than add it again."}
        )
    subscription.recipient = recipient
    subscription.save()
    if recipient.confirmed_at is None:
        now = timezone.now()
        OutboundEmail.objects.get_or_create(
            kind=MessageKind.CONFIRMATION,
            recipient=recipient,
            defaults={"subscription": subscription, "next_attempt_at": now, "created_at": now},
        )
        _after_commit_send()
    return subscription


SCOPE_FIELDS = ("agreement", "commitment", "party", "category", "delivery")


def _locked_recipient(recipient: Recipient) -> Recipient:
    """``recipient``, saved if new, and locked for the rest of the transaction, so that two
    subscriptions of one address at once queue behind each other (the second sees the
    first) and a new address is created once (a racing insert reads the winner's row)."""
    if recipient.pk is None:
        try:
            with transaction.atomic():
                recipient.save()
        except IntegrityError:  # the same address created a moment ago by another request
            pass
    return Recipient.objects.select_for_update().get(email=recipient.email)


def _same_active(recipient: Recipient, subscription: Subscription) -> QuerySet[Subscription]:
    """The recipient's active subscriptions with ``subscription``'s scope and delivery: a
    second one would send every alert twice."""
    scope = {field: getattr(subscription, field) for field in SCOPE_FIELDS}
    return Subscription.objects.filter(recipient=recipient, unsubscribed_at__isnull=True, **scope)


def recipient_confirm(*, token: str) -> Recipient:
    """Confirm an address from the link in its confirmation email."""
    data = signed_link_data(
        token,
        salt=CONFIRM_SALT,
        max_age=CONFIRM_MAX_AGE,
        invalid="This confirmation link is not valid.",
        expired="This confirmation link has expired; subscribe again.",
    )
    recipient = Recipient.objects.filter(pk=data.get("r"), email=data.get("e")).first()
    if recipient is None:
        raise ValidationError({"token": "This address is no longer subscribed."})
    Recipient.objects.filter(pk=recipient.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    recipient.refresh_from_db()
    return recipient


def _subscription_from_token(token: str) -> Subscription:
    data = signed_link_data(token, salt=UNSUBSCRIBE_SALT, invalid="This unsubscribe link is not valid.")
    subscription = Subscription.objects.select_related("recipient").filter(pk=data.get("s")).first()
    if subscription is None:
        raise ValidationError({"token": "This subscription no longer exists."})
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> Subscription:
    """End one subscription (others of the same address go on); messages still queued for
    it are cancelled."""
    subscription = _subscription_from_token(token)
    Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    OutboundEmail.objects.filter(subscription=subscription, status=OutboxStatus.PENDING).exclude(
        kind=MessageKind.CONFIRMATION
    ).update(status=OutboxStatus.CANCELLED, last_error="unsubscribed")
    subscription.refresh_from_db()
    return subscription


def subscription_resubscribe(*, token: str) -> Subscription:
    subscription = _subscription_from_token(token)
    Subscription.objects.filter(pk=subscription.pk).update(unsubscribed_at=None)
    subscription.refresh_from_db()
    return subscription


# Queueing


def _deliverable_subscriptions(delivery: str):
    return (
        Subscription.objects.filter(
            delivery=delivery,
            unsubscribed_at__isnull=True,
            recipient__confirmed_at__isnull=False,
            recipient__bounced_at__isnull=True,
        )
        .select_related("recipient__user")
        .prefetch_related("recipient__user__groups")  # each recipient's role, in one query
    )


def alert_messages_queue(*, alerts: QuerySet[Alert]) -> int:
    """Queue one message per (alert in ``alerts``, immediate subscription that asks for
    it and whose recipient may read it). One INSERT ... SELECT per subscription: the count
    grows with subscriptions, never with obligations."""
    now = timezone.now()
    queued = 0
    for subscription in _deliverable_subscriptions(Delivery.IMMEDIATE):
        queued += insert_from_select(
            OutboundEmail,
            alerts.filter(subscription.alert_filter(), subscription.readable_alerts()),
            {
                "kind": Value(MessageKind.ALERT, output_field=CharField()),
                "recipient": Value(subscription.recipient_id, output_field=IntegerField()),
                "subscription": Value(subscription.pk, output_field=IntegerField()),
                "alert": F("id"),
                "status": Value(OutboxStatus.PENDING, output_field=CharField()),
                "attempts": Value(0, output_field=IntegerField()),
                "next_attempt_at": Value(now, output_field=DateTimeField()),
                "created_at": Value(now, output_field=DateTimeField()),
            },
        )
    if queued:
        _after_commit_send()
    return queued


def digests_queue(*, now: datetime | None = None) -> int:
    """Queue today's digest for every digest subscription whose local hour has come: the
    alerts it asks for, and its recipient may read, since its last digest. At most one
    digest per subscription and local day (a unique constraint); a day without alerts
    sends nothing."""
    now = now or timezone.now()
    queued = 0
    for subscription in _deliverable_subscriptions(Delivery.DIGEST):
        local = now.astimezone(ZoneInfo(subscription.timezone))
        if local.hour < subscription.digest_hour:
            continue
        if OutboundEmail.objects.filter(
            kind=MessageKind.DIGEST, subscription=subscription, digest_date=local.date()
        ).exists():
            continue  # today's digest is queued already; get_or_create below covers a race
        with transaction.atomic():
            since = subscription.last_digest_at or subscription.created_at
            alert_ids = list(
                Alert.objects.filter(
                    subscription.alert_filter(),
                    subscription.readable_alerts(),
                    resolved_at__isnull=True,  # its cause is gone: no news any more
                    raised_at__gt=since,
                    raised_at__lte=now,
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not alert_ids:
                continue
            _, created = OutboundEmail.objects.get_or_create(
                kind=MessageKind.DIGEST,
                subscription=subscription,
                digest_date=local.date(),
                defaults={
                    "recipient_id": subscription.recipient_id,
                    "digest_alert_ids": alert_ids,
                    "next_attempt_at": now,
                    "created_at": now,
                },
            )
            if created:
                Subscription.objects.filter(pk=subscription.pk).update(last_digest_at=now)
                queued += 1
    if queued:
        _after_commit_send()
    return queued


# Sending


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    connections: int = 0


def _claim(batch_size: int, now: datetime) -> list[OutboundEmail]:
    """Take up to ``batch_size`` due rows for this sender alone. On PostgreSQL rows locked
    by another sender are skipped; on any database the conditional UPDATE (status still
    pending) makes each row one sender's."""
    token = uuid.uuid4()
    with transaction.atomic():
        due = OutboundEmail.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "pk"
        )
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size])
        OutboundEmail.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENDING, claim_token=token, claimed_at=now
        )
    return list(
        OutboundEmail.objects.filter(claim_token=token, status=OutboxStatus.SENDING)
        .select_related(
            "recipient__user",
            "subscription__agreement",
            "subscription__party",
            "alert__obligation__commitment__agreement",
            "alert__obligation__party",
            "alert__status_update",
            "alert__incident_link__incident",
        )
        .prefetch_related("recipient__user__groups", f"alert__{INCIDENT_PARTIES}")
        .order_by("pk")
    )


STALE_ERROR = "the sender stopped while sending it"


def _release_stale(now: datetime) -> None:
    """Rows claimed by a sender that died mid-batch go back to the queue. A message whose
    SMTP transaction completed just before the death is sent again: the one window.

    The death counts as an attempt and the row goes behind the rows due now, so a message
    that kills its sender every time is not claimed first for ever: it ends failed after
    OUTBOX_MAX_ATTEMPTS, like any other message that keeps failing."""
    stale = OutboundEmail.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - timedelta(seconds=settings.TRACKER_OUTBOX_CLAIM_TIMEOUT)
    )
    last = stale.filter(attempts__gte=settings.TRACKER_OUTBOX_MAX_ATTEMPTS - 1)
    if last.update(status=OutboxStatus.FAILED, attempts=F("attempts") + 1, last_error=STALE_ERROR, claim_token=None):
        logger.error("giving up on outbound emails whose sender stopped %d times", settings.TRACKER_OUTBOX_MAX_ATTEMPTS)
    stale.update(
        status=OutboxStatus.PENDING,
        attempts=F("attempts") + 1,
        last_error=STALE_ERROR,
        next_attempt_at=now,
        claim_token=None,
    )


def _mark(message: OutboundEmail, **fields) -> None:
    OutboundEmail.objects.filter(pk=message.pk, claim_token=message.claim_token).update(**fields)


def _retry_later(message: OutboundEmail, error: str, now: datetime, result: SendResult) -> None:
    attempts = message.attempts + 1
    if attempts >= settings.TRACKER_OUTBOX_MAX_ATTEMPTS:
        _mark(message, status=OutboxStatus.FAILED, attempts=attempts, last_error=error, claim_token=None)
        logger.error("giving up on outbound email %s after %d attempts: %s", message.pk, attempts, error)
        result.failed += 1
        return
    backoff = min(settings.TRACKER_OUTBOX_BACKOFF * 2 ** (attempts - 1), settings.TRACKER_OUTBOX_BACKOFF_MAX)
    _mark(
        message,
        status=OutboxStatus.PENDING,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + timedelta(seconds=backoff),
        claim_token=None,
    )
    result.retried += 1


def _reject_permanently(message: OutboundEmail, code: int, error: str, now: datetime, result: SendResult) -> None:
    """SMTP said 5xx for this address: mark it, and stop all mail to it."""
    Recipient.objects.filter(pk=message.recipient_id, bounced_at__isnull=True).update(
        bounced_at=now, bounce_reason=f"{code} {error}"
    )
    _mark(message, status=OutboxStatus.FAILED, attempts=message.attempts + 1, last_error=f"{code} {error}")
    result.failed += 1


def _smtp_refused(
    message: OutboundEmail, code: int, error: str, now: datetime, result: SendResult, *, address_refused: bool = True
) -> None:
    """SMTP answered with an error code: a 5xx about the address rejects it for good,
    anything else is retried later."""
    if code >= 500 and address_refused:
        _reject_permanently(message, code, error, now, result)
    else:
        _retry_later(message, f"{code} {error}", now, result)


def _fail(message: OutboundEmail, error: str, result: SendResult) -> None:
    """This message can never be sent as it is: failed at once, with the reason, for the
    admin to see (and retry once the data is fixed); the batch goes on."""
    _mark(message, status=OutboxStatus.FAILED, attempts=message.attempts + 1, last_error=error, claim_token=None)
    logger.error("outbound email %s failed: %s", message.pk, error)
    result.failed += 1


def _alert_ids(message: OutboundEmail) -> list[int] | None:
    """The alerts an alert or digest message is about; None for a confirmation, or for a
    digest whose stored list is not one of ids (that one fails when it is built)."""
    if message.kind == MessageKind.ALERT:
        return [message.alert_id]
    ids = message.digest_alert_ids
    if message.kind == MessageKind.DIGEST and isinstance(ids, list) and all(isinstance(i, int) for i in ids):
        return ids
    return None


def _readable_now(messages: list[OutboundEmail]) -> dict[int, list[int]]:
    """For each alert and digest of the batch, the alerts in it that its recipient may read
    at sending time: an agreement may have been unpublished, or a user may have lost the
    analyst role, since it was queued. One query per distinct rule, not per message."""
    about = {m.pk: (m.readable_alerts(), ids) for m in messages if (ids := _alert_ids(m)) is not None}
    wanted: dict = defaultdict(set)
    for rule, ids in about.values():
        wanted[rule].update(ids)
    readable = {
        rule: set(Alert.objects.filter(rule, pk__in=ids).values_list("pk", flat=True)) for rule, ids in wanted.items()
    }
    return {pk: [i for i in ids if i in readable[rule]] for pk, (rule, ids) in about.items()}


def _resolved_now(messages: list[OutboundEmail], readable: dict[int, list[int]]) -> set[int]:
    """The alerts of the batch's digests resolved since they were queued (one query)."""
    ids = {i for m in messages if m.kind == MessageKind.DIGEST for i in readable.get(m.pk, [])}
    if not ids:
        return set()
    return set(Alert.objects.filter(pk__in=ids, resolved_at__isnull=False).values_list("pk", flat=True))


def _cancel_reason(message: OutboundEmail, readable: dict[int, list[int]], resolved: set[int] = frozenset()) -> str:
    """Why this message must not be sent any more ("" when it may be)."""
    recipient = message.recipient
    if message.kind == MessageKind.CONFIRMATION:
        # Only to an address neither confirmed yet nor rejected by SMTP.
        if recipient.bounced_at is not None:
            return "the address was rejected by SMTP"
        return "the address is confirmed already" if recipient.confirmed_at is not None else ""
    if not recipient.deliverable:
        return "the address is not confirmed, or was rejected by SMTP"
    if message.subscription is not None and not message.subscription.active:
        return "unsubscribed"
    if message.pk in readable and not readable[message.pk]:
        if message.kind == MessageKind.DIGEST:
            return "nothing in this digest that the recipient may read"
        if message.alert.kind == AlertKind.INCIDENT_LINKED:
            return "not to be told of this incident now: unpublished, retracted, unverified, or its link removed"
        return "the recipient may not read this agreement (a draft)"
    if message.kind == MessageKind.ALERT and message.alert.resolved:
        return f"the alert was resolved: {message.alert.get_resolved_reason_display()}"
    if message.kind == MessageKind.DIGEST and message.pk in readable and set(readable[message.pk]) <= resolved:
        return "every alert in this digest was resolved"
    return ""


def outbox_send(*, batch_size: int | None = None, now: datetime | None = None) -> SendResult:
    """Send one batch of due messages over one SMTP connection. Each message ends sent,
    retried later, failed or cancelled on its own: none holds up the others."""
    now = now or timezone.now()
    result = SendResult()
    _release_stale(now)
    messages = _claim(batch_size or settings.TRACKER_OUTBOX_BATCH, now)
    if not messages:
        return result
    readable = _readable_now(messages)
    resolved = _resolved_now(messages, readable)
    connection = get_connection(fail_silently=False)
    opened = False
    for message in messages:
        if reason := _cancel_reason(message, readable, resolved):
            _mark(message, status=OutboxStatus.CANCELLED, last_error=reason, claim_token=None)
            result.cancelled += 1
            continue
        try:
            email = render_message(message)
        except Exception as exc:  # a template error, a missing object, data that makes no sense
            _fail(message, f"cannot build the message: {type(exc).__name__}: {exc}", result)
            continue
        try:
            if not opened:
                connection.open()
                opened = True
                result.connections += 1
            connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()))
            reason = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
            _smtp_refused(message, code, reason, now, result)
        except smtplib.SMTPResponseException as exc:
            error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc)
            # A refused sender is this server's setup, not the recipient's address.
            address_refused = not isinstance(exc, smtplib.SMTPSenderRefused)
            _smtp_refused(message, exc.smtp_code, error, now, result, address_refused=address_refused)
        except (smtplib.SMTPException, OSError) as exc:
            # The server is down or went away: retry later, reconnect for the next one.
            _retry_later(message, f"{type(exc).__name__}: {exc}", now, result)
            connection.close()
            opened = False
        except Exception as exc:
            # The backend builds the MIME message only now: a header it refuses (BadHeaderError,
            # e.g. a CR/LF in a stored address) or an address it cannot encode is this
            # message's alone. Reconnect for the next one, in case it broke off mid-transaction.
            _fail(message, f"cannot build the message: {type(exc).__name__}: {exc}", result)
            connection.close()
            opened = False
        else:
            _mark(
                message,
                status=OutboxStatus.SENT,
                sent_at=timezone.now(),
                subject=email.subject[:SUBJECT_MAX_LENGTH],
                claim_token=None,
            )
            result.sent += 1
    if opened:
        connection.close()
    return result


def outbox_due_count(now: datetime | None = None) -> int:
    return OutboundEmail.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now or timezone.now()).count()


# Status changes


def _event_alerts_raise(kind: str, sources: QuerySet, source_field: str) -> int:
    """One alert of ``kind`` per row of ``sources`` (status updates or incident links, each
    with its obligation), raised in the caller's transaction, and their messages queued.
    The alerts' unique constraint on ``source_field`` makes a second call add nothing."""
    now = timezone.now()
    raised = insert_from_select(
        Alert,
        sources,
        {
            "kind": Value(kind, output_field=CharField()),
            "obligation": F("obligation_id"),
            "party": F("obligation__party_id"),
            "due_at": F("obligation__due_at"),
            "lead_time": Value(timedelta(0), output_field=DurationField()),
            "raised_at": Value(now, output_field=DateTimeField()),
            source_field: F("id"),
        },
    )
    if raised:
        alert_messages_queue(alerts=Alert.objects.filter(kind=kind, raised_at=now, **{f"{source_field}__in": sources}))
    return raised


def status_changed_alerts_raise(*, status_update_ids: list[int]) -> int:
    """Raise one status-changed alert per recorded status update, and queue its messages,
    in the transaction that recorded the update."""
    from commitments.models import StatusUpdate

    return _event_alerts_raise(
        AlertKind.STATUS_CHANGED, StatusUpdate.objects.filter(pk__in=status_update_ids), "status_update"
    )


# Incidents linked


def incident_linked_alerts_raise(*, link_ids: list[int]) -> int:
    """Raise one incident-linked alert per new link of an incident to an obligation (the
    party is the obligation's), and queue its messages, in the transaction that made the
    link: nothing is raised for a link that rolls back, and the sender is queued on commit.
    The alerts' unique constraint (one per link) makes this safe to call twice, or from
    concurrent links of the same incident and obligation."""
    from commitments.choices import LinkState
    from commitments.models import IncidentLink

    links = IncidentLink.objects.filter(pk__in=link_ids, state=LinkState.LINKED)
    return _event_alerts_raise(AlertKind.INCIDENT_LINKED, links, "incident_link")


def incident_alerts_requeue(*, incident_ids: list[int]) -> int:
    """Queue the immediate messages that the incidents' alerts now warrant: a partner who
    was not told of a draft or of a report still unverified hears of it once it is published
    or corroborated. Who was told already is not told again (one message per alert and
    subscription); resolved alerts stay quiet."""
    return alert_messages_queue(
        alerts=Alert.objects.filter(
            kind=AlertKind.INCIDENT_LINKED,
            incident_link__incident_id__in=incident_ids,
            resolved_at__isnull=True,
        )
    )

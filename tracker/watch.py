"""Watch: one click on an agreement's, commitment's or party's page subscribes the
logged-in user's own address to its alerts (immediately, all kinds), and one click
ends it. What a user watches is an ordinary Subscription with exactly that one scope, so
the outbox, digests, unsubscribe links and /alerts/ treat it like any other."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from commitments.models import Agreement, Commitment
from parties.models import Party

from . import email_links, notifications
from .choices import AlertKind
from .models import Recipient, Subscription

NO_EMAIL = "Your account has no email address: add one on your profile first."
OTHER_ACCOUNT = "This address receives alerts for another account."

# The name used in forms and URLs for each kind of page that has a Watch button.
TARGETS = {"agreement": Agreement, "commitment": Commitment, "party": Party}


def target_name(target) -> str:
    return next(name for name, model in TARGETS.items() if isinstance(target, model))


def _scope(target) -> dict:
    """The one field a watch sets; the others stay empty (an exact scope, so watching a
    commitment is not the same as watching its agreement)."""
    scope = {"agreement": None, "commitment": None, "party": None, "category": ""}
    scope[target_name(target)] = target
    return scope


def _active(user, target):
    return Subscription.objects.filter(recipient__user=user, unsubscribed_at__isnull=True, **_scope(target))


def watching(user, target) -> Subscription | None:
    """The user's active watch of ``target``, if any (with its recipient, whose state the
    button shows)."""
    if not user.is_authenticated:
        return None
    return _active(user, target).select_related("recipient").order_by("pk").first()


def _own_recipient(user) -> Recipient:
    """The user's address as a Recipient, locked for the rest of the transaction: two
    clicks at once queue behind each other, so the second sees the first's watch."""
    email = (user.email or "").strip().lower()
    if not email:
        raise ValidationError({"email": NO_EMAIL})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": f"Your account's email address is not valid: {exc.messages[0]}"}) from exc
    recipient, _ = Recipient.objects.get_or_create(email=email, defaults={"user": user})
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    if recipient.user_id is None:
        # A focal point's address that turns out to be this user's: it is theirs now, and
        # reads what their role reads.
        recipient.user = user
        recipient.save(update_fields=["user"])
    elif recipient.user_id != user.pk:
        raise ValidationError({"email": OTHER_ACCOUNT})
    return recipient


@transaction.atomic
def watch_start(*, user, target) -> tuple[Subscription, bool]:
    """Subscribe the user to ``target``'s alerts; (subscription, created). Watching what
    one watches already creates nothing. A new address gets its confirmation email,
    queued by subscription_create and sent by the worker after the commit."""
    recipient = _own_recipient(user)
    existing = _active(user, target).filter(recipient=recipient).order_by("pk").first()
    if existing is not None:
        return existing, False
    agreement = target if isinstance(target, Agreement) else getattr(target, "agreement", None)
    subscription = notifications.subscription_create(
        email=recipient.email,
        user=user,
        created_by=user,
        # Digest hours, if the user switches to a digest later, read in the venue's zone.
        timezone_name=agreement.timezone if agreement else "UTC",
        **{k: v for k, v in _scope(target).items() if v},
    )
    return subscription, True


def watch_stop(*, user, target) -> int:
    """End the user's watches of ``target``; how many ended. Ended the way an unsubscribe
    link ends a subscription (its queued messages are cancelled): the one place of that."""
    ended = 0
    for subscription in _active(user, target):
        notifications.subscription_unsubscribe(token=email_links.unsubscribe_token(subscription))
        ended += 1
    return ended


def subscription_scope(subscription: Subscription) -> str:
    """What a subscription is about, in words, for the profile and focal-point lists."""
    parts = [
        f"{label} {value}"
        for label, value in (
            ("agreement", subscription.agreement),
            ("commitment", subscription.commitment),
            ("party", subscription.party),
            ("category", subscription.get_category_display() if subscription.category else ""),
        )
        if value
    ]
    text = ", ".join(parts) or "everything"
    return text[0].upper() + text[1:]


def kinds_label(subscription: Subscription) -> str:
    label = ", ".join(str(AlertKind(kind).label).lower() for kind in subscription.kinds())
    if subscription.on_incident_linked and subscription.include_unverified:
        label += " (unverified incidents too)"
    return label

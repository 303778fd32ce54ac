"""A user's own account, from their profile page (/account/): name, email address
(changed only once the new address is confirmed by a signed link), and calendar feed
keys. The alerts that follow the address are Recipient rows (tracker/notifications.py)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from utilities.signed_links import signed_link_data

from .emails import absolute, one_line
from .models import Recipient, Subscription

logger = logging.getLogger(__name__)

EMAIL_CHANGE_SALT = "tracker.account.email-change"
EMAIL_CHANGE_MAX_AGE = timedelta(days=2)
ADDRESS_TAKEN = "Another account uses this address."


def email_taken(user, email: str) -> bool:
    """Whether the address is an account's other than ``user``'s (any account's with
    ``user`` None), as its login email or its alerts'."""
    users = get_user_model().objects.filter(email__iexact=email)
    recipients = Recipient.objects.filter(email__iexact=email, user__isnull=False)
    if user is not None:
        users, recipients = users.exclude(pk=user.pk), recipients.exclude(user=user)
    return users.exists() or recipients.exists()


def email_change_token(user, new_email: str) -> str:
    """Signed: the user, the address they have now (so the link works once: after it the
    address differs) and the new one. Expires after EMAIL_CHANGE_MAX_AGE."""
    return signing.dumps({"u": user.pk, "o": user.email, "e": new_email}, salt=EMAIL_CHANGE_SALT)


def email_change_request(*, user, new_email: str) -> None:
    """Send the confirmation link to the new address, by the worker after the commit;
    the account keeps its address until the link is opened."""

    def send() -> None:
        from config.celery import app

        try:
            app.send_task("tracker.send_email_change_link", args=[user.pk, new_email])
        except Exception:  # any broker error: the page says to try again if nothing comes
            logger.exception("could not queue the email change link for user %s", user.pk)

    transaction.on_commit(send)


def email_change_send(*, user_id: int, new_email: str) -> bool:
    """Build and send the link (the worker's task). False when the user is gone."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    url = absolute(reverse("tracker:email-confirm", args=[email_change_token(user, new_email)]))
    context = {"url": url, "username": user.get_username(), "hours": int(EMAIL_CHANGE_MAX_AGE.total_seconds() // 3600)}
    message = EmailMultiAlternatives(
        subject=one_line("Confirm your new email address for the Ceasefire Commitment Tracker"),
        body=render_to_string("tracker/email/email_change.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[new_email],
    )
    message.attach_alternative(render_to_string("tracker/email/email_change.html", context), "text/html")
    message.send()
    return True


@transaction.atomic
def email_change_confirm(*, token: str):
    """Change the account's address to the one the link was sent to; the user's alerts
    follow it, confirmed (opening the link proved the address is theirs). Works logged in
    or not: the signed link is the proof. Returns the user."""
    data = signed_link_data(
        token,
        salt=EMAIL_CHANGE_SALT,
        max_age=EMAIL_CHANGE_MAX_AGE,
        invalid="This link is not valid.",
        expired="This link has expired: ask for a new one on your profile.",
    )
    user = get_user_model().objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise ValidationError({"token": "This account no longer exists."})
    new_email, old_email = str(data.get("e", "")), str(data.get("o", ""))
    if user.email.lower() == new_email.lower():
        raise ValidationError({"token": f"This link was used already: the address is {new_email}."})
    if user.email != old_email:
        raise ValidationError({"token": "The address changed since this link was sent: ask for a new one."})
    if email_taken(user, new_email):
        raise ValidationError({"token": ADDRESS_TAKEN})
    user.email = new_email
    user.save(update_fields=["email"])
    _recipients_follow(user, old_email, new_email)
    return user


def _recipients_follow(user, old_email: str, new_email: str) -> None:
    """The user's alerts go to the new address, which counts as confirmed; a rejection by
    SMTP of some earlier owner of the address is forgotten."""
    now = timezone.now()
    new_email = new_email.lower()
    current = Recipient.objects.filter(user=user, email__iexact=old_email).first() if old_email else None
    target = Recipient.objects.select_for_update().filter(email__iexact=new_email).first()
    confirmed = {"confirmed_at": now, "bounced_at": None, "bounce_reason": ""}
    if target is None and current is not None:
        Recipient.objects.filter(pk=current.pk).update(email=new_email, **confirmed)
        return
    if target is None:
        Recipient.objects.create(email=new_email, user=user, **confirmed)
        return
    Recipient.objects.filter(pk=target.pk).update(user=user, **confirmed)
    if current is not None:
        Subscription.objects.filter(recipient=current).update(recipient=target)


def name_change(*, user, first_name: str, last_name: str) -> None:
    user.first_name, user.last_name = first_name, last_name
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["first_name", "last_name"])

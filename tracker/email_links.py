"""The signed links of the emails (confirm an address, unsubscribe): made here, read by
notifications (recipient_confirm, subscription_unsubscribe) and put in emails by emails.py.
Their own module so that emails and notifications need not import each other."""

from datetime import timedelta

from django.core import signing

CONFIRM_SALT = "tracker.recipient.confirm"
UNSUBSCRIBE_SALT = "tracker.subscription.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=14)


def confirmation_token(recipient) -> str:
    return signing.dumps({"r": recipient.pk, "e": recipient.email}, salt=CONFIRM_SALT)


def unsubscribe_token(subscription) -> str:
    return signing.dumps({"s": subscription.pk}, salt=UNSUBSCRIBE_SALT)

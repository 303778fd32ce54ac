"""Issuing and revoking a user's own calendar feed keys (the profile page). API tokens are
issued by superusers, in the admin or with `manage.py issue_token`."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .choices import TokenKind
from .models import ApiToken


def feed_key_issue(*, user) -> tuple[ApiToken, str]:
    """A calendar feed key for the user, and the feed's URL with it (shown once)."""
    token, key = ApiToken.issue(user=user, kind=TokenKind.FEED, name="Calendar link (profile page)")
    return token, f"{settings.SITE_URL}{reverse('api:deadlines-ics')}?token={key}"


def feed_keys(user):
    return ApiToken.objects.filter(user=user, kind=TokenKind.FEED, revoked_at__isnull=True).order_by("-created_at")


def feed_key_revoke(*, user, token_id: int) -> bool:
    """Revoke one of the user's own feed keys; False when there is no such key of theirs."""
    return bool(feed_keys(user).filter(pk=token_id).update(revoked_at=timezone.now()))

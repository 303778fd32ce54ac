"""Token authentication for scripts and dashboards: `Authorization: Token <key>` (or
`Bearer <key>`). The calendar feed alone also takes `?token=<feed key>`, since calendar
apps cannot send headers: a feed key, which can do nothing else, never an API token (URLs
end up in logs, browser histories and calendar settings)."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from ..choices import TokenKind
from ..models import ApiToken


def token_user(key: str, kind: str):
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key)).first()
    if token is None or not token.usable or not token.user.is_active:
        raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
    if token.kind != kind:
        raise exceptions.AuthenticationFailed(
            "A calendar feed key opens the calendar feed only, given in its URL (?token=)."
            if token.kind == TokenKind.FEED
            else "API tokens are not accepted in the URL: send this one in the Authorization header, "
            "and give calendar apps a feed key (`manage.py issue_token USERNAME --feed`)."
        )
    # At most one write a minute per token, not one per request.
    if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user, token


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """API tokens, in the Authorization header."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header: give the keyword and one token.")
        return token_user(header[1].decode(errors="replace"), TokenKind.API)

    def authenticate_header(self, request):
        return "Token"


class FeedKeyAuthentication(authentication.BaseAuthentication):
    """A calendar feed key in ?token=: only for the calendar feed. Logs redact it
    (config/logs.py)."""

    def authenticate(self, request):
        key = request.query_params.get("token")
        return token_user(key, TokenKind.FEED) if key else None

    def authenticate_header(self, request):
        return "Token"

"""Token authentication for scripts and dashboards: `Authorization: Token <key>` (or
`Bearer <key>`); the calendar feed alone also takes `?token=<key>`, since calendar apps
cannot send headers."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from ..models import ApiToken


def token_user(key: str):
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key)).first()
    if token is None or not token.usable or not token.user.is_active:
        raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
    # At most one write a minute per token, not one per request.
    if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user, token


class HashedTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header: give the keyword and one token.")
        return token_user(header[1].decode(errors="replace"))

    def authenticate_header(self, request):
        return "Token"


class QueryTokenAuthentication(HashedTokenAuthentication):
    """Also accepts ?token= in the URL: only for the calendar feed."""

    def authenticate(self, request):
        key = request.query_params.get("token")
        if key:
            return token_user(key)
        return super().authenticate(request)

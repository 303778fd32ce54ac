"""Token authentication for scripts and dashboards: `Authorization: Token <key>` (or
`Bearer <key>`). The calendar feed alone also takes `?token=<feed key>`, since calendar
apps cannot send headers: a feed key, which can do nothing else, never an API token (URLs
end up in logs, browser histories and calendar settings)."""

import functools

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils import timezone
from rest_framework import authentication, exceptions

from .. import roles
from ..choices import TokenKind
from ..models import ApiToken


def token_user(key: str, kind: str):
    token = token_with_user(ApiToken.hash(key))
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


def token_with_user(key_hash: str) -> ApiToken | None:
    """The token with this hash, its user, and the user's role groups (for role_of), in
    one statement. Every API request asks this: the ORM took a few milliseconds of CPU to
    build the two statements it needed (select_related, then the groups), several times
    the bare request's whole cost, so the statement is built once from the models' fields
    and the rows become instances as the ORM makes them (from_db, the backend's
    converters)."""
    connection = connections[router.db_for_read(ApiToken)]
    sql, token_fields, user_fields = _token_statement(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*roles.ROLE_GROUPS, key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    token = _instance(ApiToken, token_fields, row[: len(token_fields)], connection)
    user = _instance(get_user_model(), user_fields, row[len(token_fields) : -len(roles.ROLE_GROUPS)], connection)
    flags = row[-len(roles.ROLE_GROUPS) :]
    roles.role_groups_known(user, [g for g, member in zip(roles.ROLE_GROUPS, flags, strict=True) if member])
    token.user = user
    return token


@functools.cache
def _token_statement(alias: str) -> tuple[str, list, list]:
    user_model = get_user_model()
    name = connections[alias].ops.quote_name
    token_fields, user_fields = ApiToken._meta.concrete_fields, user_model._meta.concrete_fields
    membership = user_model._meta.get_field("groups").remote_field.through
    group_model = user_model._meta.get_field("groups").related_model
    member_of = (
        f"EXISTS (SELECT 1 FROM {name(membership._meta.db_table)} m "  # noqa: S608 (names from the models)
        f"JOIN {name(group_model._meta.db_table)} g ON g.{name(group_model._meta.pk.column)} = "
        f"m.{name(membership._meta.get_field('group').column)} "
        f"WHERE m.{name(membership._meta.get_field('user').column)} = u.{name(user_model._meta.pk.column)} "
        f"AND g.{name(group_model._meta.get_field('name').column)} = %s)"
    )
    columns = [f"t.{name(f.column)}" for f in token_fields] + [f"u.{name(f.column)}" for f in user_fields]
    columns += [member_of] * len(roles.ROLE_GROUPS)
    sql = (
        f"SELECT {', '.join(columns)} FROM {name(ApiToken._meta.db_table)} t "  # noqa: S608 (names from the models)
        f"JOIN {name(user_model._meta.db_table)} u "
        f"ON u.{name(user_model._meta.pk.column)} = t.{name(ApiToken._meta.get_field('user').column)} "
        f"WHERE t.{name(ApiToken._meta.get_field('key_hash').column)} = %s"
    )
    return sql, token_fields, user_fields


def _instance(model, fields, values, connection):
    """A model instance from a row of its columns, converted as the ORM converts them."""
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


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

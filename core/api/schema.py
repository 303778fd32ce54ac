"""How the OpenAPI schema describes the project's token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; issue one with `python manage.py issue_token USERNAME`.",
        }


class FeedKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.auth.FeedKeyAuthentication"
    name = "feedKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "token",
            "description": "A calendar feed key (not an API token), for calendar apps; opens deadlines.ics only. "
            "Issue one with `python manage.py issue_token USERNAME --feed`.",
        }

"""How the OpenAPI schema describes the project's token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.api.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; issue one with `python manage.py issue_token USERNAME`.",
        }


class QueryTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.api.auth.QueryTokenAuthentication"
    name = "queryToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "query", "name": "token", "description": "For calendar apps."}

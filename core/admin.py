from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from .choices import TokenKind
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens and calendar feed keys are issued here (by superusers) or with `manage.py
    issue_token`; the key is shown once, on the page that follows. Here they are listed
    and revoked. Only the key's hash is stored."""

    list_display = [
        "prefix",
        "user",
        "name",
        "kind",
        "read_only",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["kind", "read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = ["prefix", "user", "kind", "read_only", "created_at", "last_used_at", "revoked_at"]
    fields = ["prefix", "user", "name", "kind", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at"]
    add_fields = ["user", "name", "kind", "read_only", "expires_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return request.user.is_superuser  # a token acts as its user, whoever that is

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # as issue_token: an inactive user's token would not work
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.issued_key = obj.new_key()  # shown once, by response_add
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The new key, once: it is not stored, so it cannot be shown again."""
        feed_url = None
        if obj.kind == TokenKind.FEED:
            feed_url = f"{settings.SITE_URL}{reverse('api:deadlines-ics')}?token={obj.issued_key}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{obj.get_kind_display()} issued",
            "token": obj,
            "key": obj.issued_key,
            "feed_url": feed_url,
        }
        return TemplateResponse(request, "admin/core/apitoken/issued.html", context)

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)

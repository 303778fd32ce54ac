from django.contrib import admin, messages
from django.utils import timezone

from . import notifications
from .choices import OutboxStatus
from .models import Alert, OutboundEmail, Recipient, Subscription
from .services import alerts_acknowledge


class AcknowledgedFilter(admin.SimpleListFilter):
    title = "acknowledged"
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("yes", "Acknowledged"), ("no", "Not acknowledged")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(acknowledged_at__isnull=self.value() == "no")
        return queryset


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts are raised by the deadline engine; analysts read and acknowledge them."""

    list_display = [
        "kind",
        "obligation",
        "party",
        "due_at",
        "lead_time",
        "raised_at",
        "acknowledged_at",
        "resolved_at",
        "resolved_reason",
    ]
    list_filter = [
        "kind",
        ("party", admin.RelatedOnlyFieldListFilter),
        ("obligation__commitment__agreement", admin.RelatedOnlyFieldListFilter),
        AcknowledgedFilter,
        ("resolved_at", admin.EmptyFieldListFilter),
        "resolved_reason",
    ]
    search_fields = ["obligation__commitment__title", "party__code", "party__name"]
    list_select_related = ["obligation__commitment", "obligation__party", "party"]
    readonly_fields = [f.name for f in Alert._meta.fields]
    actions = ["acknowledge"]
    date_hierarchy = "raised_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Acknowledge selected alerts", permissions=["change"])
    def acknowledge(self, request, queryset):
        count = alerts_acknowledge(alerts=queryset, user=request.user)
        self.message_user(request, f"{count} alert(s) acknowledged.", messages.SUCCESS)


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "confirmed_at", "bounced_at", "bounce_reason"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), ("bounced_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "user__username"]
    readonly_fields = ["confirmed_at", "bounced_at", "bounce_reason", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """New subscriptions go through the service, which sends the confirmation email."""

    list_display = ["recipient", "agreement", "party", "category", "delivery", "created_at", "unsubscribed_at"]
    list_filter = ["delivery", ("unsubscribed_at", admin.EmptyFieldListFilter), "category"]
    search_fields = ["recipient__email"]
    list_select_related = ["recipient", "agreement", "party"]
    autocomplete_fields = ["recipient", "agreement", "party"]
    readonly_fields = ["created_by", "created_at", "unsubscribed_at", "last_digest_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        created = notifications.subscription_create(
            email=data["recipient"].email,
            created_by=request.user,
            agreement=data.get("agreement"),
            party=data.get("party"),
            category=data.get("category", ""),
            on_due_soon=data["on_due_soon"],
            on_overdue=data["on_overdue"],
            on_status_changed=data["on_status_changed"],
            on_incident_linked=data["on_incident_linked"],
            include_unverified=data["include_unverified"],
            delivery=data["delivery"],
            digest_hour=data["digest_hour"],
            timezone_name=data["timezone"],
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, and what failed after its last retry."""

    list_display = ["kind", "recipient", "subject", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient__email", "subject"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry selected failed messages", permissions=["change"])
    def retry(self, request, queryset):
        count = queryset.filter(status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)

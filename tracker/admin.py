from django.contrib import admin, messages

from .models import Alert
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

    list_display = ["kind", "obligation", "party", "due_at", "lead_time", "raised_at", "acknowledged_at"]
    list_filter = [
        "kind",
        ("party", admin.RelatedOnlyFieldListFilter),
        ("obligation__commitment__agreement", admin.RelatedOnlyFieldListFilter),
        AcknowledgedFilter,
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

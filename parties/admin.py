from django.contrib import admin

from core.admin_history import HistoryAdmin

from .models import Party


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    list_display = ["code", "name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["name"]

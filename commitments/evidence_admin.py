"""The analysts' admin of the evidence side (issue 14): incidents with their parties and
sources, their links (read here, decided through the services), the actor mapping, the
link rules, the reasons for non-fulfilment and the ACLED imports (read-only).

Incidents are written by commitments.incidents alone, as on the pages: the admin's form
and inlines are checked by Django, then handed to incident_create / incident_update; a
change of verification goes through incident_verify with the reason the form asks for,
and publication through incident_publish. Nothing is deleted but by an admin (the
analysts' role has no delete permission on these models, tracker/roles.py)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.html import format_html

from core.admin_history import ChangeReasonForm, HistoryAdmin

from . import incidents, services
from .choices import LinkState
from .forms import HTTPS_URLS, SourceFormSet
from .models import (
    AcledImport,
    ActorMapping,
    Incident,
    IncidentLink,
    IncidentParty,
    IncidentSource,
    LinkRule,
    NonFulfilmentReason,
)

# Incidents


class IncidentForm(ChangeReasonForm):
    """The fields an analyst edits (incidents.EDITABLE), publication, and verification
    (on a change only: an incident starts as reported)."""

    class Meta:
        model = Incident
        fields = [*incidents.EDITABLE, "verification", "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[
                "change_reason"
            ].help_text = (
                "Needed to change the verification: kept in the incident's history with your name and the time."
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and "verification" in self.changed_data:
            errors = incidents._reason_errors(cleaned.get("change_reason") or "", field="change_reason")
            for field, messages_ in errors.items():
                for message in messages_:
                    self.add_error(field, message)
        return cleaned


class IncidentPartyInline(admin.TabularInline):
    model = IncidentParty
    extra = 0
    autocomplete_fields = ["party"]
    verbose_name = "party (none alleged: responsibility unknown)"
    verbose_name_plural = "parties (none alleged: responsibility unknown)"


class IncidentSourceInline(admin.TabularInline):
    model = IncidentSource
    formfield_overrides = HTTPS_URLS
    formset = SourceFormSet  # at least one source
    fields = ["publisher", "title", "url", "published_on", "language"]
    extra = 1
    min_num = 1
    verbose_name = "source"


class LinkedListFilter(admin.SimpleListFilter):
    title = "linked to a commitment"
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("yes", "Linked"), ("no", "Not linked")]

    def queryset(self, request, queryset):
        linked = IncidentLink.objects.filter(state=LinkState.LINKED).values("incident_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=linked)
        if self.value() == "no":
            return queryset.exclude(pk__in=linked)
        return queryset


@admin.register(Incident)
class IncidentAdmin(HistoryAdmin):
    form = IncidentForm
    list_display = ["occurred_on", "location", "country", "event_type", "verification", "published", "acled_event_id"]
    list_filter = ["verification", "published", "event_type", "country", "confidence", LinkedListFilter]
    search_fields = [
        "location",
        "admin1",
        "admin2",
        "admin3",
        "acled_event_id",
        "actor1",
        "actor2",
        "assoc_actor_1",
        "assoc_actor_2",
    ]
    date_hierarchy = "occurred_on"
    inlines = [IncidentPartyInline, IncidentSourceInline]
    readonly_fields = [
        "acled_event_id",
        "acled_timestamp",
        "acled_source",
        "acled_source_scale",
        "last_import",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def get_fieldsets(self, request, obj=None):
        state = ["verification", "published"] if obj is not None else ["published"]
        fieldsets = [
            ("When", {"fields": ["occurred_on", "occurred_time", "timezone"]}),
            (
                "Where",
                {
                    "fields": [
                        "location",
                        "country",
                        "admin1",
                        "admin2",
                        "admin3",
                        "latitude",
                        "longitude",
                        "geo_precision",
                    ]
                },
            ),
            ("What", {"fields": ["event_type", "sub_event_type", "description"]}),
            ("Actors as reported", {"fields": ["actor1", "assoc_actor_1", "actor2", "assoc_actor_2"]}),
            ("Affected", {"fields": ["fatalities", "civilians_killed", "civilians_injured", "other_figures"]}),
            ("Assessment", {"fields": ["confidence", *state, "internal_note", "change_reason"]}),
        ]
        if obj is not None:
            fieldsets.append(("Record", {"fields": self.readonly_fields}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:  # an incident starts as reported: verification is set on a change
            kwargs["fields"] = [*incidents.EDITABLE, "published", "change_reason"]
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        """Written in save_related, with its parties and sources, by commitments.incidents."""

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        parties, sources = [], []
        for formset in formsets:
            kept = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            if formset.model is IncidentParty:
                parties = [(row["party"], row["role"]) for row in kept]
            else:
                sources = [services.SourceInput.from_fields(row) for row in kept]
        user, reason = request.user, data.get("change_reason") or ""
        if not change:
            incident = incidents.incident_create(
                fields={name: data[name] for name in incidents.EDITABLE},
                parties=parties,
                sources=sources,
                published=data["published"],
                user=user,
            )
            form.instance.pk = incident.pk
            form.instance._state.adding = False
        else:
            incident = form.instance
            changes = {name: data[name] for name in incidents.EDITABLE if name in form.changed_data}
            incidents.incident_update(
                incident=incident, changes=changes, parties=parties, sources=sources, user=user, reason=reason
            )
            if "verification" in form.changed_data:
                incidents.incident_verify(
                    incident=incident, verification=data["verification"], reason=reason, user=user
                )
            if "published" in form.changed_data:
                incidents.incident_publish(incident=incident, published=data["published"], user=user)
        # The admin's change message lists what each formset saved; here the service saved it.
        saved = {IncidentParty: list(incident.party_roles.all()), IncidentSource: list(incident.sources.all())}
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = saved[formset.model], [], []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form and inlines check what the models say; a refusal only the service knows
        # (a concurrent change) rolls the whole save back (the admin's transaction wraps
        # it) and is shown at the top of the page, never as a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    self.message_user(request, f"Not saved: {field}: {error}", messages.ERROR)
            return redirect(request.get_full_path())


# Links


@admin.register(IncidentLink)
class IncidentLinkAdmin(HistoryAdmin):
    """Read here; a link is made, rejected or removed through commitments.incidents (the
    actions below, and the incident pages), so that its alerts and history follow."""

    list_display = ["incident", "obligation", "state", "rule", "decided_by", "decided_at", "created_at"]
    list_filter = [
        "state",
        "incident__verification",
        "incident__published",
        ("obligation__party", admin.RelatedOnlyFieldListFilter),
        ("obligation__commitment__agreement", admin.RelatedOnlyFieldListFilter),
        ("rule", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["incident__location", "incident__acled_event_id", "obligation__commitment__title", "note"]
    list_select_related = ["incident", "obligation__commitment", "obligation__party", "rule", "decided_by"]
    readonly_fields = ["incident", "obligation", "state", "rule", "note", "decided_by", "decided_at", "created_at"]
    fields = readonly_fields
    actions = ["link", "reject", "remove"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The change page shows the link read-only; the actions need the permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, state: str):
        done, refused = 0, []
        for link in queryset.select_related("incident", "obligation"):
            try:
                incidents.incident_link_decide(link=link, state=state, user=request.user)
                done += 1
            except ValidationError as exc:
                refused.append(f"{link.pk}: {'; '.join(exc.messages)}")
        if done:
            self.message_user(request, f"{done} link(s) now {LinkState(state).label.lower()}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, f"Not changed: link {message}", messages.WARNING)

    @admin.action(description="Link (a proposal becomes a link; alerts follow)", permissions=["change"])
    def link(self, request, queryset):
        self._decide(request, queryset, LinkState.LINKED)

    @admin.action(description="Reject the proposals", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, LinkState.REJECTED)

    @admin.action(description="Remove the links (kept, with who and when)", permissions=["change"])
    def remove(self, request, queryset):
        self._decide(request, queryset, LinkState.REMOVED)


# The importer's lists and the reasons


@admin.register(ActorMapping)
class ActorMappingAdmin(HistoryAdmin):
    list_display = ["actor_name", "party", "note", "updated_at"]
    list_filter = [("party", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor_name", "party__code", "party__name", "note"]
    list_select_related = ["party"]
    autocomplete_fields = ["party"]
    fields = ["actor_name", "party", "note", "change_reason"]


@admin.register(LinkRule)
class LinkRuleAdmin(HistoryAdmin):
    list_display = ["name", "event_type", "sub_event_type", "category", "window_days", "active"]
    list_filter = ["active", "event_type", "category"]
    search_fields = ["name"]
    fields = ["name", "event_type", "sub_event_type", "category", "window_days", "active", "change_reason"]


class ReasonForm(ChangeReasonForm):
    class Meta:
        model = NonFulfilmentReason
        fields = ["code", "label", "description", "position", "active"]


@admin.register(NonFulfilmentReason)
class NonFulfilmentReasonAdmin(HistoryAdmin):
    """The list analysts maintain. A code is fixed once made (the API and CSV give it);
    a reason no longer offered is made inactive, and stays on past updates."""

    form = ReasonForm
    list_display = ["position", "label", "code", "active", "used"]
    list_display_links = ["label"]
    list_filter = ["active"]
    search_fields = ["code", "label", "description"]
    ordering = ["position", "label"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Deleting a reason would take it off the past updates that gave it: make it
        # inactive instead. Even an admin deletes only one never used.
        if obj is not None and obj.status_updates.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        return ["code", "label", "description", "position", "active", "change_reason"]

    @admin.display(description="status updates")
    def used(self, obj):
        return obj.status_updates.count()


@admin.register(AcledImport)
class AcledImportAdmin(admin.ModelAdmin):
    """What each import did, read-only: imports run from the command or the upload page."""

    list_display = ["started_at", "file_name", "state", "rows", "created", "updated", "unchanged", "retracted"]
    list_filter = ["state"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in AcledImport._meta.fields if f.name != "id"] + ["unmapped"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="unmapped actors (rows)")
    def unmapped(self, obj):
        rows = sorted((obj.unmapped_actors or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        return format_html("<br>".join(["{} ({})"] * len(rows)), *[v for row in rows for v in row]) if rows else "—"

"""The analysts' admin. Writes with rules (creating a commitment, revising a deadline,
binding a party, recording a status update) go through commitments.services."""

from django.contrib import admin
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin_history import HistoryAdmin

from . import rules, services
from .forms import HTTPS_URLS, CommitmentForm, SourceFormSet, StatusUpdateForm
from .models import (
    Agreement,
    AgreementParticipant,
    AgreementRelation,
    AgreementSource,
    Commitment,
    Deadline,
    Obligation,
    StatusUpdate,
    StatusUpdateSource,
)
from .selectors import commitment_status_updates


def local_due(deadline: Deadline | None, agreement: Agreement) -> str:
    """A due moment as analysts read it: the due day in the agreement's zone, then UTC."""
    if deadline is None:
        return "—"
    if deadline.due_at is None:
        return f"{deadline.describe()} (no due moment yet)"
    return rules.format_due(deadline.due_at, agreement.tzinfo)


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        lookup = "overdue" if queryset.model is Obligation else "obligations__overdue"
        if self.value() == "yes":
            return queryset.filter(**{lookup: True}).distinct()
        if self.value() == "no":
            return queryset.exclude(**{lookup: True})
        return queryset


# Agreements


class ParticipantInline(admin.TabularInline):
    model = AgreementParticipant
    extra = 0
    autocomplete_fields = ["party"]


class SourceInline(admin.TabularInline):
    model = AgreementSource
    formfield_overrides = HTTPS_URLS
    extra = 0
    fields = ["publisher", "title", "url", "published_on"]


class RelationInline(admin.TabularInline):
    model = AgreementRelation
    fk_name = "agreement"
    extra = 0
    verbose_name = "relation to an earlier agreement"


class CommitmentInline(admin.TabularInline):
    """Commitments are shown here and created on their own page, where the deadline and
    bound parties are set through the service."""

    model = Commitment
    extra = 0
    fields = ["reference", "title", "category", "nature", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    list_display = ["title", "kind", "signed_on", "venue", "timezone", "published", "commitment_count"]
    list_filter = ["kind", "published", ("parties", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "venue", "summary"]
    date_hierarchy = "signed_on"
    inlines = [ParticipantInline, SourceInline, RelationInline, CommitmentInline]
    fields = [
        "title",
        "kind",
        "signed_on",
        "venue",
        "timezone",
        "summary",
        "published",
        "change_reason",
        "add_commitment",
    ]
    readonly_fields = ["add_commitment"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commitment_count=Count("commitments", distinct=True))

    @admin.display(description="commitments", ordering="commitment_count")
    def commitment_count(self, obj):
        return obj.commitment_count

    @admin.display(description="")
    def add_commitment(self, obj):
        if not obj.pk:
            return "Save the agreement, then add its commitments."
        url = reverse("admin:commitments_commitment_add") + f"?agreement={obj.pk}"
        return format_html('<a class="addlink" href="{}">Add a commitment to this agreement</a>', url)


# Commitments


class ObligationInline(admin.TabularInline):
    model = Obligation
    extra = 0
    fields = ["party", "status", "status_effective_on", "overdue", "overdue_since"]
    readonly_fields = ["status", "status_effective_on", "overdue", "overdue_since"]
    autocomplete_fields = ["party"]
    show_change_link = True
    can_delete = False
    verbose_name = "bound party"
    verbose_name_plural = "bound parties (obligations)"


class DeadlineInline(admin.TabularInline):
    """Every revision of the deadline, oldest first: the original is never lost."""

    model = Deadline
    fk_name = "commitment"
    extra = 0
    fields = ["revision", "describe", "due", "reason", "source", "recorded_by", "recorded_at"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "deadline revisions"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="due moment")
    def due(self, obj):
        return local_due(obj, obj.commitment.agreement)

    @admin.display(description="source")
    def source(self, obj):
        return ", ".join(filter(None, [obj.source_publisher, obj.source_url, str(obj.source_published_on or "")]))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment__agreement", "after_commitment", "recorded_by")


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    form = CommitmentForm
    list_display = ["reference", "title", "agreement", "category", "nature", "status", "due_date", "is_overdue"]
    list_filter = [
        "status",
        "category",
        "nature",
        ("agreement", admin.RelatedOnlyFieldListFilter),
        ("obligations__party", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    ]
    search_fields = ["title", "text", "reference", "agreement__title"]
    list_select_related = ["agreement", "current_deadline"]
    autocomplete_fields = ["agreement"]
    filter_horizontal = ["recipients"]
    readonly_fields = ["status", "fulfilled_on", "due", "status_history"]

    def get_fieldsets(self, request, obj=None):
        main = ["agreement", "reference", "title", "text", "category", "nature", "condition", "recipients"]
        if obj is None:
            main.append("parties")
        deadline_help = (
            "A date, or a number of days after the agreement's date or another commitment's fulfilment."
            if obj is None
            else "Changing it appends a revision; give the reason and the source."
        )
        deadline = ["due_on", "within_days", "after_commitment"]
        if obj is not None:
            deadline = ["due", *deadline, "reason", "source_url", "source_publisher", "source_published_on"]
        fieldsets = [
            (None, {"fields": main}),
            ("Deadline", {"fields": deadline, "description": deadline_help}),
        ]
        if obj is not None:
            fieldsets.insert(1, ("Status", {"fields": ["status", "fulfilled_on", "status_history"]}))
        fieldsets.append(("History", {"fields": ["change_reason"]}))
        return fieldsets

    def get_inlines(self, request, obj):
        return [ObligationInline, DeadlineInline] if obj is not None else []

    @admin.display(description="due", ordering="current_deadline__due_at")
    def due_date(self, obj):
        return obj.due_date or "—"

    @admin.display(description="overdue", boolean=True)
    def is_overdue(self, obj):
        return any(o.overdue for o in obj.obligations.all())

    @admin.display(description="current deadline")
    def due(self, obj):
        return local_due(obj.current_deadline, obj.agreement)

    @admin.display(description="status updates (newest first)")
    def status_history(self, obj):
        updates = commitment_status_updates(obj)
        add_url = reverse("admin:commitments_statusupdate_add")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    u.effective_on,
                    u.obligation.party.code,
                    u.get_status_display(),
                    u.summary,
                    "; ".join([r.label for r in u.reasons.all()] + [f"incident {i.pk}" for i in u.incidents.all()]),
                    u.get_confidence_display(),
                    "; ".join(str(s) for s in u.sources.all()),
                    u.internal_note,
                    f"{u.recorded_by} at {u.recorded_at:%Y-%m-%d %H:%M} UTC",
                )
                for u in updates
            ),
        )
        return format_html(
            "<table><thead><tr><th>effective</th><th>party</th><th>status</th><th>summary</th>"
            "<th>reasons, evidence</th><th>confidence</th><th>sources</th><th>internal note</th><th>recorded</th>"
            "</tr></thead>"
            '<tbody>{}</tbody></table><p><a class="addlink" href="{}">Record a status update</a></p>',
            rows or mark_safe('<tr><td colspan="9">No update recorded yet.</td></tr>'),
            add_url,
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("obligations", queryset=Obligation.objects.only("id", "commitment_id", "overdue"))
            )
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.commitment_create(
                **{name: data[name] for name in services.COMMITMENT_INPUT_FIELDS},
                deadline=form.deadline_input(),
                user=request.user,
            )
            # The admin goes on with ``obj`` (logging, redirect): make it the saved row.
            obj.pk, obj.current_deadline = created.pk, created.current_deadline
            obj._state.adding = False
            return
        # The form has set the changed fields on ``obj``; a new deadline is set in the same
        # operation, so that the commitment can become one-off together with its deadline.
        services.commitment_update(
            commitment=obj,
            user=request.user,
            reason=data.get("change_reason", ""),
            deadline=form.new_deadline(),
            deadline_reason=data.get("reason") or "",
            source=form.deadline_source(),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Obligation:
            return super().save_formset(request, form, formset, change)
        for obligation in formset.save(commit=False):
            if obligation.pk is None:
                services.obligation_add(commitment=form.instance, party=obligation.party, user=request.user)


# Obligations


class StatusUpdateInline(admin.TabularInline):
    model = StatusUpdate
    extra = 0
    fields = ["effective_on", "status", "summary", "confidence", "internal_note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Obligation)
class ObligationAdmin(HistoryAdmin):
    list_display = ["commitment", "party", "status", "status_effective_on", "due_date", "overdue", "overdue_since"]
    list_filter = [
        "status",
        "overdue",
        ("party", admin.RelatedOnlyFieldListFilter),
        ("commitment__agreement", admin.RelatedOnlyFieldListFilter),
        "commitment__category",
    ]
    search_fields = ["commitment__title", "commitment__text", "commitment__reference", "party__code", "party__name"]
    list_select_related = ["commitment__agreement", "commitment__current_deadline", "party"]
    readonly_fields = ["commitment", "party", "status", "status_effective_on", "overdue", "overdue_since", "record"]
    fields = readonly_fields
    inlines = [StatusUpdateInline]

    def has_add_permission(self, request):
        return False  # a party is bound on the commitment's page

    @admin.display(description="due", ordering="commitment__current_deadline__due_at")
    def due_date(self, obj):
        return obj.commitment.due_date or "—"

    @admin.display(description="")
    def record(self, obj):
        url = reverse("admin:commitments_statusupdate_add") + f"?obligation={obj.pk}"
        return format_html('<a class="addlink" href="{}">Record a status update</a>', url)


# Status updates


class StatusUpdateSourceInline(admin.TabularInline):
    model = StatusUpdateSource
    formfield_overrides = HTTPS_URLS
    formset = SourceFormSet
    fields = ["publisher", "title", "url", "published_on"]
    extra = 1
    min_num = 1
    verbose_name = "source"


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    """Append-only: updates are added and viewed, never changed or deleted."""

    form = StatusUpdateForm
    list_display = ["obligation", "status", "effective_on", "confidence", "recorded_by", "recorded_at"]
    list_filter = [
        "status",
        "confidence",
        ("obligation__party", admin.RelatedOnlyFieldListFilter),
        ("obligation__commitment__agreement", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["summary", "obligation__commitment__title", "obligation__party__code"]
    list_select_related = ["obligation__commitment", "obligation__party", "recorded_by"]
    autocomplete_fields = ["obligation", "incidents"]
    inlines = [StatusUpdateSourceInline]
    date_hierarchy = "effective_on"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Written in save_related, together with its sources, by the service."""

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        sources = [
            services.SourceInput.from_fields(f.cleaned_data)
            for formset in formsets
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        obligation = data["obligation"]
        (update,) = services.status_update_record(
            commitment=obligation.commitment,
            party=obligation.party,
            status=data["status"],
            effective_on=data["effective_on"],
            summary=data["summary"],
            sources=sources,
            confidence=data["confidence"],
            internal_note=data["internal_note"],
            reasons=list(data.get("reasons") or []),
            incidents=list(data.get("incidents") or []),
            user=request.user,
        )
        form.instance.pk, form.instance.recorded_at = update.pk, update.recorded_at
        form.instance.recorded_by = request.user
        form.instance._state.adding = False
        # The admin's change message lists what each formset saved; here the service saved it.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = list(update.sources.all()), [], []


# The evidence side (issue 14) registers its own admins.
from . import evidence_admin  # noqa: E402, F401

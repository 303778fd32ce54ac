"""Roles. Analysts write the domain; nobody but an admin deletes anything, so history
and evidence are never lost. After every ``migrate`` a post_migrate hook
(core/apps.py) creates the groups and keeps the analysts' in step with ANALYST_PERMISSIONS:
a new model needs only its line below, no data migration."""

from django.db.models import Q

ANALYSTS = "analysts"
# Partner organisations read published data through the API; no admin permission at all.
PARTNERS = "partners"

ADMIN, ANALYST, PARTNER = "admin", "analyst", "partner"
# The groups that make a role: role_of reads no other.
ROLE_GROUPS = (ANALYSTS, PARTNERS)


def role_of(user) -> str | None:
    """The user's role for the API and pages: admin, analyst, partner, or None."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    if not hasattr(user, "_tracker_groups"):
        # .all() rather than a query of its own: the outbox prefetches a batch's groups;
        # token authentication reads the ROLE_GROUPS with the token (role_groups_known).
        user._tracker_groups = {group.name for group in user.groups.all()}
    if ANALYSTS in user._tracker_groups:
        return ANALYST
    if PARTNERS in user._tracker_groups:
        return PARTNER
    return None


def role_groups_known(user, groups) -> None:
    """Tell role_of which of ROLE_GROUPS ``user`` is in (``groups``), read elsewhere."""
    user._tracker_groups = set(groups) & set(ROLE_GROUPS)


# (app_label, codename). Deadlines and status updates are append-only: add and view.
ANALYST_PERMISSIONS = frozenset(
    {
        ("parties", "add_party"),
        ("parties", "change_party"),
        ("parties", "view_party"),
        ("commitments", "add_agreement"),
        ("commitments", "change_agreement"),
        ("commitments", "view_agreement"),
        # Participants, sources and relations are the agreement's own rows, edited inline
        # (their changes are kept in the history).
        ("commitments", "add_agreementparticipant"),
        ("commitments", "change_agreementparticipant"),
        ("commitments", "delete_agreementparticipant"),
        ("commitments", "view_agreementparticipant"),
        ("commitments", "add_agreementsource"),
        ("commitments", "change_agreementsource"),
        ("commitments", "delete_agreementsource"),
        ("commitments", "view_agreementsource"),
        ("commitments", "add_agreementrelation"),
        ("commitments", "change_agreementrelation"),
        ("commitments", "delete_agreementrelation"),
        ("commitments", "view_agreementrelation"),
        ("commitments", "add_commitment"),
        ("commitments", "change_commitment"),
        ("commitments", "view_commitment"),
        ("commitments", "add_obligation"),
        ("commitments", "change_obligation"),
        ("commitments", "view_obligation"),
        ("commitments", "add_deadline"),
        ("commitments", "view_deadline"),
        ("commitments", "add_statusupdate"),
        ("commitments", "view_statusupdate"),
        ("commitments", "add_statusupdatesource"),
        ("commitments", "view_statusupdatesource"),
        # Evidence: incidents and their parts, links, the importer's mapping and rules, and
        # the list of reasons for non-fulfilment. Parties and sources of an incident are its
        # own rows, edited inline; links are never deleted (their state says removed).
        ("commitments", "add_incident"),
        ("commitments", "change_incident"),
        ("commitments", "view_incident"),
        ("commitments", "add_incidentparty"),
        ("commitments", "change_incidentparty"),
        ("commitments", "delete_incidentparty"),
        ("commitments", "view_incidentparty"),
        ("commitments", "add_incidentsource"),
        ("commitments", "change_incidentsource"),
        ("commitments", "delete_incidentsource"),
        ("commitments", "view_incidentsource"),
        ("commitments", "add_incidentlink"),
        ("commitments", "change_incidentlink"),
        ("commitments", "view_incidentlink"),
        ("commitments", "add_linkrule"),
        ("commitments", "change_linkrule"),
        ("commitments", "view_linkrule"),
        ("commitments", "add_actormapping"),
        ("commitments", "change_actormapping"),
        ("commitments", "view_actormapping"),
        ("commitments", "add_acledimport"),
        ("commitments", "view_acledimport"),
        ("commitments", "add_nonfulfilmentreason"),
        ("commitments", "change_nonfulfilmentreason"),
        ("commitments", "view_nonfulfilmentreason"),
        # Alerts are raised by the deadline engine; analysts read and acknowledge them.
        ("tracker", "view_alert"),
        ("tracker", "change_alert"),
        # Analysts subscribe partners' focal points and watch the outbox.
        ("tracker", "add_recipient"),
        ("tracker", "view_recipient"),
        ("tracker", "add_subscription"),
        ("tracker", "change_subscription"),
        ("tracker", "view_subscription"),
        ("tracker", "view_outboundemail"),
    }
)


def sync_analysts_group(apps, using: str = "default") -> None:
    """Create the analysts and partners groups (if missing) and give the analysts exactly
    ANALYST_PERMISSIONS. ``apps``: the migrations' state after ``migrate``.

    Django creates each app's permissions in its own post_migrate handler, app by app;
    create them all now (it is idempotent) so that the group is complete whichever app's
    signal runs first."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # The migrations' state has no models module, which create_permissions requires.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group_model.objects.using(using).get_or_create(name=PARTNERS)
    group, _ = group_model.objects.using(using).get_or_create(name=ANALYSTS)
    labels = {app for app, _ in ANALYST_PERMISSIONS}
    wanted = [
        p
        for p in permission_model.objects.using(using)
        .filter(content_type__app_label__in=labels)
        .select_related("content_type")
        if (p.content_type.app_label, p.codename) in ANALYST_PERMISSIONS
    ]
    group.permissions.set(wanted)


def reads_drafts(user) -> bool:
    """Analysts and admins read drafts (unpublished agreements and incidents) and what only
    analysts see; partners, users with no role and addresses with no login (``user``
    None) do not. The one test of it: visibility (core.visibility), the API's analyst
    representations (core.api.viewsets) and the rules below."""
    return role_of(user) in (ADMIN, ANALYST)


def readable_agreements(user, agreement_path: str = "") -> Q:
    """The agreements ``user`` may read (pages, API, exports, email, the /alerts/ form):
    analysts and admins read drafts; partners, users with no role and addresses with no login (``user`` None)
    read published agreements only. ``agreement_path`` leads from the queryset's model to
    its agreement ("" for agreements, "agreement__" for commitments...). The one place of
    the rule: Model.objects.visible_to(user) (core.visibility) applies it on the pages,
    in the API, exports, feeds and email. (Pages and the API turn away a user with no
    role before they read anything, so for them it is the partners' rule in effect.)"""
    if reads_drafts(user):
        return Q()
    return Q(**{f"{agreement_path}published": True})


def readable_incidents(user, incident_path: str = "") -> Q:
    """Incidents ``user`` may read, on pages, in the API, exports and email: analysts and
    admins read drafts; everyone else published incidents only. ``incident_path`` leads
    from the queryset's model to its incident ("incident__" for links, "" for incidents)."""
    if reads_drafts(user):
        return Q()
    return Q(**{f"{incident_path}published": True})

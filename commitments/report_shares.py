"""Share links of compliance reports (ReportShare): created by an analyst for a published
agreement or for a party, opened without a login, expiring, revocable. The writes and the
one check of whether a link still opens."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from .models import ReportShare


def share_create(*, user, agreement=None, party=None) -> tuple[ReportShare, str]:
    """A new link to the report of ``agreement`` or ``party``; returns it and its key,
    which is not stored (the URL is shown once). A draft is never shared."""
    if agreement is not None and not agreement.published:
        raise ValidationError({"share": "A draft cannot be shared: publish the agreement first."})
    share, key = ReportShare.new(user=user, agreement=agreement, party=party)
    share.full_clean()
    share.save()
    return share, key


def share_revoke(*, share: ReportShare) -> None:
    """The link stops opening at once; revoking twice keeps the first time."""
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])


def share_open(key: str) -> ReportShare | None:
    """The share behind ``key`` if its link opens now: known, neither expired nor revoked,
    and its agreement still published (unpublished since: closed); else None."""
    share = ReportShare.objects.select_related("agreement", "party").filter(key_hash=ReportShare.hash(key)).first()
    if share is None or not share.usable:
        return None
    if share.agreement is not None and not share.agreement.published:
        return None
    return share


def active_shares(*, agreement=None, party=None) -> QuerySet[ReportShare]:
    """The links of this report that still open (for the analysts' list, to revoke)."""
    shares = ReportShare.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    if agreement is not None:
        return shares.filter(agreement=agreement)
    return shares.filter(party=party)

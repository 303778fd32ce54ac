"""The compliance report pages: an agreement's (/agreements/<id>/report/), a party's
(/parties/<code>/report/), designed to be printed (the @media print block of tracker.css),
and their share links: an analyst creates one (POST) and sends /reports/shared/<key>/,
which shows the report without a login while it is valid (commitments/report_shares.py).
The data comes from commitments/report.py alone."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .as_of import AS_OF, parse_as_of
from .list_pages import can_write
from .models import Agreement, ReportShare
from .models.share import SHARE_DAYS
from .party_pages import _party
from .report import agreement_report, party_report
from .report_shares import active_shares, share_create, share_open, share_revoke
from .views import page_role

# The new link's key, kept in the (server-side) session from the POST that made it to the
# page it is shown on, once: it is stored nowhere else.
NEW_SHARE = "report_share_new"


def _analyst(request) -> None:
    if not can_write(page_role(request)):
        raise PermissionDenied("Partners read; analysts share.")


def _as_of(request) -> tuple[object, str]:
    """The day asked for (?as_of=YYYY-MM-DD; None: today) and the error at the field, if
    any: then the report is today's, and the page a 400 with the error."""
    try:
        return parse_as_of(request.GET.get(AS_OF)), ""
    except ValidationError as exc:
        return None, exc.message_dict[AS_OF][0]


def _render(request, report, *, can_share: bool, share_error: str = "", as_of_error: str = "", status: int = 200):
    subject = {"agreement": report.agreement} if report.agreement else {"party": report.party}
    new_share = request.session.pop(NEW_SHARE, None) if can_share else None
    context = {
        "report": report,
        "shared": False,
        # The footer's source: this report, as of the day shown.
        "report_url": request.build_absolute_uri(request.path)
        + (f"?{AS_OF}={report.as_of.isoformat()}" if report.as_of else ""),
        "as_of_value": request.GET.get(AS_OF, "")[:40],
        "as_of_error": as_of_error,
        "can_share": can_share,
        "shareable": report.agreement is None or report.agreement.published,
        "shares": active_shares(**subject) if can_share else [],
        "new_share": new_share,
        "share_error": share_error,
        "share_days": SHARE_DAYS,
    }
    return render(request, "commitments/report.html", context, status=status)


def _agreement(request, pk: int) -> Agreement:
    # Partners: a draft is a 404, as on the agreement's page.
    return get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def agreement_report_page(request, pk: int):
    role = page_role(request)
    agreement = _agreement(request, pk)
    day, error = _as_of(request)
    report = agreement_report(agreement, as_of=day)
    return _render(request, report, can_share=can_write(role), as_of_error=error, status=400 if error else 200)


@login_required
@require_GET
def party_report_page(request, code: str):
    role = page_role(request)
    party, renamed = _party(code)
    if renamed:
        return redirect("parties:report", code=party.code)
    day, error = _as_of(request)
    report = party_report(party, include_drafts=can_write(role), as_of=day)
    return _render(request, report, can_share=can_write(role), as_of_error=error, status=400 if error else 200)


def _share(request, report, url: str, **subject):
    try:
        share, key = share_create(user=request.user, **subject)
    except ValidationError as exc:
        return _render(request, report, can_share=True, share_error=exc.message_dict["share"][0], status=400)
    link = request.build_absolute_uri(reverse("reports:shared", args=[key]))
    request.session[NEW_SHARE] = {"url": link, "expires_at": share.expires_at.isoformat()}
    return redirect(f"{url}#share")


@login_required
@require_POST
def agreement_share(request, pk: int):
    _analyst(request)
    agreement = _agreement(request, pk)
    url = reverse("agreements:report", args=[agreement.pk])
    return _share(request, agreement_report(agreement), url, agreement=agreement)


@login_required
@require_POST
def party_share(request, code: str):
    _analyst(request)
    party, _ = _party(code)
    url = reverse("parties:report", args=[party.code])
    return _share(request, party_report(party, include_drafts=True), url, party=party)


@login_required
@require_POST
def share_revoke_page(request, pk: int):
    _analyst(request)
    share = get_object_or_404(ReportShare.objects.select_related("party"), pk=pk)
    share_revoke(share=share)
    if share.agreement_id:
        url = reverse("agreements:report", args=[share.agreement_id])
    else:
        url = reverse("parties:report", args=[share.party.code])
    return redirect(f"{url}#share")


def _private(response):
    """A shared report is for its recipient: not indexed, its URL (the key) not passed on
    in a Referer, not kept in shared caches (a revoked link stops at once)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def shared_report(request, key: str):
    """No login: the key is the permission. Only what a partner may read: a published
    agreement's report, or a party's over published agreements."""
    share = share_open(key)
    if share is None:
        return _private(render(request, "commitments/report_shared_gone.html", status=404))
    if share.agreement is not None:
        report = agreement_report(share.agreement)
    else:
        report = party_report(share.party, include_drafts=False)
    context = {
        "report": report,
        "shared": True,
        "share": share,
        "report_url": request.build_absolute_uri(request.path),
    }
    return _private(render(request, "commitments/report_shared.html", context))

"""The alerts inbox (/alerts/inbox/) and acknowledging alerts from it and from the dashboard.

Everyone with a role reads the alerts of what they may read (partners: published
agreements, and never who acknowledged); only analysts and admins acknowledge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from commitments.form_once import once
from commitments.list_pages import Paged, paginate
from commitments.models import Agreement
from commitments.views import page_role
from core import roles

from . import services
from .alert_selectors import for_rows, mine_q, unacknowledged, visible_alerts
from .inbox_forms import AcknowledgeForm, InboxFilterForm

PER_PAGE = 50
DASHBOARD_ROWS = 20  # the newest; the inbox has them all


def can_acknowledge(role: str) -> bool:
    return role in (roles.ANALYST, roles.ADMIN)


def acknowledge_context(request, role: str) -> dict:
    """What the alert table needs to offer acknowledgement (nothing for partners)."""
    if not can_acknowledge(role):
        return {"ack_form": None, "show_names": False}
    return {"ack_form": AcknowledgeForm(alerts=visible_alerts(request)), "show_names": True}


def dashboard_alerts(request, role: str) -> dict:
    """The dashboard's "Unacknowledged alerts" section: the newest, their count, and the form."""
    waiting = unacknowledged(request)
    rows = list(for_rows(waiting)[:DASHBOARD_ROWS])
    return {
        "alerts": rows,
        "alerts_count": waiting.count(),
        "actionable": bool(rows),
        **acknowledge_context(request, role),
    }


@login_required
@require_GET
def inbox(request):
    role = page_role(request)
    agreements = Agreement.objects.visible_to(request.user)
    form = InboxFilterForm(request.GET, agreements=agreements)
    context = {"filter": form, "paged": Paged(None), **acknowledge_context(request, role)}
    if not form.is_valid():  # the errors are shown at their fields
        return render(request, "tracker/inbox.html", context, status=400)
    view, q = form.filters()
    alerts = visible_alerts(request).filter(q)
    if view == "mine":
        alerts = alerts.filter(mine_q(request.user))
    paged = paginate(request, for_rows(alerts), PER_PAGE)
    rows = list(paged.page.object_list) if paged.page else []
    actionable = any(alert.acknowledgeable for alert in rows)
    context.update(paged=paged, rows=rows, actionable=actionable, view=view, caption=_caption(paged))
    return render(request, "tracker/inbox.html", context, status=paged.status)


def _caption(paged: Paged) -> str:
    if paged.page is None:
        return ""
    count, pages = paged.page.paginator.count, paged.page.paginator.num_pages
    caption = f"{count} alert{'' if count == 1 else 's'}"
    return caption + (f", page {paged.page.number} of {pages}" if pages > 1 else "")


def _back(request) -> str:
    """Where the form came from (a page of this site), else the inbox."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("tracker:alerts")


def _acknowledged_message(done: int, chosen: int) -> str:
    message = f"{done} alert{'' if done == 1 else 's'} acknowledged."
    if done < chosen:
        before = chosen - done
        message += f" {before} {'was' if before == 1 else 'were'} acknowledged already."
    return message


@login_required
@require_POST
def acknowledge(request):
    role = page_role(request)
    if not can_acknowledge(role):
        raise PermissionDenied("Partners read alerts; analysts acknowledge them.")
    alerts = visible_alerts(request)
    form = AcknowledgeForm(request.POST, alerts=alerts)
    if form.is_valid():
        chosen = form.chosen()

        def write() -> dict:
            done = services.alerts_acknowledge(alerts=alerts.filter(pk__in=chosen), user=request.user)
            return {"message": _acknowledged_message(done, len(chosen))}

        written = once(request, form, write)
        if written:
            if isinstance(written, dict) and "message" in written:
                messages.success(request, written["message"])
            return redirect(_back(request))
    # Posted by hand or from a stale page: say what was wrong, nothing written.
    return render(request, "tracker/acknowledge_refused.html", {"form": form, "back": _back(request)}, status=400)

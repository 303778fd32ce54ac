"""/alerts/focal-points/: analysts subscribe a partner's focal point (an address with no
login) from a page; the confirmation email goes out by the worker, with no admin step.
Such an address only ever hears about published agreements (Recipient.readable_alerts)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from commitments.form_errors import add_service_errors
from commitments.views import page_role
from core import roles

from . import email_links, notifications, watch
from .account_forms import FocalPointForm
from .models import Subscription


def _rows() -> list[dict]:
    subscriptions = (
        Subscription.objects.filter(recipient__user__isnull=True)
        .select_related("recipient", "agreement", "commitment", "party", "created_by")
        .order_by("recipient__email", "-created_at")
    )
    return [
        {
            "subscription": s,
            "scope": watch.subscription_scope(s),
            "kinds": watch.kinds_label(s),
            "state": focal_point_state(s),
            "token": email_links.unsubscribe_token(s),
        }
        for s in subscriptions
    ]


def focal_point_state(subscription: Subscription) -> str:
    recipient = subscription.recipient
    if not subscription.active:
        return "ended"
    if recipient.bounced_at:
        return "bounced"
    return "confirmed" if recipient.confirmed_at else "pending"


@login_required
@require_http_methods(["GET", "POST"])
def focal_points(request):
    if page_role(request) not in (roles.ANALYST, roles.ADMIN):
        raise PermissionDenied("Analysts subscribe focal points.")
    form = FocalPointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("timezone", "email")}
        try:
            subscription = notifications.subscription_create(
                email=form.cleaned_data["email"],
                user=None,
                created_by=request.user,
                timezone_name=form.cleaned_data["timezone"],
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            recipient = subscription.recipient
            messages.success(
                request,
                f"Subscribed {recipient.email}."
                + ("" if recipient.confirmed_at else " The confirmation email is on its way."),
            )
            return redirect("tracker:focal-points")
    context = {"form": form, "rows": _rows()}
    return render(request, "tracker/focal_points.html", context, status=400 if request.method == "POST" else 200)

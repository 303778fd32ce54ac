"""Subscriber pages: confirm an address and unsubscribe (signed links, no login), and a
page where logged-in users manage their own subscriptions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from commitments.form_errors import add_service_errors

from . import email_links, notifications
from .forms import SubscriptionForm
from .models import Subscription
from .watch import NO_EMAIL


def _invalid_link(request, exc: ValidationError):
    message = "; ".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return render(request, "tracker/link_invalid.html", {"message": message}, status=400)


@require_http_methods(["GET"])
def confirm(request, token: str):
    try:
        recipient = notifications.recipient_confirm(token=token)
    except ValidationError as exc:
        return _invalid_link(request, exc)
    return render(request, "tracker/confirmed.html", {"recipient": recipient})


# POST without a CSRF token is how mail clients unsubscribe in one click (RFC 8058).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One click ends this subscription (GET from the link, POST from the mail client);
    the page offers to undo it."""
    try:
        subscription = notifications.subscription_unsubscribe(token=token)
    except ValidationError as exc:
        return _invalid_link(request, exc)
    return render(request, "tracker/unsubscribed.html", {"subscription": subscription, "token": token})


@require_POST
def resubscribe(request, token: str):
    try:
        subscription = notifications.subscription_resubscribe(token=token)
    except ValidationError as exc:
        return _invalid_link(request, exc)
    return render(request, "tracker/resubscribed.html", {"subscription": subscription})


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    own = Subscription.objects.filter(recipient__user=request.user).select_related(
        "recipient", "agreement", "commitment", "party"
    )
    # Bound on every POST, an empty one too: an unbound form has no errors to show.
    form = SubscriptionForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if not request.user.email:
            form.add_error(None, NO_EMAIL)
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "timezone"}
            try:
                notifications.subscription_create(
                    email=request.user.email,
                    user=request.user,
                    created_by=request.user,
                    timezone_name=form.cleaned_data["timezone"],
                    **data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Subscribed. A new address gets a confirmation email first.")
                return redirect("tracker:subscriptions")
    rows = [(s, email_links.unsubscribe_token(s)) for s in own.order_by("-created_at")]
    # A POST that gets here was refused: its errors are on the form.
    status = 400 if request.method == "POST" else 200
    return render(request, "tracker/subscriptions.html", {"form": form, "rows": rows}, status=status)

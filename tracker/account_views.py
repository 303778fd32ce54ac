"""The profile page (/account/): my name, my email address, my subscriptions and my
calendar link. Any logged-in user, like /alerts/; the calendar link needs a role, since
the feed does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from commitments.form_errors import add_service_errors
from core import roles, tokens

from . import account, email_links, watch
from .account_forms import EmailForm, NameForm, SubscriptionEditForm
from .models import Subscription

ACTIONS = ("name", "email", "feed", "revoke")


def _subscription_rows(user) -> list[dict]:
    own = (
        Subscription.objects.filter(recipient__user=user, unsubscribed_at__isnull=True)
        .select_related("recipient", "agreement", "commitment", "party")
        .order_by("-created_at")
    )
    return [
        {
            "subscription": s,
            "scope": watch.subscription_scope(s),
            "kinds": watch.kinds_label(s),
            "token": email_links.unsubscribe_token(s),
        }
        for s in own
    ]


def _page(request, *, name_form=None, email_form=None, feed_url="", error="", status=200):
    user = request.user
    context = {
        "name_form": name_form or NameForm(initial={"first_name": user.first_name, "last_name": user.last_name}),
        "email_form": email_form or EmailForm(user=user),
        "rows": _subscription_rows(user),
        "can_feed": roles.role_of(user) is not None,
        "feed_keys": tokens.feed_keys(user),
        "feed_url": feed_url,
        "error": error,
    }
    return render(request, "tracker/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "GET":
        return _page(request)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return _page(request, error="action: choose name, email, feed or revoke.", status=400)
    if action == "name":
        form = NameForm(request.POST)
        if form.is_valid():
            try:
                account.name_change(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Name saved.")
                return redirect("tracker:profile")
        return _page(request, name_form=form, status=400)
    if action == "email":
        form = EmailForm(request.POST, user=request.user)
        if not form.is_valid():
            return _page(request, email_form=form, status=400)
        account.email_change_request(user=request.user, new_email=form.cleaned_data["email"])
        messages.success(
            request,
            f"We sent a link to {form.cleaned_data['email']}. Your address changes when you open it "
            f"(within {account.EMAIL_CHANGE_MAX_AGE.days} days, logged in or not).",
        )
        return redirect("tracker:profile")
    if roles.role_of(request.user) is None:
        return _page(request, error="Your account has no role in the tracker, so no calendar feed.", status=403)
    if action == "feed":
        # Shown on this response only: the key is not stored, so no redirect.
        _, url = tokens.feed_key_issue(user=request.user)
        return _page(request, feed_url=url)
    raw = request.POST.get("token", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 18) or not tokens.feed_key_revoke(
        user=request.user, token_id=int(raw)
    ):
        return _page(request, error="token: no such calendar link of yours.", status=400)
    messages.success(request, "Calendar link revoked: calendars using it get nothing more.")
    return redirect("tracker:profile")


@require_GET
def email_confirm(request, token: str):
    try:
        user = account.email_change_confirm(token=token)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        return render(request, "tracker/link_invalid.html", {"message": message}, status=400)
    return render(request, "tracker/email_confirmed.html", {"account": user})


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk: int):
    subscription = get_object_or_404(
        Subscription.objects.select_related("recipient", "agreement", "commitment", "party"),
        pk=pk,
        recipient__user=request.user,
        unsubscribed_at__isnull=True,
    )
    form = SubscriptionEditForm(request.POST if request.method == "POST" else None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        messages.success(request, "Subscription saved.")
        form.save()
        return redirect(reverse("tracker:profile") + "#subscriptions")
    context = {"form": form, "subscription": subscription, "scope": watch.subscription_scope(subscription)}
    return render(request, "tracker/subscription_edit.html", context, status=400 if request.method == "POST" else 200)

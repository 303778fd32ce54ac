"""POST /alerts/watch/: the Watch and Stop watching buttons of the agreement, commitment
and party pages (tracker/templates/tracker/_watch.html)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commitments.views import page_role

from . import watch


def target_url(target) -> str:
    name = watch.target_name(target)
    if name == "party":
        return reverse("parties:detail", args=[target.code])
    return reverse("commitments:agreement" if name == "agreement" else "commitments:detail", args=[target.pk])


def _refused(request, field: str, message: str, status: int = 400):
    return render(request, "tracker/watch_refused.html", {"field": field, "message": message}, status=status)


@login_required
@require_POST
def watch_view(request):
    page_role(request)  # a login with no role reads no page, so watches none
    name, action = request.POST.get("target", ""), request.POST.get("action", "")
    if name not in watch.TARGETS:
        return _refused(request, "target", "target: choose agreement, commitment or party.")
    if action not in ("watch", "stop"):
        return _refused(request, "action", "action: choose watch or stop.")
    raw_id = request.POST.get("id", "")
    if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 18:
        return _refused(request, "id", f"id: give the {name}'s number.")
    # What the user may not read does not exist for them (a partner and a draft): 404.
    target = watch.TARGETS[name].objects.visible_to(request.user).filter(pk=int(raw_id)).first()
    if target is None:
        raise Http404(f"No such {name}.")
    back = target_url(target)
    if action == "stop":
        watch.watch_stop(user=request.user, target=target)
        messages.success(request, f"You no longer watch this {name}.")
        return redirect(back)
    try:
        subscription, created = watch.watch_start(user=request.user, target=target)
    except ValidationError as exc:
        return _refused(request, "email", " ".join(exc.messages))
    if not created:
        messages.info(request, "You are already watching this.")
    elif subscription.recipient.confirmed_at is None:
        messages.success(
            request,
            f"Watching. We sent a confirmation link to {subscription.recipient.email}: alerts start once you open it.",
        )
    else:
        messages.success(request, f"Watching: alerts about this {name} go to {subscription.recipient.email}.")
    return redirect(back)

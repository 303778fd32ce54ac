"""The one-time ``form_token`` of the page forms that write: each such form is a
``OneTimeForm``, and its page view runs the write through ``once``, so that posting the
same form twice records once. Shared by every page that writes."""

import secrets

from django import forms
from django.contrib import messages
from django.db import transaction
from django.utils.http import urlencode

from core import idempotency

CSRF_FIELD = "csrfmiddlewaretoken"  # masked anew on each rendering: not part of what was submitted
ALREADY_SUBMITTED = "This form was already submitted, and what it said was recorded then (see above)."


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class OneTimeForm(forms.Form):
    """A form whose page issues a random token with it: the view consumes the token in the
    transaction of the write (``once``), so posting the same form twice (a double click, a
    resubmitted page) records once."""

    form_token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=255,
        error_messages={"required": "This form is out of date: reload the page and submit it again."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = new_form_token()

    def renew_token(self) -> None:
        """Give a bound form (shown again with its input) a token not used yet."""
        self.data = self.data.copy()
        self.data["form_token"] = new_form_token()


class _Refused(Exception):
    """The service refused the form: the form's token is rolled back with the write."""


def once(request, form, write):
    """Run ``write`` (True when it wrote) once per form token: the token is claimed in the
    transaction of the write, so a second post of the same form (a double click, a
    resubmitted page) finds it and records nothing. ``write`` may return a dict instead of
    True (where to go next: the page of what it created); it is stored with the token and
    returned to the second post as well. Returns False when nothing was written."""
    body = urlencode(sorted((k, v) for k, values in request.POST.lists() for v in values if k != CSRF_FIELD))
    fingerprint = idempotency.request_hash(request.method, request.path, body.encode())
    try:
        with transaction.atomic():
            claimed, fresh = idempotency.claim(
                user=request.user, key=form.cleaned_data["form_token"], fingerprint=fingerprint
            )
            if fresh:
                wrote = write()
                if not wrote:
                    raise _Refused
                idempotency.complete(claimed, status=302, body=wrote if isinstance(wrote, dict) else None)
    except _Refused:
        return False
    except (idempotency.KeyReused, idempotency.KeyBusy):
        # Posted before with other values (the browser's Back, then an edit): show them
        # again with a new token, so that recording them too is a decision.
        form.renew_token()
        form.add_error(None, f"{ALREADY_SUBMITTED} Submit again to record these values too.")
        return False
    if not fresh:
        messages.info(request, f"{ALREADY_SUBMITTED} Nothing was recorded twice.")
    return claimed.response_body or True

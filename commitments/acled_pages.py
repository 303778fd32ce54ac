"""The ACLED import page (/incidents/import/): an analyst chooses an ACLED export and sees
what it would do (events to create, to update, unchanged, refused rows with their row,
column and why; unmapped actors, each with a party to map it to on the spot; extra
columns), then confirms. The preview is the importer's dry run; the confirmation imports
the bytes kept at the preview (acled_uploads.py), once. Partners read; analysts import."""

import io
from dataclasses import replace
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from core import roles

from . import acled_uploads as uploads
from .acled import AcledResult, acled_import, actor_mapping_add
from .acled_forms import AcledConfirmForm, AcledUploadForm, ActorMappingForm
from .form_errors import add_service_errors
from .form_once import once
from .views import page_role

TEMPLATE = "commitments/acled_import.html"
GONE = "This preview has expired or is not yours: choose the file again to preview it."
SHOWN_ERRORS = 50  # refused rows listed on the page (the count is whole)
SHOWN_ACTORS = 100  # unmapped actors offered for mapping, most frequent first


def _analyst(request) -> None:
    if page_role(request) not in (roles.ANALYST, roles.ADMIN):
        raise PermissionDenied("Partners read; analysts import.")


@login_required
@require_http_methods(["GET", "POST"])
def acled_import_page(request):
    _analyst(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            return _confirm(request)
        if action == "map":
            return _map(request)
        return _preview(request, AcledUploadForm(request.POST, request.FILES))
    token = request.GET.get("upload", "")
    if token:
        upload = uploads.fetch(token, user=request.user)
        if upload is None or upload.imported_id is not None:
            return _page(request, form=AcledUploadForm(), page_error=GONE if upload is None else "", status=404)
        return _page(request, upload=upload, token=token)
    return _page(request, form=AcledUploadForm())


def _dry_run(upload: uploads.AcledUpload, user) -> AcledResult:
    return acled_import(
        stream=io.BytesIO(upload.data),
        file_name=upload.name,
        user=user,
        dry_run=True,
        retract_missing=upload.retract_missing,
    )


def _summary(result: AcledResult) -> dict:
    """What the page shows of a dry run (kept with the upload to show it again)."""
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "refused": result.refused,
        "retracted": result.retracted,
        "errors": result.errors[:SHOWN_ERRORS],
        "unmapped": list(result.unmapped.items())[:SHOWN_ACTORS],
        "unmapped_count": len(result.unmapped),
        "extra_columns": result.extra_columns,
    }


def _preview(request, form):
    if not form.is_valid():
        return _page(request, form=form, status=400)
    upload = uploads.AcledUpload(
        name=form.cleaned_data["file"].name[:255],
        data=form.data_bytes,
        publish=form.cleaned_data["publish"],
        retract_missing=form.cleaned_data["retract_missing"],
        preview={},
    )
    result = _dry_run(upload, request.user)
    if not result.ok:
        form.add_error("file", f"{result.errors[0]['message']} Nothing was imported.")
        return _page(request, form=form, status=400)
    upload = replace(upload, preview=_summary(result))
    token = uploads.stash(upload, user=request.user)
    return _page(request, upload=upload, token=token)


def _map(request):
    form = ActorMappingForm(request.POST)
    upload = uploads.fetch(form.data.get("upload", ""), user=request.user)
    if upload is None or upload.imported_id is not None:
        return _page(request, form=AcledUploadForm(), page_error=GONE, status=404)
    token = form.data["upload"]
    if form.is_valid():
        try:
            mapping = actor_mapping_add(
                actor_name=form.cleaned_data["actor_name"], party=form.cleaned_data["party"], user=request.user
            )
        except ValidationError as exc:
            # The actor's name is a hidden field: its errors are the form's.
            add_service_errors(form, exc, {"actor_name": NON_FIELD_ERRORS})
        else:
            # The preview again, with the new mapping: the actor leaves the unmapped list.
            uploads.stash(
                replace(upload, preview=_summary(_dry_run(upload, request.user))), user=request.user, token=token
            )
            messages.success(request, f"Mapped “{mapping.actor_name}” to {mapping.party or 'no party'}.")
            return redirect(f"{reverse('incidents:acled_import')}?{urlencode({'upload': token})}#unmapped")
    return _page(request, upload=upload, token=token, mapping_form=form, status=400)


def _confirm(request):
    form = AcledConfirmForm(request.POST)
    token = form.data.get("upload", "")
    upload = uploads.fetch(token, user=request.user)
    if upload is None:
        return _page(request, form=AcledUploadForm(), page_error=GONE, status=404)
    if not form.is_valid():  # no one-time token: a page from before, or not from us
        return _page(request, upload=upload, token=token, confirm=form, status=400)
    if upload.imported_id is not None:
        messages.info(request, "This file was already imported: nothing was imported twice.")
        return redirect("incidents:acled_import")
    outcome = {}

    def write() -> dict:
        result = outcome["result"] = acled_import(
            stream=io.BytesIO(upload.data),
            file_name=upload.name,
            user=request.user,
            publish=upload.publish,
            retract_missing=upload.retract_missing,
        )
        # The cache is not transactional: the bytes are let go once the import is committed.
        transaction.on_commit(
            partial(uploads.mark_imported, token, user=request.user, upload=upload, record_id=result.record.pk)
        )
        return {"record": result.record.pk}

    if once(request, form, write):
        if "result" in outcome:
            messages.success(request, _imported(outcome["result"], upload.publish))
        # else a second post of the same form (a double click): once() said so, nothing twice
        return redirect("incidents:acled_import")
    return _page(request, upload=upload, token=token, confirm=form, status=400)


def _imported(result: AcledResult, published: bool) -> str:
    state = "published" if published else "drafts"
    return (
        f"Imported {result.file_name}: {result.created} incident{'s' if result.created != 1 else ''} created "
        f"({state}), {result.updated} updated, {result.unchanged} unchanged, {result.refused} rows refused, "
        f"{result.retracted} retracted, {result.links_proposed} links proposed for analysts to decide."
    )


def _page(request, *, form=None, upload=None, token="", mapping_form=None, confirm=None, page_error="", status=200):
    preview = upload.preview if upload else {}
    if upload is not None and confirm is None:
        confirm = AcledConfirmForm(initial={"upload": token})
    context = {
        "form": form,
        "upload": upload,
        "token": token,
        "preview": preview,
        "mapping_form": mapping_form,
        "mapping_choices": ActorMappingForm().fields["party"].choices,
        "confirm": confirm,
        "page_error": page_error,
    }
    return render(request, TEMPLATE, context, status=status)

"""The import page (issue 12): an analyst chooses a JSON document or a CSV, sees what it
would import (every commitment with its due moments, every problem with its row and
field), then confirms. The preview is a dry run of the importer, which writes nothing; the
confirmation imports the bytes kept at the preview (commitments/uploads.py), once."""

from dataclasses import replace
from datetime import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core import roles

from . import uploads
from .choices import AgreementKind
from .form_once import once as _once
from .models import Agreement
from .upload_forms import ConfirmForm, UploadForm
from .views import page_role

TEMPLATE = "commitments/import.html"
GONE = "This preview has expired or is not yours: choose the file again to preview it."


@login_required
@require_http_methods(["GET", "POST"])
def agreement_import(request):
    if page_role(request) not in (roles.ANALYST, roles.ADMIN):
        raise PermissionDenied("Partners read; analysts import.")
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request)
    if request.method == "POST":
        return _preview(request, UploadForm(request.POST, request.FILES))
    return _page(request, form=UploadForm(initial={"agreement": _agreement_param(request)}))


def _agreement_param(request) -> int | None:
    """``?agreement=<pk>`` from an agreement's page: preselects it (anything else: nothing)."""
    value = request.GET.get("agreement", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def _preview(request, form):
    if not form.is_valid():
        return _page(request, form=form, status=400)
    csv = form.kind == uploads.CSV
    agreement = form.cleaned_data["agreement"] if csv else None
    upload = uploads.Upload(
        name=form.cleaned_data["file"].name,
        kind=form.kind,
        data=form.data_bytes,
        agreement_id=agreement.pk if agreement else None,
        publish=form.cleaned_data["publish"] and not csv,
        preview={},
    )
    result = _run(upload, agreement, request.user, dry_run=True)
    if not result.ok:
        _problems_at_file_field(form, result.problems)
        return _page(request, form=form, upload=upload, result=result, status=400)
    upload = replace(upload, preview=result.preview)
    token = uploads.stash(upload, user=request.user)
    return _page(request, upload=upload, result=result, confirm=ConfirmForm(initial={"upload": token}))


def _run(upload, agreement, user, *, dry_run: bool):
    return uploads.run_import(
        name=upload.name,
        kind=upload.kind,
        data=upload.data,
        agreement=agreement,
        publish=upload.publish,
        user=user,
        dry_run=dry_run,
    )


def _problems_at_file_field(form, problems) -> None:
    """The file field says the file was refused: with the importer's words when the whole
    file is unreadable, else by pointing at the table of problems."""
    whole = [p.message for p in problems if p.row == "document"]
    for message in whole:
        form.add_error("file", message)
    if len(problems) > len(whole):
        count = len(problems) - len(whole)
        form.add_error(
            "file",
            f"{count} problem{'s' if count != 1 else ''} in the file (listed below with their row and field): "
            "nothing was imported. Correct the file and choose it again.",
        )


def _confirm(request):
    form = ConfirmForm(request.POST)
    upload = uploads.fetch(form.data.get("upload", ""), user=request.user)
    if upload is None:
        return _page(request, form=UploadForm(), page_error=GONE, status=404)
    if not form.is_valid():  # no one-time token: a page from before, or not from us
        return _page(request, upload=upload, result=None, confirm=form, status=400)
    token = form.cleaned_data["upload"]
    if upload.imported_id is not None:
        return _already_imported(request, upload.imported_id)
    agreement = Agreement.objects.filter(pk=upload.agreement_id).first() if upload.agreement_id else None
    outcome = {}

    def write() -> bool | dict:
        result = outcome["result"] = _run(upload, agreement, request.user, dry_run=False)
        if not result.ok:
            return False  # the database changed since the preview: nothing is written
        # The cache is not transactional: the bytes are let go once the import is committed.
        transaction.on_commit(
            partial(uploads.mark_imported, token, user=request.user, upload=upload, agreement_id=result.agreement.pk)
        )
        return {"agreement": result.agreement.pk}  # kept with the one-time token

    done = _once(request, form, write)
    if done:
        result = outcome.get("result")
        if result is not None:
            messages.success(request, _imported(result))
        # else this confirmation was posted before (a double click): _once said so, and
        # kept where the first one led
        imported = done.get("agreement") if isinstance(done, dict) else None
        return redirect("commitments:agreement", pk=imported) if imported else redirect("commitments:import")
    result = outcome.get("result")
    if result is not None:  # refused by the importer now: show why, and no confirm button
        return _page(request, form=UploadForm(), upload=upload, result=result, status=400)
    return _page(request, upload=upload, result=None, confirm=form, status=400)  # the token's note


def _already_imported(request, agreement_id: int):
    messages.info(request, "This file was already imported (see below): nothing was imported twice.")
    return redirect("commitments:agreement", pk=agreement_id)


def _imported(result) -> str:
    count = len(result.preview.get("commitments", []))
    what = f"{count} commitment{'s' if count != 1 else ''}"
    agreement = result.agreement
    state = "published" if agreement.published else "a draft: publish it when it has been checked"
    return f"Imported {what} into “{agreement.title}” ({state})."


def _page(request, *, form=None, upload=None, result=None, confirm=None, page_error="", status=200):
    preview = (result.preview if result is not None else upload.preview if upload else None) or {}
    csv = upload is not None and upload.kind == uploads.CSV
    context = {
        "form": form,
        "upload": upload,
        "preview": preview,
        "kind": _label(AgreementKind, (preview.get("agreement") or {}).get("kind")),
        "rows": [_row(c, preview, csv=csv) for c in preview.get("commitments", [])],
        "problems": result.problems if result is not None else [],
        "confirm": confirm,
        "page_error": page_error,
    }
    return render(request, TEMPLATE, context, status=status)


def _label(choices, value) -> str:
    return choices(value).label if value in choices.values else str(value or "—")


def _row(commitment: dict, preview: dict, *, csv: bool) -> dict:
    """A preview row as the table shows it: named like the problems' rows, due moments as
    people read them."""
    zone = (preview.get("agreement") or {}).get("timezone") or ""
    after = commitment.get("after")
    row = commitment.get("line") or commitment.get("row")  # a CSV's rows are its lines
    if isinstance(row, int) and not csv:
        row = f"commitments[{row}]"
    return {
        **commitment,
        "row": row,
        "parties_text": ", ".join(commitment.get("parties") or []),
        "due_local": _moment(commitment.get("due_at_local"), commitment.get("due_date"), after),
        "due_utc": _moment(commitment.get("due_at_utc"), None, after, utc=True),
        "zone": zone,
    }


def _moment(iso: str | None, due_date: str | None, after, *, utc: bool = False) -> str:
    if not iso:
        return f"when {after} is fulfilled, not before" if after else "—"
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return str(iso)
    if utc:
        return f"{moment:%Y-%m-%d %H:%M} UTC"
    offset = moment.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    day = ""
    if due_date:
        try:
            day = f"end of {datetime.fromisoformat(due_date):%-d %b %Y}: "
        except ValueError:
            day = ""
    return f"{day}{moment:%Y-%m-%d %H:%M} ({offset})"

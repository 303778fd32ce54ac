"""The agreement document: one JSON file describes an agreement whole; a CSV adds
commitments to an agreement that exists. Import (with a dry run and problems named by row
and field) and export go through the services, so the pages, the commands and the API
share one validation. See docs/intake.md."""

from .csv_import import import_commitments_csv
from .exporter import export_agreement
from .importer import import_agreement
from .problems import ImportResult, Problem
from .schema import AGREEMENT_SCHEMA

__all__ = [
    "AGREEMENT_SCHEMA",
    "ImportResult",
    "Problem",
    "export_agreement",
    "import_agreement",
    "import_commitments_csv",
    "read_upload",
]


def read_upload(name: str, data: bytes, *, agreement=None, user, dry_run: bool, publish: bool = False) -> ImportResult:
    """An uploaded file by its name: .json -> import_agreement, .csv -> import_commitments_csv
    (which needs the agreement). ``publish`` is for a JSON document."""
    lower = (name or "").lower()
    if lower.endswith(".json"):
        return import_agreement(data, user=user, dry_run=dry_run, publish=publish)
    if lower.endswith(".csv"):
        if agreement is None:
            return ImportResult(
                ok=False,
                dry_run=dry_run,
                problems=[Problem("document", "agreement", "A CSV of commitments goes into an agreement: choose one.")],
            )
        return import_commitments_csv(data, agreement=agreement, user=user, dry_run=dry_run)
    return ImportResult(
        ok=False,
        dry_run=dry_run,
        problems=[Problem("document", "name", "Give a .json agreement document or a .csv of commitments.")],
    )

"""manage.py import_agreement and export_agreement."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Agreement
from tests.commitments.bad_files import BAD_FILES
from tests.commitments.documents_helpers import counts, document

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def json_file(tmp_path):
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(document()), encoding="utf-8")
    return path


def test_dry_run_prints_the_preview_and_writes_nothing(json_file, analyst):
    before = counts()
    out = run("import_agreement", str(json_file), "--dry-run", "--user", analyst.username)
    assert counts() == before
    assert "Tbilisi ceasefire protocol" in out
    assert "commitments[0] 1: Lists of detainees [ARM, AZE] within 7 days of the agreement's date" in out
    assert "2021-03-08T20:00:00Z = 2021-03-09T00:00:00+04:00" in out
    assert "Dry run" in out


def test_import_then_export_prints_the_same_document(json_file, analyst):
    out = run("import_agreement", str(json_file), "--user", analyst.username, "--publish")
    agreement = Agreement.objects.get()
    assert f"Imported into agreement {agreement.pk}" in out
    assert agreement.published and agreement.published_by == analyst
    exported = json.loads(run("export_agreement", str(agreement.pk)))
    assert exported == document(relations=[])


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_give_row_and_field_and_exit_non_zero(tmp_path, analyst, armenia, azerbaijan, geneva, name):
    file_name, data, row, field = BAD_FILES[name]
    path = tmp_path / file_name
    path.write_bytes(data)
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "import_agreement", str(path), "--agreement", str(geneva.pk), "--user", analyst.username, stdout=out
        )
    assert f"PROBLEM {row} {field}: " in out.getvalue()
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent.json"], "file"),
        (["{file}", "--user", "nobody"], "--user"),
        (["{file}", "--agreement", "999999"], "--agreement"),
    ],
)
def test_bad_arguments(json_file, args, message):
    args = [a.replace("{file}", str(json_file)) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("import_agreement", *args)
    assert not Agreement.objects.exists()


def test_export_of_a_missing_agreement():
    with pytest.raises(CommandError, match="no agreement"):
        call_command("export_agreement", "999999")


def test_export_leaves_internal_notes_out_unless_asked(analyst, demo_loaded):
    moscow = Agreement.objects.get(signed_on="2020-10-10")
    assert "internal_note" not in run("export_agreement", str(moscow.pk))
    assert "internal_note" in run("export_agreement", str(moscow.pk), "--internal")


@pytest.fixture
def demo_loaded(db):
    from tracker.demo import load_demo

    load_demo()

"""The import page (issue 12): choose a JSON document or a CSV, see the preview (due moments,
problems with their row and field), confirm. Nothing is written before the confirmation,
a refused file writes nothing, and a confirmation imports once, what was previewed."""

import copy
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments import uploads
from commitments.models import Agreement, Commitment, Deadline
from core.roles import ANALYSTS
from parties.models import Party
from tests.commitments.bad_files import BAD_FILES
from tests.commitments.documents_helpers import counts as every_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/commitments/import/"
PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
GENEVA_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "intake" / "geneva-2020-10-30.json"
GENEVA = json.loads(GENEVA_FILE.read_text())
TITLE = GENEVA["agreement"]["title"]


def log_in(client, user) -> None:
    """Through the login form, as a person does (django-axes watches it)."""
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def as_file(document, name: str = "geneva.json") -> SimpleUploadedFile:
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def preview(client, document=GENEVA, name: str = "geneva.json", **fields):
    return client.post(URL, {"file": as_file(document, name), **fields})


def confirm_data(response) -> dict:
    """The confirm form as the preview page renders it (upload token, one-time token)."""
    form = response.context["confirm"]
    assert form is not None, response.context["problems"]
    return {"action": "confirm", "upload": form["upload"].value(), "form_token": form["form_token"].value()}


def counts() -> tuple[int, int, int, int]:
    return Agreement.objects.count(), Commitment.objects.count(), Deadline.objects.count(), Party.objects.count()


@pytest.fixture
def ana(client, analyst):
    log_in(client, analyst)
    return analyst


def test_the_preview_shows_every_commitment_with_its_due_moments_and_writes_nothing(client, ana):
    before = counts()
    page = client.get(URL)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    response = preview(client)
    assert response.status_code == 200, response.context["problems"]
    assert counts() == before
    assert response.context["problems"] == []
    rows = response.context["rows"]
    assert [r["reference"] for r in rows] == ["1", "2", "3", "4", "5"]
    # Within 7 days of Fri 30 Oct 2020: the end of Fri 6 Nov in Geneva (CET since 25 Oct).
    for row in rows:
        assert row["due_date"] == "2020-11-06"
        assert row["due_local"] == "end of 6 Nov 2020: 2020-11-07 00:00 (UTC+01:00)"
        assert row["due_utc"] == "2020-11-06 23:00 UTC"
    assert "end of 6 Nov 2020: 2020-11-07 00:00 (UTC+01:00)" in response.text
    assert "2020-11-06 23:00 UTC" in response.text
    assert "Due (Europe/Zurich)" in response.text
    assert "POW lists to the ICRC" in response.text
    assert "Republic of Armenia (ARM) — new: created on import" in response.text
    assert ">Import</button>" in response.text


def test_the_confirmation_imports_once_what_was_previewed(client, ana, django_capture_on_commit_callbacks):
    response = preview(client)
    data = confirm_data(response)
    # Whatever else the confirmation carries, it imports the kept bytes (no file is read).
    other = copy.deepcopy(GENEVA)
    other["commitments"][0]["title"] = "Something else"
    with django_capture_on_commit_callbacks(execute=True):  # the kept bytes are let go on commit
        done = client.post(URL, {**data, "file": as_file(other)})
    assert done.status_code == 302
    agreement = Agreement.objects.get(title=TITLE)
    assert done["Location"] == f"/commitments/agreements/{agreement.pk}/"
    assert agreement.commitments.count() == 5
    assert not Commitment.objects.filter(title="Something else").exists()
    assert not agreement.published  # a draft unless asked
    assert {p.party.code for p in agreement.participants.select_related("party")} == {"ARM", "AZE"}
    page = client.get(done["Location"])
    assert "Imported 5 commitments into" in page.text
    assert "POW lists to the ICRC" in page.text
    assert "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC" in page.text

    after = counts()
    again = client.post(URL, data)  # a double click: the same one-time token
    assert again.status_code == 302 and again["Location"] == f"/commitments/agreements/{agreement.pk}/"
    assert "already imported" in client.get(again["Location"]).text
    fresh_token = client.post(URL, {**data, "form_token": "another-one-time-token"})  # the page again
    assert fresh_token.status_code == 302 and fresh_token["Location"] == again["Location"]
    assert "already imported" in client.get(fresh_token["Location"]).text
    assert counts() == after


def test_publish_on_import(client, ana):
    response = preview(client, publish="on")
    assert response.context["preview"]["agreement"]["published"] is True
    assert "published: partners see it" in response.text
    assert Agreement.objects.count() == 0
    client.post(URL, confirm_data(response))
    agreement = Agreement.objects.get(title=TITLE)
    assert agreement.published and agreement.published_by == ana and agreement.published_at is not None


def _unknown_party():
    document = copy.deepcopy(GENEVA)
    document["commitments"][2]["parties"] = ["ARM", "ZZZ"]
    return document


def _cycle():
    document = copy.deepcopy(GENEVA)
    document["commitments"][0]["deadline"] = {"days": 3, "after": "2"}
    document["commitments"][1]["deadline"] = {"days": 3, "after": "1"}
    return document


def _beyond_limits():
    document = copy.deepcopy(GENEVA)
    document["commitments"][4]["deadline"] = {"days": 100_000}
    return document


@pytest.mark.parametrize(
    ("document", "row", "field"),
    [
        (b'{"schema_version": 1, "agreement": {', "document", "json"),
        (_unknown_party(), "commitments[2]", "parties"),
        (_cycle(), "commitments[", "deadline.after"),
        (_beyond_limits(), "commitments[4]", "deadline.days"),
    ],
    ids=["bad-json", "unknown-party", "cycle", "beyond-limits"],
)
def test_a_refused_document_shows_its_problems_with_row_and_field_and_writes_nothing(client, ana, document, row, field):
    before = counts()
    response = preview(client, document)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert any(p.row.startswith(row) and p.field.startswith(field) for p in problems), problems
    for p in problems:  # every problem in the table, with its row and field
        assert f'<td data-label="Row">{p.row}</td><td data-label="Field">{p.field}</td>' in response.text
    assert response.context["confirm"] is None and ">Import</button>" not in response.text
    assert response.context["form"].errors["file"]  # the file field says it was refused
    assert 'aria-invalid="true"' in response.text
    assert counts() == before


def test_a_csv_needs_an_agreement_and_its_columns(client, ana, geneva):
    before = counts()
    no_agreement = preview(client, b"reference,title\n1,x\n", name="c.csv")
    assert no_agreement.status_code == 400
    assert "choose the agreement" in no_agreement.context["form"].errors["agreement"][0]
    missing = preview(client, b"reference,title\n1,Lists\n", name="c.csv", agreement=geneva.pk)
    assert missing.status_code == 400
    problems = missing.context["problems"]
    assert {(p.row, p.field) for p in problems} >= {("line 1", "text"), ("line 1", "parties")}, problems
    assert '<td data-label="Row">line 1</td><td data-label="Field">text</td>' in missing.text
    stray = preview(client, CSV.replace(b"\n2,", b"\n\xef\xbb\xbf2,"), name="c.csv", agreement=geneva.pk)
    assert stray.status_code == 400
    assert any(p.row == "line 3" for p in stray.context["problems"]), stray.context["problems"]
    assert counts() == before


CSV = (
    "\ufeffreference,title,text,category,nature,parties,recipients,deadline_days,deadline_after\n"
    "1,POW lists to the ICRC,Submit lists of prisoners of war to the Red Cross within a week.,prisoners,one_off,"
    "ARM AZE,icrc,7,\n"
    '2,Exchange of prisoners,"Exchange the prisoners on the lists, all for all.",prisoners,one_off,ARM;AZE,,14,1\n'
).encode()


def test_a_csv_adds_commitments_to_the_agreement_chosen(client, ana, geneva, armenia, azerbaijan, icrc):
    before = counts()
    page = client.get(f"/commitments/agreements/{geneva.pk}/")
    form = client.get(f"{URL}?agreement={geneva.pk}")
    assert f'<option value="{geneva.pk}" selected>' in form.text and "import/?agreement=" in page.text
    response = preview(client, CSV, name="commitments.csv", agreement=geneva.pk, publish="on")
    assert response.status_code == 200, response.context["problems"]
    assert counts() == before
    rows = response.context["rows"]
    assert [(r["row"], r["reference"], r["due_utc"]) for r in rows] == [
        ("line 2", "1", "2020-11-06 23:00 UTC"),
        ("line 3", "2", "when 1 is fulfilled, not before"),
    ]
    assert "commitments added to this agreement" in response.text
    done = client.post(URL, confirm_data(response))
    assert done["Location"] == f"/commitments/agreements/{geneva.pk}/"
    assert list(geneva.commitments.order_by("reference").values_list("reference", flat=True)) == ["1", "2"]
    second = geneva.commitments.get(reference="2")
    assert second.current_deadline.after_commitment.reference == "1"
    geneva.refresh_from_db()
    assert not geneva.published  # "publish on import" is for a JSON document


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("statement.pdf", b"%PDF-1.4", "Choose a .json file"),
        ("statement", b"{}", "Choose a .json file"),
        ("latin1.csv", "référence,titre\n".encode("latin-1"), "not UTF-8"),
        ("utf16.json", '{"a": 1}'.encode("utf-16"), "not UTF-8"),
        ("empty.json", b"", "The file is empty."),
    ],
)
def test_a_file_that_is_not_utf8_json_or_csv_is_an_error_at_the_file_field(client, ana, geneva, name, data, says):
    before = counts()
    response = preview(client, data, name=name, agreement=geneva.pk)
    assert response.status_code == 400
    assert says in " ".join(response.context["form"].errors["file"])
    assert counts() == before


def test_a_file_over_the_size_cap_is_refused_at_the_file_field(client, ana):
    cap = uploads.MAX_UPLOAD_BYTES
    assert cap == 5 * 1024 * 1024  # the importer's, as the command and the API take
    over = json.dumps(GENEVA).encode().ljust(cap + 1)  # valid JSON, one byte too many
    response = preview(client, over)
    assert response.status_code == 400
    assert f"The file has {cap + 1:,} bytes; at most {cap:,} (5.0\xa0MB)" in response.context["form"].errors["file"][0]
    assert response.context["problems"] == []  # refused before the importer read it
    assert counts()[0] == 0
    assert preview(client, over[:cap]).status_code == 200  # at the cap: previewed


def test_hostile_documents_never_make_a_server_error_or_a_write(client, ana):
    deep = b"[" * 100_000 + b"]" * 100_000
    control = copy.deepcopy(GENEVA)
    control["commitments"][0]["title"] = "nul\x00byte\x07"
    years = copy.deepcopy(GENEVA)
    years["agreement"]["date"] = "0001-01-01"
    far = copy.deepcopy(GENEVA)
    far["commitments"][0]["deadline"] = {"date": "9999-12-31"}
    huge = copy.deepcopy(GENEVA)
    huge["commitments"][0]["title"] = "x" * 100_000
    before = counts()
    for document in (deep, b"null", b"[]", b'"text"', b"\xef\xbb\xbf{}", control, years, far, huge, {"a": {"b": [1]}}):
        response = preview(client, document, name="x\x00\n<script>.json")
        assert response.status_code == 400, document if isinstance(document, bytes) else document.get("agreement")
        assert "<script>" not in response.text
    assert counts() == before


def test_partners_and_users_without_a_role_are_refused(client, partner, geneva):
    log_in(client, partner)
    assert client.get(URL).status_code == 403
    assert preview(client).status_code == 403
    client.post("/accounts/logout/")
    log_in(client, UserFactory(username="nobody"))
    assert client.get(URL).status_code == 403
    client.post("/accounts/logout/")
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    assert counts()[0] == 1


def test_another_analysts_preview_cannot_be_confirmed(client, ana):
    data = confirm_data(preview(client))
    client.post("/accounts/logout/")
    other = UserFactory(username="bea")
    other.groups.add(Group.objects.get(name=ANALYSTS))
    log_in(client, other)
    refused = client.post(URL, data)
    assert refused.status_code == 404
    assert "expired or is not yours" in refused.text
    assert counts()[0] == 0
    client.post("/accounts/logout/")
    log_in(client, ana)
    assert client.post(URL, data).status_code == 302  # still the owner's to confirm
    assert Agreement.objects.filter(title=TITLE).count() == 1


@pytest.mark.parametrize("token", ["", "nope", "x" * 5000, "a" * 43, "../../etc", "nul\x00byte"])
def test_an_unknown_or_hostile_upload_token_is_a_clear_404(client, ana, token):
    response = client.post(URL, {"action": "confirm", "upload": token, "form_token": "t"})
    assert response.status_code == 404
    assert "choose the file again" in response.text


def test_a_confirmation_without_its_one_time_token_imports_nothing(client, ana):
    data = confirm_data(preview(client))
    response = client.post(URL, {**data, "form_token": ""})
    assert response.status_code == 400
    assert "reload the page" in response.text
    assert counts()[0] == 0


def test_the_agreement_page_links_to_the_csv_import_with_the_agreement_chosen(client, ana, geneva):
    page = client.get(f"/commitments/agreements/{geneva.pk}/")
    link = f"/commitments/import/?agreement={geneva.pk}"
    assert link in page.text
    form = client.get(link)
    assert f'<option value="{geneva.pk}" selected>' in form.text
    for hostile in ("x", "-1", "9" * 40, "1e3", "%C2%B2"):
        assert client.get(f"{URL}?agreement={hostile}").status_code == 200


def test_a_double_click_on_import_imports_once(client, ana):
    data = confirm_data(preview(client))
    first, second = client.post(URL, data), client.post(URL, data)
    agreement = Agreement.objects.get(title=TITLE)
    assert first["Location"] == second["Location"] == f"/commitments/agreements/{agreement.pk}/"
    assert "Nothing was recorded twice" in client.get(second["Location"]).text
    assert agreement.commitments.count() == 5


def test_a_confirmation_the_database_no_longer_allows_writes_nothing_and_says_why(client, ana):
    first, second = confirm_data(preview(client)), confirm_data(preview(client))
    assert client.post(URL, first).status_code == 302  # the same agreement, entered meanwhile
    after = counts()
    refused = client.post(URL, second)
    assert refused.status_code == 400
    assert refused.context["problems"], "the importer says why"
    assert ">Import</button>" not in refused.text
    assert counts() == after


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_the_bad_files_of_the_issue_show_their_row_and_field_in_the_preview(
    client, ana, armenia, azerbaijan, geneva, name
):
    """The same files as the command's and the API's tests: the same row and field."""
    file_name, data, row, field = BAD_FILES[name]
    before = every_count()
    response = preview(client, data, name=file_name, agreement=geneva.pk)
    assert response.status_code == 400
    assert any((p.row, p.field) == (row, field) for p in response.context["problems"]), response.context["problems"]
    assert f'<td data-label="Row">{row}</td><td data-label="Field">{field}</td>' in response.text
    assert ">Import</button>" not in response.text
    assert every_count() == before

"""The ACLED import page (/incidents/import/): analysts only; the preview writes no
incident; an unmapped actor is mapped on the spot; the confirmation imports the previewed
bytes once; bad files are refused at the file field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments import acled_uploads
from commitments.models import ActorMapping, Incident, IncidentParty, LinkRule
from tests.commitments.test_acled_import import FIRST, UPDATE
from tests.commitments.test_import_page import log_in

pytestmark = pytest.mark.django_db

URL = "/incidents/import/"
ARTSAKH = "Military Forces of Artsakh (1992-)"


@pytest.fixture
def ana(client, analyst):
    LinkRule.objects.update(active=False)
    log_in(client, analyst)
    return analyst


def preview(client, path=FIRST, data: bytes | None = None, name=None, **fields):
    upload = SimpleUploadedFile(name or path.name, data if data is not None else path.read_bytes())
    return client.post(URL, {"file": upload, **fields})


def confirm_data(response) -> dict:
    form = response.context["confirm"]
    return {"action": "confirm", "upload": form["upload"].value(), "form_token": form["form_token"].value()}


def test_partners_are_refused_and_strangers_sent_to_log_in(client, partner):
    assert client.get(URL).status_code == 302
    log_in(client, partner)
    assert client.get(URL).status_code == 403
    assert preview(client).status_code == 403
    assert not Incident.objects.exists()


def test_preview_then_map_an_actor_then_import_once(client, ana, armenia):
    response = preview(client)
    assert response.status_code == 200
    summary = response.context["preview"]
    assert (summary["created"], summary["refused"]) == (53, 2)
    assert dict(summary["unmapped"])[ARTSAKH] == 2
    assert summary["extra_columns"] == ["event_id_no_cnty"]
    assert b"Skirmish" in response.content and not Incident.objects.exists()
    data = confirm_data(response)

    mapped = client.post(URL, {"action": "map", "upload": data["upload"], "actor_name": ARTSAKH, "party": armenia.pk})
    assert mapped.status_code == 302
    assert ActorMapping.objects.get(actor_name=ARTSAKH).party == armenia
    again = client.get(mapped["Location"])
    assert ARTSAKH not in dict(again.context["preview"]["unmapped"])
    assert "Mapped “Military Forces of Artsakh (1992-)” to Armenia." in again.content.decode()

    done = client.post(URL, data)
    assert done.status_code == 302 and Incident.objects.count() == 53
    # The new mapping counts: Artsakh's forces are Armenia, involved in ARM2001.
    assert IncidentParty.objects.filter(incident__acled_event_id="ARM2001", party=armenia, role="involved").exists()
    assert not Incident.objects.filter(published=True).exists()
    # The same confirmation again (a double click) imports nothing twice.
    history = Incident.history.count()
    assert client.post(URL, data).status_code == 302
    assert Incident.history.count() == history


def test_publish_and_retract_options_reach_the_import(client, ana):
    client.post(URL, confirm_data(preview(client, publish="on")))
    assert not Incident.objects.filter(published=False).exists()
    response = preview(client, UPDATE, retract_missing="on")
    assert response.context["preview"]["retracted"] == 1
    client.post(URL, confirm_data(response))
    assert Incident.objects.get(acled_event_id="AZE1003").verification == "retracted"


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"event_id_cnty,event_date\r\nA1,2020-01-01\r\n", "a.csv", "no column event_type"),
        (b"\xff\xfe\x00bad", "a.csv", "not UTF-8"),
        (b"{}", "a.json", "Choose a .csv file"),
    ],
)
def test_bad_files_are_refused_at_the_file_field(client, ana, data, name, says):
    response = preview(client, data=data, name=name)
    assert response.status_code == 400
    assert says in " ".join(response.context["form"].errors["file"])
    assert not Incident.objects.exists()


def test_a_file_over_the_limit_is_refused(client, ana, monkeypatch):
    monkeypatch.setattr(acled_uploads, "MAX_UPLOAD_BYTES", 100)
    monkeypatch.setattr("commitments.acled_forms.MAX_UPLOAD_BYTES", 100)
    response = preview(client)
    assert response.status_code == 400 and "at most 100" in " ".join(response.context["form"].errors["file"])


def test_someone_elses_or_a_forged_token_is_gone(client, ana, partner):
    data = confirm_data(preview(client))
    for forged in ("x" * 43, "../../etc", "=cmd", "9" * 400):
        response = client.post(URL, {**data, "upload": forged})
        assert response.status_code == 404
    assert client.get(URL, {"upload": "x" * 43}).status_code == 404
    assert not Incident.objects.exists()


def test_a_bad_mapping_is_shown_not_stored(client, ana):
    token = confirm_data(preview(client))["upload"]
    response = client.post(URL, {"action": "map", "upload": token, "actor_name": ARTSAKH, "party": "999999999999999"})
    assert response.status_code == 400 and not ActorMapping.objects.exists()
    response = client.post(URL, {"action": "map", "upload": token, "actor_name": "Bad\x07", "party": "none"})
    assert response.status_code == 400 and not ActorMapping.objects.exists()


def test_a_name_mapped_meanwhile_is_said_above_the_form(client, ana, armenia):
    """Mapped by someone else since the preview (any case): the page says so, above the
    form (the name is a hidden field), and keeps the first mapping."""
    token = confirm_data(preview(client))["upload"]
    ActorMapping.objects.create(actor_name=ARTSAKH.upper(), party=None)
    response = client.post(URL, {"action": "map", "upload": token, "actor_name": ARTSAKH, "party": armenia.pk})
    assert response.status_code == 400
    form = response.context["mapping_form"]
    assert form.non_field_errors() == ["This actor name is already mapped."] and not form.errors.get("party")
    assert "This actor name is already mapped." in response.content.decode()
    assert list(ActorMapping.objects.values_list("actor_name", "party")) == [(ARTSAKH.upper(), None)]

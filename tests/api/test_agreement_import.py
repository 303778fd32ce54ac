"""POST /api/v1/agreements/import/, POST /agreements/{id}/commitments/import/,
GET /agreements/{id}/export/ and GET /agreements/schema/."""

import json

import pytest

from commitments.documents import AGREEMENT_SCHEMA
from commitments.models import Agreement, StatusUpdate
from tests.commitments.bad_files import BAD_FILES
from tests.commitments.documents_helpers import counts, document

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/agreements/import/"


def post_document(client, body, query=""):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(IMPORT + query, data, content_type="application/json")


def test_an_analyst_imports_a_document(analyst_api, analyst):
    doc = document()
    doc["commitments"][0]["status_updates"] = [
        {
            "status": "in_progress",
            "effective_date": "2021-03-03",
            "summary": "Lists being compiled.",
            "sources": [{"publisher": "ICRC", "published_on": "2021-03-03"}],
        }
    ]
    response = post_document(analyst_api, doc)
    assert response.status_code == 201, response.content
    body = response.json()
    agreement = Agreement.objects.get(pk=body["agreement"])
    assert body["ok"] and not body["dry_run"] and body["errors"] == []
    assert body["preview"]["commitments"][0]["due_at_utc"] == "2021-03-08T20:00:00Z"
    assert StatusUpdate.objects.filter(recorded_by=analyst).count() == 2  # both bound parties
    assert agreement.commitments.count() == 3


def test_dry_run_answers_200_and_writes_nothing(analyst_api):
    before = counts()
    response = post_document(analyst_api, document(), "?dry_run=true")
    assert response.status_code == 200
    assert response.json()["dry_run"] and response.json()["agreement"] is None
    assert len(response.json()["preview"]["commitments"]) == 3
    assert counts() == before


def test_a_bad_dry_run_value(analyst_api):
    response = post_document(analyst_api, document(), "?dry_run=perhaps")
    assert response.status_code == 400 and "dry_run" in response.json()


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_a_400_with_row_and_field(analyst_api, armenia, azerbaijan, geneva, name):
    file_name, data, row, field = BAD_FILES[name]
    before = counts()
    if file_name.endswith(".json"):
        response = post_document(analyst_api, data)
    else:
        response = analyst_api.post(
            f"/api/v1/agreements/{geneva.pk}/commitments/import/", data, content_type="text/csv"
        )
    assert response.status_code == 400, response.content
    body = response.json()
    assert {"row": row, "field": field} in [{"row": e["row"], "field": e["field"]} for e in body["errors"]]
    assert "preview" in body and body["ok"] is False
    assert counts() == before


def test_a_csv_import(analyst_api, armenia, azerbaijan, geneva):
    data = "reference,title,text,category,nature,parties,deadline_days\n"
    data += "9,Lists,Hand over lists.,prisoners,one_off,ARM AZE,7\n"
    response = analyst_api.post(
        f"/api/v1/agreements/{geneva.pk}/commitments/import/", data.encode("utf-8-sig"), content_type="text/csv"
    )
    assert response.status_code == 201, response.content
    assert geneva.commitments.get(reference="9").due_date.isoformat() == "2020-11-06"


def test_partners_cannot_import(partner_api, armenia, geneva):
    assert post_document(partner_api, document()).status_code == 403
    response = partner_api.post(f"/api/v1/agreements/{geneva.pk}/commitments/import/", b"x", content_type="text/csv")
    assert response.status_code == 403
    assert not Agreement.objects.exclude(pk=geneva.pk).exists()


def test_a_replayed_import_writes_once(analyst_api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "import-1"}
    first = analyst_api.post(IMPORT, json.dumps(document()), content_type="application/json", **headers)
    second = analyst_api.post(IMPORT, json.dumps(document()), content_type="application/json", **headers)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert Agreement.objects.count() == 1


def test_export_for_analysts_and_partners(analyst_api, partner_api, demo):
    from parties.models import Party

    Party.objects.filter(code="ARM").update(aliases=["Yerevan"], description="Background for analysts.")
    moscow = Agreement.objects.get(signed_on="2020-10-10")
    analyst_doc = analyst_api.get(f"/api/v1/agreements/{moscow.pk}/export/").json()
    partner_doc = partner_api.get(f"/api/v1/agreements/{moscow.pk}/export/").json()
    assert "internal_note" in json.dumps(analyst_doc)
    assert "internal_note" not in json.dumps(partner_doc)
    assert "Yerevan" in json.dumps(analyst_doc) and "Yerevan" not in json.dumps(partner_doc)
    assert "Background" not in json.dumps(partner_doc)
    assert partner_doc["commitments"][0]["status_updates"]


def test_partners_cannot_export_a_draft(analyst_api, partner_api, demo):
    draft = Agreement.objects.get(signed_on="2020-10-10")
    Agreement.objects.filter(pk=draft.pk).update(published=False)
    assert partner_api.get(f"/api/v1/agreements/{draft.pk}/export/").status_code == 404
    geneva = Agreement.objects.get(signed_on="2020-10-30")
    # The published agreement's relation to the draft is left out for partners.
    assert partner_api.get(f"/api/v1/agreements/{geneva.pk}/export/").json()["relations"] == []
    assert analyst_api.get(f"/api/v1/agreements/{geneva.pk}/export/").json()["relations"]


def test_the_schema_is_served(client):
    response = client.get("/api/v1/agreements/schema/", HTTP_ACCEPT="application/schema+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    assert response.json() == AGREEMENT_SCHEMA
    assert client.get("/api/v1/agreements/schema/").json()["$id"] == AGREEMENT_SCHEMA["$id"]


def test_an_exported_document_imports_through_the_api(analyst_api, demo):
    russia = Agreement.objects.get(signed_on="2020-10-31")
    doc = analyst_api.get(f"/api/v1/agreements/{russia.pk}/export/").json()
    doc["agreement"]["title"] += " (second copy)"
    response = post_document(analyst_api, doc)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b" " * (5 * 1024 * 1024 + 10), "size"),
        (b"[" * 100_000, "json"),
        (json.dumps({"a": "\x00"}).encode(), "a"),
        (b"", "json"),
    ],
)
def test_hostile_bodies_are_a_400_naming_the_problem(analyst_api, body, field):
    response = post_document(analyst_api, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"row": "document", "field": field} in [{"row": e["row"], "field": e["field"]} for e in errors]
    assert not Agreement.objects.exists()

"""/api/v1/exports/incidents.csv: one row per incident the caller may read, the list's
filters, the HXL row with ?hxl=1 (as the other CSVs), formulas neutralised, non-ASCII
kept, figures not reported left empty, never an internal note."""

import csv
import io
from datetime import date

import pytest

from commitments import incidents
from commitments.choices import IncidentRole
from commitments.models import Incident
from commitments.services import SourceInput

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/incidents.csv"
SECRET = "SECRET-NOTE-never-for-partners"


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300] if hasattr(response, "content") else response
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert SECRET not in text
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def recorded(analyst, armenia, azerbaijan, icrc):
    source = SourceInput(
        publisher='=HYPERLINK("http://x","y")', published_on=date(2020, 10, 20), url="https://example.org/a"
    )

    def make(published: bool, **fields):
        defaults = {
            "occurred_on": date(2020, 10, 17),
            "location": "Ganja",
            "event_type": "explosions_remote_violence",
            "sub_event_type": "shelling_artillery_missile_attack",
            "internal_note": SECRET,
        }
        return incidents.incident_create(
            fields=defaults | fields,
            parties=[
                (azerbaijan, IncidentRole.ALLEGED),
                (armenia, IncidentRole.ALLEGED),
                (icrc, IncidentRole.INVOLVED),
            ],
            sources=[source, SourceInput(publisher="HRW", published_on=date(2020, 10, 21))],
            published=published,
            user=analyst,
        )

    first = make(
        True,
        location="Placeholder",
        country="Azərbaycan",
        admin1="Gəncə",
        latitude="40.68280",
        longitude="46.36060",
        description='Ракетный удар; «кавычки», "quotes", a comma',
        fatalities=0,
        civilians_killed=None,
        civilians_injured=16,
    )
    # A place name as stored data could hold from before the input rules: by UPDATE.
    Incident.objects.filter(pk=first.pk).update(location="=cmd|' /C calc'!A0", admin2="-2+3", admin3="@SUM(1)")
    second = make(True, occurred_on=date(2020, 11, 1), event_type="battles", sub_event_type="armed_clash")
    draft = make(False)
    return first, second, draft


def test_one_row_per_incident_with_the_hxl_row(partner_api, recorded):
    first, second, _ = recorded
    header, hxl, *body = rows(partner_api.get(URL, {"hxl": "1"}))
    tags = dict(zip(header, hxl, strict=True))
    assert tags == {
        "id": "#event+id",
        "acled_event_id": "#event+code",
        "date": "#date+occurred",
        "country": "#country+name",
        "admin1": "#adm1+name",
        "admin2": "#adm2+name",
        "admin3": "#adm3+name",
        "location": "#loc+name",
        "latitude": "#geo+lat",
        "longitude": "#geo+lon",
        "event_type": "#event+type",
        "sub_event_type": "#event+type+sub",
        "description": "#description",
        "alleged_parties": "#group+code+alleged",
        "involved_parties": "#group+code+involved",
        "fatalities": "#affected+killed",
        "civilians_killed": "#affected+killed+civilians",
        "civilians_injured": "#affected+injured+civilians",
        "verification": "#status+verification",
        "confidence": "#meta+confidence",
        "sources": "#meta+source",
        "source_urls": "#meta+url",
        "updated_at": "#date+updated",
    }
    cells = [dict(zip(header, row, strict=True)) for row in body]
    assert [int(c["id"]) for c in cells] == [first.pk, second.pk]  # the draft is no partner's
    one = cells[0]
    assert one["date"] == "2020-10-17"
    assert (one["alleged_parties"], one["involved_parties"]) == ("ARM; AZE", "icrc")
    assert (one["fatalities"], one["civilians_killed"], one["civilians_injured"]) == ("0", "", "16")
    assert (one["latitude"], one["longitude"]) == ("40.68280", "46.36060")
    assert one["sources"] == '\'=HYPERLINK("http://x","y") (2020-10-20); HRW (2020-10-21)'
    assert one["source_urls"] == "https://example.org/a"
    assert one["updated_at"].endswith("+00")
    # Non-ASCII, quotes, commas and semicolons survive the round trip.
    assert (one["country"], one["admin1"]) == ("Azərbaycan", "Gəncə")
    assert one["description"] == 'Ракетный удар; «кавычки», "quotes", a comma'


def test_formulas_in_place_names_are_neutralised(partner_api, recorded):
    header, *body = rows(partner_api.get(URL))
    one = dict(zip(header, body[0], strict=True))
    assert one["location"] == "'=cmd|' /C calc'!A0"
    assert (one["admin2"], one["admin3"]) == ("'-2+3", "'@SUM(1)")
    assert header[0] == "id" and "#event+id" not in body[0]  # no HXL row unless asked


def test_the_list_filters_apply_and_analysts_get_drafts(partner_api, analyst_api, recorded):
    first, second, draft = recorded
    _, *body = rows(partner_api.get(URL, {"event_type": "battles"}))
    assert [int(r[0]) for r in body] == [second.pk]
    _, *body = rows(partner_api.get(URL, {"party": "icrc", "role": "alleged"}))
    assert body == []
    _, *body = rows(analyst_api.get(URL))
    assert sorted(int(r[0]) for r in body) == sorted([first.pk, second.pk, draft.pk])


def test_bad_filters_and_hxl_values_are_json_400s(partner_api, recorded):
    for query in ({"hxl": "maybe"}, {"verification": "sure"}, {"location": "\x00"}):
        response = partner_api.get(URL, query, HTTP_ACCEPT="text/csv")
        assert response.status_code == 400
        assert set(response.json()) == set(query)


def test_media_types_as_the_other_exports(partner_api, recorded, client):
    assert partner_api.get(URL, HTTP_ACCEPT="application/json").status_code == 406
    assert partner_api.get(URL, HTTP_ACCEPT="*/*").status_code == 200
    assert client.get(URL).status_code in (401, 403)

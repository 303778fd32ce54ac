"""The "Incidents" section of a commitment's and a party's page: the counts and weekly
chart the reader may see, "No incidents linked", the link to the narrowed incidents
list, the as-of view, and a query count that does not grow with the incidents."""

from datetime import date, timedelta
from html import unescape

import pytest

from commitments import incidents
from tests.commitments.incident_scenario import build, make_incident
from tests.commitments.list_helpers import queries, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(analyst, armenia, azerbaijan, make_commitment):
    return build(analyst=analyst, armenia=armenia, azerbaijan=azerbaijan, make_commitment=make_commitment)


def section(response) -> str:
    """The section's text, from its heading to the end of the section."""
    assert response.status_code == 200
    text = unescape(response.text)
    return text[text.index('<h2 id="incidents">') : text.index("</section>", text.index('<h2 id="incidents">'))]


def test_an_analyst_sees_drafts_counted_and_the_weekly_chart(client, analyst, scenario):
    sign_in(client, analyst)
    response = client.get(f"/commitments/{scenario.geneva.pk}/")
    counts = response.context["incidents"].counts
    assert (counts.linked, counts.civilians_killed, counts.civilians_injured) == (3, 9, 6)
    text = section(response)
    assert "<dt>Linked incidents</dt><dd>3</dd>" in text
    assert "Retracted incidents are not counted" in text
    assert "(not reported for 1 incident)" in text
    # The chart's table: one row per week with incidents, one column per party.
    assert "28 Dec 2020 (2020-W53)</th><td>1</td><td>2</td>" in text
    assert "4 Jan 2021 (2021-W01)</th><td>1</td><td>0</td>" in text
    assert 'class="incident-weeks chart-wide"' in text and 'class="incident-weeks chart-narrow"' in text
    assert f'href="/incidents/?commitment={scenario.geneva.pk}"' in text


def test_a_partner_sees_published_incidents_only(client, partner, scenario):
    sign_in(client, partner)
    text = section(client.get(f"/commitments/{scenario.geneva.pk}/"))
    assert "<dt>Linked incidents</dt><dd>2</dd>" in text
    assert "only published incidents are shown" in text
    assert "4 Jan 2021" not in text  # the draft's week
    text = section(client.get("/parties/ARM/"))
    assert "<dt>Linked incidents</dt><dd>1</dd>" in text  # not the draft, not the draft agreement's
    assert "<dt>Civilians injured</dt><dd>not reported</dd>" in text
    assert 'href="/incidents/?party=ARM"' in text


def test_none_linked_says_so(client, partner, analyst, make_commitment):
    commitment = make_commitment(title="Exchange remains")
    commitment.agreement.published = True
    commitment.agreement.save()
    sign_in(client, partner)
    text = section(client.get(f"/commitments/{commitment.pk}/"))
    assert "No incidents linked." in text and "<svg" not in text
    assert "No incidents linked." in section(client.get("/parties/AZE/"))


def test_as_of_shows_the_incidents_linked_by_then(client, analyst, scenario):
    sign_in(client, analyst)
    text = section(client.get(f"/commitments/{scenario.geneva.pk}/", {"as_of": "2021-01-05"}))
    assert "occurred on or before 5 Jan 2021 and were linked by then" in text
    assert "<dt>Linked incidents</dt><dd>2</dd>" in text
    text = section(client.get("/parties/AZE/", {"as_of": "2021-01-04"}))
    assert "No incidents linked by 4 Jan 2021." in text


@pytest.mark.parametrize("url", ["/commitments/{pk}/", "/parties/ARM/"])
def test_the_section_makes_as_many_queries_for_1_and_40_incidents(
    client, analyst, armenia, make_commitment, url, django_assert_max_num_queries
):
    commitment = make_commitment(title="Refrain from targeting civilians", nature="ongoing", deadline=None)
    obligation = commitment.obligations.get(party=armenia)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            # One every 9 days: weeks with incidents, weeks without, and gaps on the axis.
            day = date(2020, 11, 2) + timedelta(days=9 * i)
            made = make_incident(analyst, f"attack {i}", day, i, None, [armenia])
            incidents.incident_link(incident=made, obligations=[obligation], user=analyst)

    sign_in(client, analyst)
    add(1, 0)
    url = url.format(pk=commitment.pk)
    client.get(url)  # the session's first request writes what later ones do not
    few = queries(client, url)
    add(39, 1)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.context["incidents"].counts.linked == 40

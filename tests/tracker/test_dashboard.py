import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import pledge
from tracker import dashboard_charts
from tracker import services as engine
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_what_is_overdue_in_the_geneva_statement(client, analyst):
    load_demo()
    engine.deadline_sweep()
    client.force_login(analyst)
    page = client.get("/")
    assert page.status_code == 200
    overdue = [o.commitment.title for o in page.context["overdue"]]
    assert overdue.count("POW lists to the ICRC") == 2
    assert "Overdue now (oldest first)" in page.text
    assert len(page.context["alerts"]) >= 2


def test_search_filters_and_its_url_is_shareable(client, analyst):
    load_demo()
    engine.deadline_sweep()
    client.force_login(analyst)
    page = client.get("/search/", {"party": "AZE", "overdue": "true", "category": "prisoners"})
    assert [c.title for c in page.context["results"]] == ["POW lists to the ICRC"]
    assert page.context["filter"].form["category"].value() == "prisoners"
    bad = client.get("/search/", {"status": "kept"})
    assert bad.status_code == 400
    assert "status" in bad.context["filter"].errors
    assert list(bad.context["results"]) == []
    # A moment UTC cannot hold is an error at its field, not a server error.
    out_of_range = client.get("/search/", {"updated_since": "0001-01-01T00:00:00+15:00"})
    assert out_of_range.status_code == 400
    assert out_of_range.context["filter"].errors == {"updated_since": ["This moment is out of range."]}


def build(count, parties, analyst):
    for i in range(count):
        pledge(i, parties, analyst)
    engine.deadline_sweep()


@pytest.mark.parametrize("url", ["/", "/search/?category=prisoners"])
def test_page_queries_do_not_grow_with_the_rows(client, analyst, armenia, azerbaijan, url, monkeypatch):
    client.force_login(analyst)
    build(1, [armenia, azerbaijan], analyst)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)  # the dashboard's charts from the cache
    monkeypatch.setattr(dashboard_charts, "VERSION", "test")  # ...and drawn again
    with CaptureQueriesContext(connection) as one_drawn:
        client.get(url)
    build(30, [armenia, azerbaijan], analyst)
    with CaptureQueriesContext(connection) as many_drawn:
        client.get(url)  # new data: drawn again
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one) and len(many_drawn) == len(one_drawn)


NASTY = ["", "x" * 300, "-1", "9" * 30, "2020-13-45", "nul\x00byte", "<script>", "true", "AZE"]


def test_no_search_input_makes_a_server_error(client, analyst, geneva):
    client.force_login(analyst)
    params = list(client.get("/search/").context["filter"].form.fields)
    assert {"agreement", "party", "category", "status", "overdue", "q"} <= set(params)
    for param in params:
        for value in NASTY:
            response = client.get("/search/", {param: value})
            if "\x00" in value:  # refused before the page, as everywhere: a 400 naming the parameter
                assert (response.status_code, list(response.json())) == (400, [param])
            else:
                assert response.status_code in (200, 400), (param, value)


@pytest.mark.parametrize(("param", "value", "takes"), [("overdue", "yes", "true or false"), ("party", "XYZ", "party")])
def test_a_value_the_search_does_not_take_is_shown_at_its_field(client, analyst, geneva, param, value, takes):
    """?overdue=yes once searched without the filter and showed every commitment."""
    client.force_login(analyst)
    page = client.get("/search/", {param: value})
    assert page.status_code == 400
    assert list(page.context["results"]) == []
    errors = page.context["filter"].errors
    assert list(errors) == [param] and takes in errors[param][0]
    # The message is on the page, in the field's box, and the field points to it.
    assert f'<ul class="errorlist" id="id_{param}_error">' in page.text
    assert f'name="{param}" aria-invalid="true" aria-describedby="id_{param}_helptext id_{param}_error"' in page.text

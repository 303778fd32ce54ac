from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from commitments.choices import Category, Nature
from commitments.models import Agreement, Commitment
from parties.models import Party

pytestmark = pytest.mark.django_db


def load(debug: bool, settings) -> str:
    settings.DEBUG = debug
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows in every table of the project's apps, historical tables included."""
    return {
        model._meta.label: model.objects.count()
        for label in ("parties", "commitments", "auth")
        for model in apps.get_app_config(label).get_models()
    }


def test_demo_loads_the_geneva_statement_and_what_it_implements(settings):
    load(False, settings)
    geneva = Agreement.objects.get(venue="Geneva")
    assert geneva.signed_on == date(2020, 10, 30)
    assert geneva.timezone == "Europe/Zurich"
    roles = {(p.party.code, p.role) for p in geneva.participants.select_related("party")}
    assert {("ARM", "signatory"), ("AZE", "signatory")} <= roles
    assert {("FRA", "mediator"), ("RUS", "mediator"), ("USA", "mediator")} <= roles
    moscow = geneva.related_agreements.get()
    assert moscow.signed_on == date(2020, 10, 10)
    assert geneva.relations.get().kind == "implements"

    categories = dict(geneva.commitments.values_list("category", "nature"))
    assert categories == {
        "civilian_protection": "ongoing",
        "remains_exchange": "ongoing",
        "prisoners": "one_off",
        "verification": "one_off",
        "ceasefire": "ongoing",
    }
    for commitment in geneva.commitments.all():
        assert set(commitment.obligations.values_list("party__code", flat=True)) == {"ARM", "AZE"}


def test_demo_pow_lists_go_to_the_icrc_and_fall_due_at_the_end_of_6_november(settings):
    load(False, settings)
    lists = Commitment.objects.get(category=Category.PRISONERS)
    assert "icrc" in set(lists.recipients.values_list("code", flat=True))
    assert lists.due_date == date(2020, 11, 6)
    assert lists.due_at == datetime(2020, 11, 6, 23, tzinfo=UTC)
    assert set(lists.obligations.values_list("status", flat=True)) == {"not_started"}


def test_demo_has_the_moscow_ceasefire_and_russias_conditional_pledge(settings):
    load(False, settings)
    ceasefire = Commitment.objects.get(agreement__signed_on=date(2020, 10, 10))
    assert ceasefire.status == "violated"
    assert ceasefire.obligations.first().status_updates.get().sources.exists()
    pledge = Commitment.objects.get(nature=Nature.CONDITIONAL)
    assert pledge.condition
    assert list(pledge.obligations.values_list("party__code", flat=True)) == ["RUS"]


def test_running_the_demo_twice_changes_nothing(settings):
    load(True, settings)
    before = row_counts()
    history_before = Commitment.history.count()
    output = load(True, settings)
    assert row_counts() == before
    assert Commitment.history.count() == history_before
    assert "nothing changed" in output


def test_in_debug_the_demo_creates_and_prints_an_analyst_login(settings, client):
    output = load(True, settings)
    assert "username 'analyst'" in output
    password = output.split("password '")[1].split("'")[0]
    assert "/accounts/login/" in output
    # Through the login form: client.login() gives django-axes no request to check.
    assert client.post("/accounts/login/", {"username": "analyst", "password": password}).status_code == 302
    page = client.get("/admin/commitments/commitment/")
    assert page.status_code == 200
    assert "POW lists to the ICRC" in page.text
    # The demo is swept as it loads: the dashboard shows what is overdue at once.
    assert "deadline sweep: 4 obligation(s) flagged overdue" in output
    overdue = client.get("/").context["overdue"]
    assert {(o.commitment.title, o.party.code) for o in overdue} >= {
        ("POW lists to the ICRC", "ARM"),
        ("POW lists to the ICRC", "AZE"),
    }


def test_without_debug_the_demo_creates_no_login(settings):
    from django.contrib.auth import get_user_model

    output = load(False, settings)
    assert "password" not in output
    assert not get_user_model().objects.filter(is_active=True).exists()


def test_demo_maps_acleds_names_of_the_two_armies_and_of_civilians(settings):
    from commitments.acled import actor_map

    load(False, settings)
    mapping = actor_map()
    assert mapping["military forces of azerbaijan (1993-)"] == Party.objects.get(code="AZE").pk
    assert mapping["military forces of armenia (2018-)"] == Party.objects.get(code="ARM").pk
    assert mapping["civilians (armenia)"] is None  # known, and no party

"""The agreements list (/agreements/): search, filters, counts by status, sort, pages,
strict values, and drafts kept from partners."""

from datetime import date

import pytest

from commitments import services
from commitments.choices import Category, Nature
from commitments.models import Agreement
from parties.models import Party
from tests.commitments.list_helpers import draft_agreement, queries, sign_in
from tests.factories import AgreementFactory
from tracker import services as engine
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db

MOSCOW = "Moscow joint statement on a humanitarian ceasefire"
GENEVA = "Statement of the OSCE Minsk Group co-chairs on the Geneva meeting"
RUSSIA = "Statement of the Russian Foreign Ministry on assistance to Armenia"
DRAFT = "Secret draft truce"
QUERY_BUDGET = 10


@pytest.fixture
def demo(analyst):
    load_demo()
    engine.deadline_sweep()
    return draft_agreement(Party.objects.get(code="AZE"), analyst, title=DRAFT)


def titles(response) -> list[str]:
    return [agreement.title for agreement, _ in response.context["rows"]]


def listed(client, **params) -> list[str]:
    response = client.get("/agreements/", params)
    assert response.status_code == 200, response.context["filter"].form.errors
    return titles(response)


def test_the_list_needs_a_login_and_a_role(client, demo):
    assert client.get("/agreements/")["Location"].startswith("/accounts/login/")


def test_an_analyst_sees_every_agreement_newest_first_with_drafts_marked(client, analyst, demo):
    sign_in(client, analyst)
    response = client.get("/agreements/")
    assert titles(response) == [DRAFT, RUSSIA, GENEVA, MOSCOW]
    assert '<span class="badge">Draft</span>' in response.text
    assert 'href="/commitments/agreements/' in response.text  # each row links to its page
    assert '<a href="/agreements/">Agreements</a>' in response.text  # in the site's navigation


def test_counts_of_obligations_by_status_per_agreement(client, analyst, demo):
    sign_in(client, analyst)
    rows = dict(client.get("/agreements/").context["rows"])
    counts = {a.title: {status: n for status, _, n in c} for a, c in rows.items()}
    # Moscow binds Armenia and Azerbaijan to one ceasefire, which both violated; Geneva
    # binds both to five pledges (the POW lists overdue after the sweep, still open).
    assert counts[MOSCOW] == {"violated": 2}
    assert sum(counts[GENEVA].values()) == 10
    assert counts[DRAFT] == {"not_started": 1}
    page = client.get("/agreements/").text
    assert "Violated: 2" in page


def test_search_reads_title_venue_and_summary(client, analyst, demo):
    sign_in(client, analyst)
    assert listed(client, q="co-chairs") == [GENEVA]
    assert listed(client, q="tbilisi") == [DRAFT]  # venue
    assert listed(client, q="with russia's mediation") == [MOSCOW]  # summary
    assert listed(client, q="nothing like this") == []


def test_the_party_filter_finds_participants_and_bound_parties(client, analyst, demo):
    sign_in(client, analyst)
    assert listed(client, party="FRA") == [GENEVA]  # a mediator, bound by nothing
    assert listed(client, party="RUS") == [RUSSIA, GENEVA, MOSCOW]
    extra = AgreementFactory(title="Bound only", signed_on=date(2019, 5, 1), published=True)
    services.commitment_create(
        agreement=extra,
        reference="1",
        title="Bound without a role",
        text="t",
        category=Category.OTHER,
        nature=Nature.ONGOING,
        parties=[Party.objects.get(code="USA")],
        user=demo.history.first().history_user,
    )
    assert listed(client, party="USA") == [GENEVA, "Bound only"]


def test_the_status_filter_with_and_without_a_party(client, analyst, demo):
    sign_in(client, analyst)
    assert listed(client, status="violated") == [MOSCOW]
    assert listed(client, status="not_started") == [DRAFT, RUSSIA, GENEVA]
    # With a party: that party's obligations (the draft binds Azerbaijan only).
    assert listed(client, status="not_started", party="AZE") == [DRAFT, GENEVA]
    assert listed(client, status="not_started", party="ARM") == [GENEVA]
    assert listed(client, status="not_started", party="RUS") == [RUSSIA]
    assert listed(client, status="fulfilled") == []


def test_date_range_kind_and_published(client, analyst, demo):
    sign_in(client, analyst)
    assert listed(client, signed_from="2020-10-30", signed_to="2020-10-31") == [RUSSIA, GENEVA]
    assert listed(client, signed_to="2020-10-10") == [MOSCOW]
    assert listed(client, kind="ceasefire_agreement") == [MOSCOW]
    assert listed(client, published="false") == [DRAFT]
    assert listed(client, published="true") == [RUSSIA, GENEVA, MOSCOW]
    # The calendar's ends are dates like any other.
    assert listed(client, signed_from="0001-01-01", signed_to="9999-12-31") == [DRAFT, RUSSIA, GENEVA, MOSCOW]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-date", [DRAFT, RUSSIA, GENEVA, MOSCOW]),
        ("date", [MOSCOW, GENEVA, RUSSIA, DRAFT]),
        ("title", [MOSCOW, DRAFT, GENEVA, RUSSIA]),
        ("-title", [RUSSIA, GENEVA, DRAFT, MOSCOW]),
        ("-commitments", [GENEVA, DRAFT, RUSSIA, MOSCOW]),  # ties: newest first
        ("commitments", [DRAFT, RUSSIA, MOSCOW, GENEVA]),
    ],
)
def test_sorts(client, analyst, demo, sort, expected):
    sign_in(client, analyst)
    assert listed(client, sort=sort) == expected


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"sort": "newest"}, "sort", "Unknown value 'newest': use one of -date, date, title"),
        ({"sort": "signed_on"}, "sort", "Unknown value"),
        ({"status": "done"}, "status", "Unknown value 'done': use one of not_started"),
        ({"kind": "treaty"}, "kind", "Unknown value 'treaty'"),
        ({"party": "XYZ"}, "party", "No party has the code 'XYZ'"),
        ({"published": "yes"}, "published", "Unknown value 'yes': use true or false"),
        ({"signed_from": "2020-13-01"}, "signed_from", "Enter a valid date."),
        ({"signed_to": "0000-01-01"}, "signed_to", "Enter a valid date."),
        ({"signed_from": "2020-11-01", "signed_to": "2020-10-01"}, "signed_to", "before the one in"),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
    ],
)
def test_a_value_a_filter_does_not_know_is_a_400_at_its_field(client, analyst, demo, params, field, message):
    sign_in(client, analyst)
    response = client.get("/agreements/", params)
    assert response.status_code == 400
    errors = response.context["filter"].form.errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert 'aria-invalid="true"' in response.text  # shown at the field, the input kept
    assert response.context["rows"] == []


@pytest.mark.parametrize("field", ["q", "party", "sort"])
def test_a_nul_is_a_400_naming_the_field(client, analyst, demo, field):
    sign_in(client, analyst)
    response = client.get("/agreements/", {field: "AZE\x00"})
    assert response.status_code == 400
    assert response.json() == {field: ["Null characters are not allowed."]}


def test_a_partner_sees_published_agreements_only(client, partner, demo):
    sign_in(client, partner)
    response = client.get("/agreements/")
    assert titles(response) == [RUSSIA, GENEVA, MOSCOW]
    assert DRAFT not in response.text
    assert "Draft" not in response.text  # no badge, no published/draft filter
    assert "published" not in response.context["filter"].form.fields
    # Asking for drafts, by any road, finds none.
    for params in ({"published": "false"}, {"q": "secret"}, {"q": "tbilisi"}, {"party": "AZE", "sort": "date"}):
        assert DRAFT not in client.get("/agreements/", params).text
    assert listed(client, published="false") == [RUSSIA, GENEVA, MOSCOW]  # not a filter partners have
    assert "New agreement" not in response.text


def test_pages_keep_the_filters_and_sort(client, analyst, demo):
    sign_in(client, analyst)
    for i in range(30):
        AgreementFactory(title=f"Truce {i:02d}", signed_on=date(2019, 1, 1 + i % 28))
    first = client.get("/agreements/", {"q": "truce", "sort": "title"})
    assert first.status_code == 200
    # Moscow (its summary tells of truces), "Secret draft truce", then 30 truces.
    assert titles(first)[:3] == [MOSCOW, DRAFT, "Truce 00"]
    assert len(titles(first)) == 25
    assert "32 agreements, page 1 of 2" in first.text
    assert 'href="?q=truce&amp;sort=title&amp;page=2" rel="next"' in first.text
    second = client.get("/agreements/", {"q": "truce", "sort": "title", "page": "2"})
    assert titles(second) == [f"Truce {i:02d}" for i in range(23, 30)]
    assert 'href="?q=truce&amp;sort=title&amp;page=1" rel="prev"' in second.text
    assert 'aria-current="page"' in second.text
    # A new sort starts again at page 1.
    assert 'href="?q=truce&amp;sort=-title"' in second.text


@pytest.mark.parametrize(
    ("number", "status", "message"),  # not "page": pytest-playwright's fixture
    [
        ("abc", 400, "Unknown page: use a whole number from 1."),
        ("0", 400, "greater than or equal to 1"),
        ("99999999999999999999", 400, "less than or equal to 1000000000"),
        ("9", 404, "There is no page 9: the list has 1 page."),
    ],
)
def test_a_page_that_is_not_there(client, analyst, demo, number, status, message):
    sign_in(client, analyst)
    response = client.get("/agreements/", {"page": number})
    assert response.status_code == status
    assert message in response.text


def test_the_list_makes_as_many_queries_for_1_and_25_agreements(client, analyst, armenia, azerbaijan):
    sign_in(client, analyst)

    def add(n: int) -> None:
        for i in range(n):
            agreement = AgreementFactory(title=f"A{Agreement.objects.count()}-{i}", published=bool(i % 2))
            services.agreement_update(
                agreement=agreement, user=analyst, participants=[(armenia, "signatory"), (azerbaijan, "mediator")]
            )
            for ref in ("1", "2"):
                services.commitment_create(
                    agreement=agreement,
                    reference=ref,
                    title="t",
                    text="t",
                    category=Category.OTHER,
                    nature=Nature.ONGOING,
                    parties=[armenia, azerbaijan],
                    user=analyst,
                )

    add(1)
    url = "/agreements/?party=ARM&status=not_started&sort=-commitments"
    one = queries(client, url)
    add(29)
    assert queries(client, url) == one
    # Login and role (3), the party picker, the party's code, the count, the page, the
    # page's counts by status, and the request's savepoint.
    assert one <= QUERY_BUDGET, f"{one} queries"
    assert queries(client, "/agreements/?page=2") <= QUERY_BUDGET

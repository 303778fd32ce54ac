"""Issue 12's must-show: an analyst enters a real agreement from the pages alone (four
parties, eight commitments, one deadline chained to another commitment), publishes it, and
a partner's API token then reads it over HTTP from the live server, as a dashboard would.

The agreement is the trilateral statement of 9/10 November 2020 (Armenia, Azerbaijan,
Russia; tests/fixtures/ceasefire_texts/trilateral_2020_11_10.txt), signed after midnight
Moscow time: its date is 10 November 2020 and its zone Europe/Moscow (UTC+3, no summer
time since 2014), so a due date ends at 21:00 UTC. Armenia and Azerbaijan are in the
database already; Russia and the UNHCR (named in point 7) are created from the pages.
"""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from commitments.models import Agreement
from tests.browser.steps import log_in
from tracker.models import ApiToken

# Migrations create the analysts group and the beat schedule: a plain flush after these
# transactional tests would delete them for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Trilateral statement on the Nagorno-Karabakh ceasefire"
VENUE = "Moscow"
ZONE = "Europe/Moscow"
SOURCE_URL = "http://kremlin.ru/events/president/news/64384"


@dataclass(frozen=True)
class Row:
    """One commitment as the analyst types it on the commitments page."""

    reference: str
    title: str
    text: str
    category: str  # the choice's label
    nature: str  # the choice's label
    parties: tuple[str, ...]
    recipients: tuple[str, ...] = ()
    date: str = ""  # a dated deadline (YYYY-MM-DD)
    days: int | None = None  # "within N days" of the agreement, or of `after`
    after: str = ""  # the reference of the commitment whose fulfilment the days count from
    expected_due_at: str | None = None  # what the API gives, in UTC
    expected_due_date: str | None = None
    extra: dict = field(default_factory=dict)


ONE_OFF = "One-off (has a deadline)"
# The statement sets dates for points 2 and 6 and "three years" for the new route; it sets
# no period for the peacekeepers' deployment, the returns, the exchange of prisoners or
# the relocation of the peacekeepers: the days given for those are this test's own.
ROWS = [
    Row(
        "2",
        "Agdam District returned to Azerbaijan",
        "The Agdam District shall be returned to the Republic of Azerbaijan before November 20, 2020.",
        "Withdrawal",
        ONE_OFF,
        ("ARM",),
        ("AZE",),
        date="2020-11-19",
        expected_due_date="2020-11-19",
        expected_due_at="2020-11-19T21:00:00Z",
    ),
    Row(
        "3",
        "Russian peacekeeping force deployed",
        "A peacekeeping force of the Russian Federation shall be deployed along the contact line in "
        "Nagorno-Karabakh and along the Lachin Corridor.",
        "Security guarantee",
        ONE_OFF,
        ("RUS",),
        days=3,
        expected_due_date="2020-11-13",
        expected_due_at="2020-11-13T21:00:00Z",
    ),
    Row(
        "6.1",
        "Kalbajar District ceded to Azerbaijan",
        "The Republic of Armenia shall cede the Kalbajar District to the Republic of Azerbaijan before "
        "November 15, 2020.",
        "Withdrawal",
        ONE_OFF,
        ("ARM",),
        ("AZE",),
        date="2020-11-14",
        expected_due_date="2020-11-14",
        expected_due_at="2020-11-14T21:00:00Z",
    ),
    Row(
        "6.2",
        "Lachin District ceded to Azerbaijan",
        "The Republic of Armenia shall cede the Lachin District to the Republic of Azerbaijan before December 1, 2020.",
        "Withdrawal",
        ONE_OFF,
        ("ARM",),
        ("AZE",),
        date="2020-11-30",
        expected_due_date="2020-11-30",
        expected_due_at="2020-11-30T21:00:00Z",
    ),
    Row(
        "6.3",
        "Plan for a new route via the Lachin Corridor",
        "By agreement of the Parties, within the next three years, a plan will be outlined for the "
        "construction of a new route via the Lachin Corridor.",
        "Other",
        ONE_OFF,
        ("ARM", "AZE"),
        days=1095,
        expected_due_date="2023-11-10",
        expected_due_at="2023-11-10T21:00:00Z",
    ),
    Row(
        "6.4",
        "Peacekeepers relocated to protect the new route",
        "The Russian peacekeeping force shall be subsequently relocated to protect the route.",
        "Security guarantee",
        ONE_OFF,
        ("RUS",),
        days=30,
        after="6.3",  # chained: 30 days after the plan for the new route is fulfilled
    ),
    Row(
        "7",
        "Return of displaced persons and refugees",
        "Internally displaced persons and refugees shall return to Nagorno-Karabakh and adjacent areas "
        "under the supervision of the Office of the United Nations High Commissioner for Refugees.",
        "Return of displaced people",
        ONE_OFF,
        ("ARM", "AZE"),
        ("unhcr",),
        days=365,
        expected_due_date="2021-11-10",
        expected_due_at="2021-11-10T21:00:00Z",
    ),
    Row(
        "8",
        "Exchange of prisoners of war and the dead",
        "The Parties shall exchange prisoners of war, hostages and other detained persons, and dead bodies.",
        "Prisoners of war and detainees",
        ONE_OFF,
        ("ARM", "AZE"),
        days=30,
        expected_due_date="2020-12-10",
        expected_due_at="2020-12-10T21:00:00Z",
    ),
]
CHECKED = ROWS[-1]  # the row whose due moment is checked on the pages
PARTICIPANTS = {"ARM": "signatory", "AZE": "signatory", "RUS": "signatory", "unhcr": "other"}


# --- HTTP as a partner's dashboard does it ------------------------------------------------


@pytest.fixture
def partner_http(playwright, live_server, partner):
    """A partner's dashboard: plain HTTP to the live server with a read-only API token
    issued by the project's service, and no cookie of the browser's."""
    _, key = ApiToken.issue(user=partner, read_only=True, name="partner dashboard")
    http = playwright.request.new_context(
        base_url=live_server.url, extra_http_headers={"Authorization": f"Token {key}", "Accept": "application/json"}
    )
    yield http
    http.dispose()


def api_get(http, path: str) -> tuple[int, dict]:
    response = http.get(path)
    return response.status, response.json()


# --- The pages ------------------------------------------------------------------------------


def create_party(page: Page, *, code: str, name: str, short_name: str, kind: str, aliases: list[str]) -> None:
    page.goto("/parties/new/")
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Code").fill(code)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Short name").fill(short_name)
    page.get_by_label("Aliases").fill("\n".join(aliases))
    page.get_by_role("button", name=re.compile(r"^(Create|Save)")).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def fill_agreement(page: Page) -> None:
    page.goto("/commitments/agreements/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Kind").select_option(label="Joint statement")
    page.get_by_label("Date").fill("2020-11-10")
    page.get_by_label("Venue", exact=True).fill(VENUE)
    # The zone: typed, then picked from the suggestions with the keyboard.
    zone = page.get_by_role("combobox", name=re.compile("time zone", re.I))
    zone.fill("")
    zone.press_sequentially("mosc")
    expect(page.get_by_role("option", name=ZONE)).to_be_visible()
    zone.press("ArrowDown")
    zone.press("Enter")
    expect(zone).to_have_value(ZONE)


def test_an_analyst_enters_the_trilateral_statement_and_a_partner_reads_it(
    page: Page, partner_http, armenia, azerbaijan, analyst, screenshot
):
    log_in(page, analyst.username)

    create_party(
        page, code="RUS", name="Russian Federation", short_name="Russia", kind="State", aliases=["Russian", "Moscow"]
    )
    create_party(
        page,
        code="unhcr",
        name="Office of the United Nations High Commissioner for Refugees",
        short_name="UNHCR",
        kind="International organisation",
        aliases=["UN refugee agency"],
    )

    fill_agreement(page)
    pytest.fail("the rest waits for the pages")

    agreement = Agreement.objects.get(title=TITLE)
    status, _ = api_get(partner_http, f"/api/v1/agreements/{agreement.pk}/")
    assert status == 404

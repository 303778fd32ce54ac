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
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from commitments.models import Agreement
from core.models import ApiToken
from tests.browser.steps import log_in

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
PLAN, RELOCATION = ROWS[4], ROWS[5]
assert RELOCATION.after == PLAN.reference
SHORT_NAMES = {"ARM": "Armenia", "AZE": "Azerbaijan", "RUS": "Russia", "unhcr": "UNHCR"}
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


def exactly(label: str) -> re.Pattern:
    """A field's label (Django's forms end it with a colon)."""
    return re.compile(rf"^{re.escape(label)}:?$")


# --- The pages ------------------------------------------------------------------------------


def create_party(page: Page, *, code: str, name: str, short_name: str, kind: str, aliases: list[str]) -> None:
    page.goto("/parties/new/")
    page.get_by_label(exactly("Code")).fill(code)
    page.get_by_label(exactly("Name")).fill(name)
    page.get_by_label(exactly("Short name")).fill(short_name)
    page.get_by_label(exactly("Kind")).select_option(label=kind)
    page.get_by_label(exactly("Aliases")).fill("\n".join(aliases))
    page.get_by_role("button", name="Create party").click()
    expect(page.get_by_role("heading", name=f"{name} ({code})", level=1)).to_be_visible()


def fill_agreement(page: Page) -> None:
    """The agreement's own fields; the title typed and left with Tab, the zone searched and
    picked with the keyboard."""
    page.goto("/commitments/agreements/new/")
    title = page.get_by_label(exactly("Title"))
    title.focus()
    page.keyboard.type(TITLE)
    page.keyboard.press("Tab")
    expect(page.get_by_label(exactly("Kind"))).to_be_focused()
    page.get_by_label(exactly("Kind")).select_option(label="Joint statement")
    page.get_by_label(exactly("Date")).fill("2020-11-10")
    page.get_by_label(exactly("Venue")).fill(VENUE)
    # The zone: a search among the IANA zones as one types, not a select of all of them;
    # picked with the keyboard (Down to the suggestion, Enter picks it, not the form).
    zone = page.get_by_role("combobox", name=exactly("Venue time zone"))
    zone.select_text()
    page.keyboard.type("mosc")
    suggestions = page.get_by_role("listbox", name="Matching time zones")
    expect(suggestions.get_by_role("option", name=ZONE, exact=True)).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(zone).to_have_value(ZONE)
    expect(suggestions).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/commitments/agreements/new/$"))  # Enter did not submit


def add_participants_and_source(page: Page) -> None:
    parties = page.get_by_role("region", name="Parties")
    for index, (code, role) in enumerate(PARTICIPANTS.items(), start=1):
        if parties.get_by_role("group", name=f"Party {index}", exact=True).count() == 0:
            parties.get_by_role("button", name="Add a party").click()
        group = parties.get_by_role("group", name=f"Party {index}", exact=True)
        group.get_by_label(exactly("Party")).select_option(label=SHORT_NAMES[code])
        group.get_by_label(exactly("Role")).select_option(role)
    source = page.get_by_role("region", name="Sources").get_by_role("group", name="Source 1", exact=True)
    source.get_by_label(exactly("Publisher")).fill("President of Russia")
    source.get_by_label(exactly("URL")).fill(SOURCE_URL)
    source.get_by_label(exactly("Document title")).fill(
        "Statement by President of the Republic of Azerbaijan, Prime Minister of the Republic of Armenia "
        "and President of the Russian Federation"
    )
    source.get_by_label(exactly("Publication date")).fill("2020-11-10")
    source.get_by_label(exactly("Language")).fill("en")


def commitment_row(page: Page, number: int):
    return page.get_by_role("group", name=f"Commitment {number}", exact=True)


DEADLINE_KINDS = {
    "date": "By a date",
    "days": "Within N days of the agreement",
    "after": "Within N days after another commitment is fulfilled",
}


def fill_row(group, row: Row) -> None:
    group.get_by_label(exactly("Reference")).fill(row.reference)
    group.get_by_label(exactly("Title")).fill(row.title)
    group.get_by_label(exactly("Text")).fill(row.text)
    group.get_by_label(exactly("Category")).select_option(label=row.category)
    group.get_by_label(exactly("Nature")).select_option(label=row.nature)
    group.get_by_label(exactly("Bound parties")).select_option(list(row.parties))
    if row.recipients:
        group.get_by_label(exactly("Recipients")).select_option(list(row.recipients))
    kind = "date" if row.date else "after" if row.after else "days"
    group.get_by_role("radio", name=DEADLINE_KINDS[kind]).check()
    if row.date:
        group.get_by_label(exactly("Due on")).fill(row.date)
    else:
        group.get_by_label(exactly("Within days")).fill(str(row.days))
    if row.after:
        group.get_by_label(exactly("Counted from the fulfilment of")).fill(row.after)


def add_row(page: Page, number: int):
    """The page's "Add a commitment": a new row whose first field has the focus."""
    group = commitment_row(page, number)
    if number > 1:  # a fresh page has one blank row
        page.get_by_role("button", name="Add a commitment").click()
        expect(group.get_by_label(exactly("Reference"))).to_be_focused()
    return group


def due_moment(group):
    return group.get_by_role("status")


def enter_commitments(page: Page) -> None:
    """The eight rows, entered as an analyst might: the relocation (chained to the plan for
    the new route) typed before the plan, the plan then moved up above it; and a stray
    row added and removed."""
    plan, relocation = ROWS.index(PLAN), ROWS.index(RELOCATION)
    order = [*ROWS[:plan], RELOCATION, PLAN, *ROWS[relocation + 1 :]]
    for number, row in enumerate(order, start=1):
        group = add_row(page, number)
        fill_row(group, row)
        if row is RELOCATION:
            # Chained to a reference no row has yet: it is not due until the plan is fulfilled.
            expect(due_moment(group)).to_have_text(f"{row.days} days after {row.after} is fulfilled; not yet due")
        if row is CHECKED:
            # As typed, before saving: the due moment in the venue's zone and in UTC.
            expect(due_moment(group)).to_have_text("end of 10 Dec 2020 (Europe/Moscow) = 10 Dec 2020 21:00 UTC")

    # Reorder with the keyboard: the plan (row plan + 2) moves up above the relocation.
    move_up = page.get_by_role("button", name=f"Move up commitment {relocation + 1}")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=f"Move up commitment {plan + 1}")).to_be_focused()
    for number, row in enumerate(ROWS, start=1):
        expect(commitment_row(page, number).get_by_label(exactly("Reference"))).to_have_value(row.reference)

    stray = add_row(page, len(ROWS) + 1)
    stray.get_by_label(exactly("Reference")).fill("9")
    stray.get_by_role("button", name=f"Remove commitment {len(ROWS) + 1}").click()
    expect(commitment_row(page, len(ROWS) + 1)).to_have_count(0)
    expect(page.get_by_role("group", name=re.compile(r"^Commitment \d+$"))).to_have_count(len(ROWS))


def fits_the_screen(page: Page, what: str) -> None:
    """Nothing wider than the screen; if something is, the text that sticks out is named."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = page.evaluate(WIDE_TEXT)
        raise AssertionError(f"{what}: the page is {width[0]} px wide on a {width[1]} px screen: {wide}")


WIDE_TEXT = """() => {
  const wide = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > window.innerWidth + 1) wide.push(node.textContent.slice(0, 100));
  }
  return wide.slice(0, 5);
}"""


def check_partner_reads(http, pk: int) -> None:
    status, agreement = api_get(http, f"/api/v1/agreements/{pk}/")
    assert status == 200, agreement
    assert (agreement["title"], agreement["kind"], agreement["date"], agreement["venue"], agreement["timezone"]) == (
        TITLE,
        "joint_statement",
        "2020-11-10",
        VENUE,
        ZONE,
    )
    assert agreement["published"] is True
    assert {p["party"]: p["role"] for p in agreement["participants"]} == PARTICIPANTS
    assert [s["url"] for s in agreement["sources"]] == [SOURCE_URL]
    status, unhcr = api_get(http, "/api/v1/parties/unhcr/")  # created from the party page
    assert (status, unhcr["short_name"], unhcr["kind"]) == (200, "UNHCR", "international_organisation")

    status, page = api_get(http, f"/api/v1/commitments/?agreement={pk}")
    assert status == 200, page
    commitments = {c["reference"]: c for c in page["results"]}
    assert sorted(commitments) == sorted(row.reference for row in ROWS)
    ids = {reference: c["id"] for reference, c in commitments.items()}
    for row in ROWS:
        got = commitments[row.reference]
        assert (got["title"], got["text"], got["agreement"]) == (row.title, row.text, pk)
        assert sorted(o["party"] for o in got["obligations"]) == sorted(row.parties)
        assert sorted(got["recipients"]) == sorted(row.recipients)
        deadline = got["deadline"]
        if row.date:
            assert (deadline["kind"], deadline["date"], deadline["days"]) == ("date", row.date, None)
        else:
            after = ids[row.after] if row.after else "agreement"
            assert (deadline["kind"], deadline["days"], deadline["after"]) == ("relative", row.days, after)
        assert (deadline["due_date"], deadline["due_at"], got["due_at"]) == (
            row.expected_due_date,
            row.expected_due_at,
            row.expected_due_at,
        ), row.reference
        assert all(o["due_at"] == row.expected_due_at for o in got["obligations"]), row.reference


SLOW_WRITE_MS = 20_000
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_analyst_enters_the_trilateral_statement_and_a_partner_reads_it(
    page: Page, partner_http, armenia, azerbaijan, analyst, screenshot, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
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
    add_participants_and_source(page)
    fits_the_screen(page, "the agreement form")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_have_text("Agreement saved as a draft.", timeout=SLOW_WRITE_MS)
    expect(page).to_have_url(re.compile(r"/commitments/agreements/\d+/$"))
    agreement = Agreement.objects.get(title=TITLE)
    assert not agreement.published

    # A draft: the partner's token does not see it.
    assert api_get(partner_http, f"/api/v1/agreements/{agreement.pk}/")[0] == 404

    page.get_by_role("link", name="Enter commitments").click()
    expect(page).to_have_url(re.compile(rf"/commitments/agreements/{agreement.pk}/commitments/new/$"))
    enter_commitments(page)
    fits_the_screen(page, "the commitments page")
    if viewport == "laptop":  # a full-page screenshot of the phone's long page costs seconds
        screenshot(page, "intake-commitments")
    # Saved from the keyboard. (A click right after a full-page screenshot can be lost in
    # headless Chromium: the screenshot resizes the viewport and back.)
    page.get_by_role("button", name="Save the commitments").focus()
    page.keyboard.press("Enter")
    # Eight rows in one transaction, with their history and due moments: on a busy machine
    # this takes longer than expect's default 5 s.
    expect(page).to_have_url(re.compile(rf"/commitments/agreements/{agreement.pk}/$"), timeout=SLOW_WRITE_MS)
    expect(page.get_by_role("status")).to_have_text("8 commitments saved.")
    assert agreement.commitments.count() == len(ROWS)

    # The agreement page gives each due moment in the venue's zone and in UTC; the chained
    # one says what it waits for.
    def table_row(row: Row):
        return page.get_by_role("row").filter(has=page.get_by_role("link", name=row.title, exact=True))

    due = f"end of 10 Dec 2020 ({ZONE}) = 10 Dec 2020 21:00 UTC"
    expect(table_row(CHECKED).get_by_role("cell").last).to_have_text(due)
    expect(table_row(RELOCATION).get_by_role("cell").last).to_contain_text("not yet due")
    expect(page.get_by_role("row")).to_have_count(1 + len(ROWS))
    fits_the_screen(page, "the agreement page")
    # Still a draft: nothing of it in the partner's lists.
    assert api_get(partner_http, f"/api/v1/commitments/?agreement={agreement.pk}")[1]["results"] == []

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_have_text(
        "Published: partners now see this agreement.", timeout=SLOW_WRITE_MS
    )
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    screenshot(page, f"intake-published-{viewport}")
    agreement.refresh_from_db()
    assert agreement.published and agreement.published_by == analyst and agreement.published_at

    check_partner_reads(partner_http, agreement.pk)

"""Alerts in a real browser: acknowledging from the dashboard, on a laptop and on a phone,
and an alert that resolves itself when the obligation is recorded as fulfilled."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import LISTS, log_in
from tests.browser.test_analyst_pages import fill_record_form, record_form
from tracker.models import Alert

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
AZE_OVERDUE = f"Overdue, {LISTS}, AZE"
ARM_OVERDUE = f"Overdue, {LISTS}, ARM"


def alerts_section(page: Page):
    return page.get_by_role("region", name="Unacknowledged alerts")


def alert_row(scope, page: Page, code: str):
    """The overdue alert of the POW lists for one party. Table rows by their element, not
    their role: on a phone the table is a stack of cards, which have no row role."""
    return (
        scope.locator("tbody tr")
        .filter(has=page.get_by_role("link", name=LISTS, exact=True))
        .filter(has_text=re.compile(rf"\b{code}\b"))
        .filter(has_text="Overdue")
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_an_analyst_acknowledges_alerts_from_the_dashboard(page: Page, lists, analyst, screenshot, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, analyst.username)
    section = alerts_section(page)
    waiting = Alert.objects.filter(acknowledged_at__isnull=True, resolved_at__isnull=True).count()
    expect(section).to_contain_text(f"{waiting} waiting")
    expect(alert_row(section, page, "AZE")).to_have_count(1)
    expect(alert_row(section, page, "ARM")).to_have_count(1)
    screenshot(page, f"dashboard-{width}")
    section.screenshot(path=SCREENSHOTS / f"dashboard-alerts-{width}.png")  # the section alone, full size

    # Tick two by keyboard and mouse, then Enter.
    section.get_by_role("checkbox", name=f"Select: {AZE_OVERDUE}").focus()
    page.keyboard.press("Space")
    section.get_by_role("checkbox", name=f"Select: {ARM_OVERDUE}").check()
    # Enter submits with the form's first button: "Acknowledge selected", not a row's own.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    section = alerts_section(page)
    expect(section.get_by_role("status")).to_have_text("2 alerts acknowledged.")
    expect(section).to_contain_text(f"{waiting - 2} waiting")
    expect(alert_row(section, page, "AZE")).to_have_count(0)
    expect(alert_row(section, page, "ARM")).to_have_count(0)

    # One row's own button acknowledges that alert only.
    first = section.get_by_role("button", name=re.compile(r"^Acknowledge alert: ")).first
    chosen = int(first.get_attribute("value"))
    first.click()
    expect(alerts_section(page).get_by_role("status")).to_have_text("1 alert acknowledged.")
    assert Alert.objects.get(pk=chosen).acknowledged_by == analyst
    assert Alert.objects.filter(acknowledged_at__isnull=False).count() == 3

    # "Acknowledge all shown": the list is empty.
    alerts_section(page).get_by_role("button", name="Acknowledge all shown").click()
    expect(alerts_section(page).get_by_role("status")).to_have_text(f"{waiting - 3} alerts acknowledged.")
    expect(alerts_section(page)).to_contain_text("0 waiting")
    expect(alerts_section(page).locator("tbody")).to_have_text("None.")
    screenshot(page, f"dashboard-acknowledged-{width}")

    # The inbox shows who acknowledged them and when.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts", exact=True).click()
    page.get_by_label("State").select_option("acknowledged")
    page.get_by_role("button", name="Filter").click()
    row = alert_row(page.locator("table"), page, "AZE")
    expect(row).to_contain_text(re.compile(rf"Acknowledged by {analyst.get_username()}, \d+ \w+ \d{{4}}"))
    screenshot(page, f"inbox-acknowledged-{width}")


def test_an_alert_resolves_itself_when_the_obligation_is_fulfilled(page: Page, lists, analyst, screenshot):
    log_in(page, analyst.username)
    expect(alert_row(alerts_section(page), page, "AZE")).to_have_count(1)

    page.goto(f"/commitments/{lists.pk}/")
    form = record_form(page)
    fill_record_form(form, date(2020, 11, 9))
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status").first).to_be_visible()

    page.goto("/")
    section = alerts_section(page)
    expect(alert_row(section, page, "AZE")).to_have_count(0)  # it left the list by itself
    expect(alert_row(section, page, "ARM")).to_have_count(1)  # Armenia's stays

    page.get_by_role("link", name="All alerts in the inbox").click()
    page.get_by_label("State").select_option("resolved")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/alerts/inbox/\?.*state=resolved"))
    row = alert_row(page.locator("table"), page, "AZE")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Obligation fulfilled")
    expect(alert_row(page.locator("table"), page, "ARM")).to_have_count(0)
    screenshot(page, "inbox-resolved-1280")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_subscriber_chooses_incident_alerts_and_unverified_reports(page: Page, analyst, screenshot, width):
    from tracker.models import Subscription

    analyst.email = "ana@tracker.example"
    analyst.save()
    page.set_viewport_size(WIDTHS[width])
    log_in(page, analyst.username)
    page.goto("/alerts/")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Subscribe"))
    incidents = form.get_by_role("checkbox", name="Incident linked")
    unverified = form.get_by_role("checkbox", name="Include unverified incidents")
    expect(incidents).to_be_checked()  # on by default, like the other kinds
    expect(unverified).not_to_be_checked()  # partners hear of corroborated reports only, unless asked
    expect(form).to_contain_text("not yet corroborated or verified")
    unverified.check()
    screenshot(page, f"alerts-incident-boxes-{width}")
    form.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("status")).to_contain_text("Subscribed")
    subscription = Subscription.objects.get(recipient__email="ana@tracker.example")
    assert (subscription.on_incident_linked, subscription.include_unverified) == (True, True)

    page.goto("/account/")
    expect(page.locator("#subscriptions + table")).to_contain_text("incident linked (unverified incidents too)")
    page.goto(f"/account/subscriptions/{subscription.pk}/")
    expect(page.get_by_role("checkbox", name="Incident linked")).to_be_checked()
    unverified = page.get_by_role("checkbox", name="Include unverified incidents")
    expect(unverified).to_be_checked()
    unverified.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Subscription saved")
    subscription.refresh_from_db()
    assert subscription.include_unverified is False
    screenshot(page, f"account-subscriptions-{width}")

"""The incident pages in a real browser (issue 14): an analyst records an incident, verifies
it with a reason, links it to para 1 of the Geneva statement for Azerbaijan, and finds it on
the list filtered by party and type; the list and the incident's page on a laptop and on a
390 px phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from commitments.models import Incident
from tests.browser.steps import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def field(scope, label: str):
    """The field of exactly this label ("Date", not "Publication date")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def fits(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


def test_an_analyst_records_verifies_links_and_finds_an_incident(page: Page, lists, analyst, screenshot):
    log_in(page, analyst.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents", exact=True).click()
    expect(page.get_by_role("heading", name="Incidents", level=1)).to_be_visible()
    page.get_by_role("link", name="Record an incident").click()

    form = page.get_by_role("form", name="Record an incident")
    field(form, "Date").fill("2020-11-04")
    field(form, "Time (local, if known)").fill("06:15")
    field(form, "Local time zone").fill("Asia/Baku")
    field(form, "Place").fill("Stepanakert")
    field(form, "Country").fill("Azerbaijan")
    field(form, "Admin area 1 (region)").fill("Nagorno-Karabakh")
    field(form, "Latitude").fill("39.8177")
    field(form, "Longitude").fill("46.7528")
    field(form, "Type").select_option(label="Explosions/Remote violence")
    field(form, "Sub-type").select_option(label="Shelling/artillery/missile attack")
    field(form, "Description").fill("Shelling of residential areas; the maternity hospital was hit.")
    field(form, "Civilians killed").fill("2")
    field(form, "Civilians injured").fill("11")
    parties = page.get_by_role("region", name=re.compile("^Parties"))
    field(parties, "Party").select_option(label="Azerbaijan")
    field(parties, "Role").select_option(label="Alleged responsible")
    page.get_by_role("button", name="Add a party").click()
    party_rows = parties.get_by_role("group")
    expect(party_rows).to_have_count(2)
    field(party_rows.nth(1), "Party").select_option(label="Armenia")
    field(party_rows.nth(1), "Role").select_option(label="Involved")
    sources = page.get_by_role("region", name="Sources")
    field(sources, "Publisher").fill("Human Rights Watch")
    field(sources, "URL").fill("https://example.org/hrw-stepanakert")
    field(sources, "Publication date").fill("2020-11-05")
    screenshot(page, "incident-form-1280")
    page.set_viewport_size(PHONE)
    fits(page)
    screenshot(page, "incident-form-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Record the incident").click()

    expect(page.get_by_role("status")).to_have_text("Incident recorded as a draft.")
    incident = Incident.objects.get(location="Stepanakert")
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.pk}/$"))
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("4 Nov 2020 06:15 (Asia/Baku)")
    expect(facts).to_contain_text("39.81770° N, 46.75280° E")
    expect(facts).to_contain_text("Republic of Azerbaijan (AZE): alleged responsible")

    # Verified, with the reason kept in the history.
    verify = page.get_by_role("form", name="Change the verification")
    verify.get_by_label("New verification state").select_option(label="Verified")
    verify.get_by_label("Why").fill("Confirmed by HRW's field investigation")
    verify.get_by_role("button", name="Change the verification").click()
    expect(page.get_by_role("status")).to_have_text("Verification changed.")
    expect(page.locator(".badge.verification-verified").first).to_have_text("Verified")
    history = page.get_by_role("list", name="Change history")
    expect(history).to_contain_text("Reported → Verified: Confirmed by HRW's field investigation")

    # Linked to para 1 of the Geneva statement (no targeting of civilians) for Azerbaijan.
    choose = page.get_by_role("form", name="Choose a commitment")
    option = choose.locator("option", has_text="para 1: No deliberate targeting of civilians")
    choose.get_by_label("Commitment").select_option(value=option.get_attribute("value"))
    choose.get_by_role("button", name="Show its parties").click()
    link = page.get_by_role("form", name="Link to obligations")
    link.get_by_label("Republic of Azerbaijan (AZE)").check()
    link.get_by_role("button", name="Link").click()
    expect(page.get_by_role("status")).to_have_text("Linked to 1 obligation.")
    row = page.get_by_role("table").get_by_role("row").filter(has_text="No deliberate targeting of civilians")
    expect(row).to_contain_text("Republic of Azerbaijan (AZE)")
    expect(row).to_contain_text("Linked")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_have_text("Published: partners now see this incident.")

    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "incident-detail-1280")
    page.set_viewport_size(PHONE)
    fits(page)
    screenshot(page, "incident-detail-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # On the list, filtered by party (alleged) and type: a URL to share.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents", exact=True).click()
    filters = page.get_by_role("search", name="Filter incidents")
    field(filters, "Party").select_option("AZE")
    field(filters, "Type").select_option(label="Explosions/Remote violence")
    filters.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/incidents/\?party=AZE&role=alleged&type=explosions_remote_violence"))
    table = page.get_by_role("table")
    expect(table.get_by_role("caption")).to_contain_text("1 incident")
    found = table.get_by_role("row").filter(has_text="Stepanakert")
    expect(found).to_contain_text("Azerbaijan (AZE)")
    expect(found).to_contain_text("2 / 11")
    expect(found).to_contain_text("Verified")
    screenshot(page, "incident-list-1280")
    page.set_viewport_size(PHONE)
    fits(page)
    screenshot(page, "incident-list-390")

    # Armenia is only involved: as alleged it has none, with any role it has this one.
    page.goto("/incidents/?party=ARM&type=explosions_remote_violence")
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="Stepanakert")).to_have_count(0)
    page.goto("/incidents/?party=ARM&role=any&type=explosions_remote_violence")
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="Stepanakert")).to_have_count(1)

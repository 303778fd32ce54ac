"""The compliance report in Chromium: on a laptop and a phone, printed to an A4 PDF (which
is read back: its pages, its text, no navigation, no internal note), and shared with a
partner by a link that opens without a login."""

import io
import re
import unicodedata

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from commitments import services
from commitments.models import StatusUpdate
from tests.browser.steps import log_in
from tests.browser.test_accessibility import check

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
NOTE = "Our informant in the ministry doubts the count"
# A4 less the print stylesheet's side margins (16 mm each), at 96 px per inch: the width
# the printed report is laid out in.
PRINT_WIDTH = round((210 - 32) / 25.4 * 96)
A4_POINTS = (595.3, 841.9)  # 210 x 297 mm; Chromium rounds to 8.27 x 11.7 inches


def pdf_text(pdf: bytes) -> tuple[int, str, tuple[float, float]]:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    # NFKC: the PDF's ligatures ("ﬁ" in Ceasefire) read as their letters.
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))
    return len(reader.pages), " ".join(text.split()), (float(box.width), float(box.height))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_prints_to_a_clean_a4_pdf(page: Page, lists, analyst, width, screenshot):
    services.status_update_record(
        commitment=lists,
        party=None,
        status="in_progress",
        effective_on=lists.agreement.signed_on,
        summary="Both sides handed partial lists to the ICRC.",
        sources=[
            services.SourceInput(
                publisher="ICRC", published_on=lists.agreement.signed_on, url="https://example.org/icrc-lists"
            )
        ],
        confidence="high",
        internal_note=NOTE,
        user=analyst,
    )
    internal_notes = set(StatusUpdate.objects.exclude(internal_note="").values_list("internal_note", flat=True))
    page.set_viewport_size(WIDTHS[width])
    log_in(page, analyst.username)
    page.goto(f"/commitments/agreements/{lists.agreement_id}/")
    page.get_by_role("link", name="Compliance report").click()
    expect(page).to_have_url(re.compile(rf"/agreements/{lists.agreement_id}/report/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(lists.agreement.title)
    expect(page.get_by_text("Overdue by", exact=False).first).to_be_visible()
    check(page, f"the report at {width} px")
    screenshot(page, f"report-{width}")

    pages, text, size = pdf_text(page.pdf(format="A4", print_background=True))
    assert all(abs(got - a4) < 2 for got, a4 in zip(size, A4_POINTS, strict=True)), size
    assert pages >= 1
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text  # the page margin's numbers
    assert "COMPLIANCE REPORT" in text  # the title block's kicker, in capitals
    assert " ".join(lists.agreement.title.split()) in text
    assert lists.title in text and "Recovery and exchange of remains" in text
    assert "Status on" in text and "UTC" in text
    assert "Both sides handed partial lists to the ICRC." in text and "https://example.org/icrc-lists" in text
    assert f"/agreements/{lists.agreement_id}/report/" in text  # the footer's source URL
    # No navigation, skip link, buttons or share form on paper; no internal note anywhere.
    for absent in (
        "Skip to content",
        "Dashboard",
        "Subscriptions",
        "Log out",
        "Create a share link",
        "Share with partners",
    ):
        assert absent not in text, absent
    for note in internal_notes:
        assert " ".join(note.split()) not in text

    if width == 1280:
        # What the first printed page shows: the print stylesheet, at the A4 page's width.
        page.set_viewport_size({"width": PRINT_WIDTH, "height": 1123})
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        screenshot(page, "report-print")
        page.emulate_media(media="screen")
        page.set_viewport_size(WIDTHS[width])
        page.goto("/parties/ARM/report/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Republic of Armenia")
        screenshot(page, "report-party-1280")


def test_a_partner_opens_a_shared_report_without_a_login(page: Page, browser, live_server, lists, analyst, screenshot):
    log_in(page, analyst.username)
    page.goto(f"/agreements/{lists.agreement_id}/report/")
    page.get_by_role("button", name="Create a share link").click()
    expect(page.get_by_role("status")).to_contain_text("Share link created")
    link = page.get_by_label("Share link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/reports/shared/[A-Za-z0-9_-]{{43}}/", link), link
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(1)
    check(page, "the report with a new share link and the list of links")
    page.get_by_label("Status on another day").fill("2020-11-08")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Status on 8 Nov 2020 (at the end of that day)")).to_be_visible()
    page.goto(f"/agreements/{lists.agreement_id}/report/?as_of=2020-02-30")
    expect(page.get_by_label("Status on another day")).to_have_attribute("aria-invalid", "true")
    check(page, "the report with an error at its day")

    stranger = browser.new_context(viewport=WIDTHS[390])  # no cookies: nobody logged in
    shared = stranger.new_page()
    violations: list[str] = []
    shared.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = shared.goto(link)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(shared.get_by_role("heading", level=1)).to_contain_text(lists.agreement.title)
    expect(shared.get_by_role("navigation")).to_have_count(0)
    check(shared, "the shared report at 390 px")
    screenshot(shared, "report-shared-390")

    page.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(0)
    assert shared.goto(link).status == 404
    expect(shared.get_by_role("heading", level=1)).to_have_text("This link does not open")
    check(shared, "a link that no longer opens")
    assert violations == []
    stranger.close()

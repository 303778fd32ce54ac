"""The Content-Security-Policy: every page, the admin and the API docs work under it in
Chromium, with no violation reported."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Reports every violation to the test; runs before any script of the page.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile || document.URL}:${event.lineNumber} (${(event.sample || "").slice(0, 80)})`);
});
"""


def test_pages_admin_and_api_docs_work_under_the_policy_with_no_violation(context, lists, screenshot):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    violations: list[str] = []
    context.expose_binding("reportViolation", lambda source, text: violations.append(f"{source['frame'].url}: {text}"))
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(f"console: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )

    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ):
        assert directive in policy, policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, policy
    log_in(page, root.username)
    expect(page.locator(".charts svg").first).to_be_visible()  # the dashboard's charts

    commitment_change = f"/admin/commitments/commitment/{lists.pk}/change/"
    for url in (
        "/search/?party=AZE&overdue=true",
        f"/commitments/agreements/{lists.agreement_id}/",
        f"/commitments/{lists.pk}/",
        "/commitments/agreements/new/",  # its two scripts
        "/alerts/",
        "/alerts/focal-points/",
        "/account/",
        "/admin/",
        commitment_change,
    ):
        assert page.goto(url).ok, url
        page.wait_for_load_state("networkidle")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()  # the change form is whole

    page.goto(f"/commitments/agreements/{lists.agreement_id}/commitments/new/")
    expect(page.get_by_role("button", name="Add a commitment")).to_be_visible()  # its script ran
    page.get_by_role("group", name="Commitment 1", exact=True).get_by_label("By a date").check()
    page.get_by_role("group", name="Commitment 1", exact=True).get_by_label("Due on").fill("2020-11-20")
    expect(page.locator("output").first).to_contain_text("end of 20 Nov 2020")  # and fetched its due moment

    page.goto("/api/v1/docs/")
    # Swagger UI ran: it fetched the schema and lists the operations.
    expect(page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/commitments/$")).first).to_be_visible()
    expect(page.get_by_text("Ceasefire Commitment Tracker API").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "api-docs-under-csp")
    assert violations == [], "\n".join(violations)

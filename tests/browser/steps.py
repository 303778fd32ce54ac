"""Steps the browser tests share."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's; users from tests/conftest.py
LISTS = "POW lists to the ICRC"


def log_in(page: Page, username: str) -> None:
    """Through the login form, the way a person does: a page that needs a login sends
    there, and Enter in the password field submits."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill(username)
    password = page.get_by_label("Password")
    password.fill(PASSWORD)
    password.press("Enter")
    expect(page.get_by_role("button", name=re.compile(rf"Log out {username}"))).to_be_visible()

"""The list pages, outside /commitments/: /agreements/ and /parties/. Each tuple is
included in config/urls.py under its own namespace (agreements:, parties:)."""

from django.urls import path, re_path

from parties.validators import ANY_CODE

from . import list_pages, party_pages, report_pages

agreements = (
    [
        path("", list_pages.agreement_list, name="list"),
        # The compliance report and its share links (report_pages.py).
        path("<int:pk>/report/", report_pages.agreement_report_page, name="report"),
        path("<int:pk>/report/share/", report_pages.agreement_share, name="report-share"),
    ],
    "agreements",
)

parties = (
    [
        path("", party_pages.party_list, name="list"),
        path("new/", party_pages.party_new, name="new"),  # "new" is a code no party may take
        # Only what can be a code reaches the database (PostgreSQL refuses a NUL): else a 404.
        re_path(rf"^(?P<code>{ANY_CODE})/$", party_pages.party_detail, name="detail"),
        re_path(rf"^(?P<code>{ANY_CODE})/edit/$", party_pages.party_edit, name="edit"),
        re_path(rf"^(?P<code>{ANY_CODE})/report/$", report_pages.party_report_page, name="report"),
        re_path(rf"^(?P<code>{ANY_CODE})/report/share/$", report_pages.party_share, name="report-share"),
    ],
    "parties",
)

# /reports/: a shared report, opened without a login, and revoking a share link. The key
# is 43 URL-safe characters (32 random bytes); anything else is no key.
reports = (
    [
        re_path(r"^shared/(?P<key>[A-Za-z0-9_-]{20,100})/$", report_pages.shared_report, name="shared"),
        path("shares/<int:pk>/revoke/", report_pages.share_revoke_page, name="share-revoke"),
    ],
    "reports",
)

"""The list pages, outside /commitments/: /agreements/ and /parties/. Each tuple is
included in config/urls.py under its own namespace (agreements:, parties:)."""

from django.urls import path, re_path

from parties.validators import ANY_CODE

from . import list_pages, party_pages

agreements = (
    [path("", list_pages.agreement_list, name="list")],
    "agreements",
)

parties = (
    [
        path("", party_pages.party_list, name="list"),
        path("new/", party_pages.party_new, name="new"),  # "new" is a code no party may take
        # Only what can be a code reaches the database (PostgreSQL refuses a NUL): else a 404.
        re_path(rf"^(?P<code>{ANY_CODE})/$", party_pages.party_detail, name="detail"),
        re_path(rf"^(?P<code>{ANY_CODE})/edit/$", party_pages.party_edit, name="edit"),
    ],
    "parties",
)

"""The evidence pages under /incidents/: the list, an incident's page and its forms
(incident_pages.py), and the ACLED import with its preview (acled_pages.py)."""

from django.urls import path, re_path

from core.api.base import ID_LOOKUP

from . import acled_pages, incident_pages

app_name = "incidents"

# An id longer than any database's integer is no incident: a 404, never a database error.
ID = rf"(?P<pk>{ID_LOOKUP})"

urlpatterns: list = [
    # The list, an incident's page and the analysts' forms.
    path("", incident_pages.incident_list, name="list"),
    path("new/", incident_pages.incident_new, name="new"),
    re_path(rf"^{ID}/$", incident_pages.incident_detail, name="detail"),
    re_path(rf"^{ID}/edit/$", incident_pages.incident_edit, name="edit"),
    re_path(rf"^{ID}/verify/$", incident_pages.incident_verify, name="verify"),
    re_path(rf"^{ID}/publish/$", incident_pages.incident_publish, name="publish"),
    re_path(rf"^{ID}/link/$", incident_pages.incident_link, name="link"),
    re_path(rf"^{ID}/links/(?P<link_pk>{ID_LOOKUP})/decide/$", incident_pages.link_decide, name="link-decide"),
    # The ACLED upload, its preview and the import.
    path("import/", acled_pages.acled_import_page, name="acled_import"),
]

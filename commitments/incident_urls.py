"""The evidence pages under /incidents/: the list, an incident's page and its forms
(incident_pages.py), and the ACLED import with its preview (acled_pages.py)."""

from django.urls import path

from . import acled_pages

app_name = "incidents"

urlpatterns: list = [
    # The list, an incident's page and the analysts' forms.
    # The ACLED upload, its preview and the import.
    path("import/", acled_pages.acled_import_page, name="acled_import"),
]

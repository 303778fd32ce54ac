from django.contrib import admin
from django.urls import include, path

from commitments import list_urls

admin.site.site_header = "Ceasefire Commitment Tracker"
admin.site.site_title = "Commitment Tracker"
admin.site.index_title = "Agreements, commitments and their status"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls", namespace="api")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("commitments/", include("commitments.urls")),
    # The lists of agreements and parties, and the party pages (commitments/list_urls.py).
    path("agreements/", include(list_urls.agreements)),
    path("parties/", include(list_urls.parties)),
    path("reports/", include(list_urls.reports)),
    path("incidents/", include("commitments.incident_urls")),
    path("", include("tracker.urls")),
]

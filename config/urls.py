from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Ceasefire Commitment Tracker"
admin.site.site_title = "Commitment Tracker"
admin.site.index_title = "Agreements, commitments and their status"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls", namespace="api")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("commitments/", include("commitments.urls")),
    path("", include("tracker.urls")),
]

from django.urls import path

from . import upload_views, views

app_name = "commitments"

urlpatterns = [
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("import/", upload_views.agreement_import, name="import"),
]

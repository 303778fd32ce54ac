from django.urls import path

from . import agreement_views, views

app_name = "commitments"

urlpatterns = [
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    # The agreement form and publishing (issue 12).
    path("agreements/new/", agreement_views.agreement_new, name="agreement-new"),
    path("agreements/<int:pk>/edit/", agreement_views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/publish/", agreement_views.agreement_publish, name="agreement-publish"),
]

from django.urls import path

from . import agreement_views, entry_pages, views

app_name = "commitments"

urlpatterns = [
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    # The agreement form and publishing (issue 12).
    path("agreements/new/", agreement_views.agreement_new, name="agreement-new"),
    path("agreements/<int:pk>/edit/", agreement_views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/publish/", agreement_views.agreement_publish, name="agreement-publish"),
    # Entering commitments many at once (entry_pages.py), from rows or from a pasted text.
    path("agreements/<int:pk>/commitments/new/", entry_pages.commitments_new, name="commitments-new"),
    path("agreements/<int:pk>/commitments/from-text/", entry_pages.commitments_from_text, name="commitments-from-text"),
    path("due-moment/", entry_pages.due_moment, name="due-moment"),
]

from django.urls import path

from . import entry_pages, views

app_name = "commitments"

urlpatterns = [
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    # Entering commitments many at once (entry_pages.py), from rows or from a pasted text.
    path("agreements/<int:pk>/commitments/new/", entry_pages.commitments_new, name="commitments-new"),
    path("agreements/<int:pk>/commitments/from-text/", entry_pages.commitments_from_text, name="commitments-from-text"),
    path("due-moment/", entry_pages.due_moment, name="due-moment"),
]

from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("<int:pk>/", views.CommitmentDetailView.as_view(), name="detail"),
]

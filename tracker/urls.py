from django.urls import path

from . import dashboard, views

app_name = "tracker"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("search/", dashboard.search, name="search"),
    path("alerts/", views.subscriptions, name="subscriptions"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/resubscribe/<str:token>/", views.resubscribe, name="resubscribe"),
]

from django.urls import path

from . import dashboard, inbox, views

app_name = "tracker"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("search/", dashboard.search, name="search"),
    path("alerts/", views.subscriptions, name="subscriptions"),
    path("alerts/inbox/", inbox.inbox, name="alerts"),
    path("alerts/inbox/acknowledge/", inbox.acknowledge, name="alerts-acknowledge"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/resubscribe/<str:token>/", views.resubscribe, name="resubscribe"),
]

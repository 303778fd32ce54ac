from django.urls import path

from . import account_views, dashboard, focal_points, inbox, views, watch_views

app_name = "tracker"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("search/", dashboard.search, name="search"),
    path("alerts/", views.subscriptions, name="subscriptions"),
    path("alerts/inbox/", inbox.inbox, name="alerts"),
    path("alerts/inbox/acknowledge/", inbox.acknowledge, name="alerts-acknowledge"),
    path("alerts/watch/", watch_views.watch_view, name="watch"),
    path("alerts/focal-points/", focal_points.focal_points, name="focal-points"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/resubscribe/<str:token>/", views.resubscribe, name="resubscribe"),
    path("account/", account_views.profile, name="profile"),
    path("account/email/<str:token>/", account_views.email_confirm, name="email-confirm"),
    path("account/subscriptions/<int:pk>/", account_views.subscription_edit, name="subscription-edit"),
]

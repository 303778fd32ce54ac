"""/api/v1/: the partner API, its OpenAPI schema and its docs (assets served locally)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, DefaultRouter

from commitments.api.exports import CommitmentCSVView, DeadlinesICSView, StatusUpdateCSVView
from commitments.api.incident_export import IncidentCSVView
from commitments.api.incidents import IncidentViewSet, NonFulfilmentReasonViewSet
from commitments.api.summary import SummaryView
from commitments.api.views import AgreementViewSet, CommitmentViewSet, PartyViewSet, StatusUpdateViewSet
from core.api.base import PartnersReadAnalystsWrite
from tracker.api.views import AlertViewSet


class APIRoot(APIRootView):
    """The API root lists the resources to anyone allowed to read them."""

    permission_classes = [PartnersReadAnalystsWrite]


class Router(DefaultRouter):
    APIRootView = APIRoot
    include_format_suffixes = False


router = Router()
router.register("parties", PartyViewSet, basename="party")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("status-updates", StatusUpdateViewSet, basename="statusupdate")
router.register("alerts", AlertViewSet, basename="alert")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("non-fulfilment-reasons", NonFulfilmentReasonViewSet, basename="nonfulfilmentreason")

app_name = "api"

urlpatterns = [
    path("summary/", SummaryView.as_view(), name="summary"),
    path("exports/commitments.csv", CommitmentCSVView.as_view(), name="export-commitments"),
    path("exports/status-updates.csv", StatusUpdateCSVView.as_view(), name="export-status-updates"),
    path("exports/incidents.csv", IncidentCSVView.as_view(), name="export-incidents"),
    path("deadlines.ics", DeadlinesICSView.as_view(), name="deadlines-ics"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    path("", include(router.urls)),
]

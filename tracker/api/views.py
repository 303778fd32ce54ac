"""/api/v1/alerts/: partners read the alerts of what they may read; nobody writes here."""

from core.api.base import Cursor
from core.api.viewsets import ReadOnlyViewSet

from ..models import Alert
from .filters import AlertFilter
from .serializers import AlertSerializer


class AlertCursor(Cursor):
    ordering = ("-raised_at", "-pk")


class AlertViewSet(ReadOnlyViewSet):
    """Deadline, status and incident-linked alerts raised by the tracker. Partners: those
    of published agreements, and of published incidents whose link holds (visible_to)."""

    queryset = Alert.objects.select_related("obligation", "party", "incident_link")
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    pagination_class = AlertCursor

from .alerts import Alert
from .dashboard import DashboardVersion
from .notifications import OutboundEmail, Recipient, Subscription

__all__ = ["Alert", "DashboardVersion", "OutboundEmail", "Recipient", "Subscription"]

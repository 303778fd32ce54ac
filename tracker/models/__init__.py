from .alerts import Alert
from .dashboard import DashboardVersion
from .idempotency import IdempotencyKey
from .notifications import OutboundEmail, Recipient, Subscription
from .tokens import ApiToken

__all__ = ["Alert", "ApiToken", "DashboardVersion", "IdempotencyKey", "OutboundEmail", "Recipient", "Subscription"]

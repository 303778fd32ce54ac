from .alerts import Alert
from .notifications import OutboundEmail, Recipient, Subscription
from .tokens import ApiToken

__all__ = ["Alert", "ApiToken", "OutboundEmail", "Recipient", "Subscription"]

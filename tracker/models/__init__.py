from .alerts import Alert
from .notifications import OutboundEmail, Recipient, Subscription

__all__ = ["Alert", "OutboundEmail", "Recipient", "Subscription"]

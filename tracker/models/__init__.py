from .alerts import Alert
from .idempotency import IdempotencyKey
from .notifications import OutboundEmail, Recipient, Subscription
from .tokens import ApiToken

__all__ = ["Alert", "ApiToken", "IdempotencyKey", "OutboundEmail", "Recipient", "Subscription"]

from .idempotency import IdempotencyKey
from .tokens import ApiToken

__all__ = ["ApiToken", "IdempotencyKey"]

from django.db import models


class TokenKind(models.TextChoices):
    API = "api", "API token"
    FEED = "feed", "Calendar feed key"

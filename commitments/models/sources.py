from django.db import models

from utilities.fields import OneLineTextField
from utilities.validators import validate_web_url

from ..rules import validate_date_window, validate_language_tag


class SourceFields(models.Model):
    """Where a fact comes from. The URL is optional: some statements circulate on paper."""

    url = models.URLField(verbose_name="URL", max_length=500, blank=True, validators=[validate_web_url])
    publisher = OneLineTextField(verbose_name="publisher", max_length=200)
    title = OneLineTextField(verbose_name="title", max_length=300, blank=True)
    published_on = models.DateField(verbose_name="publication date", validators=[validate_date_window])
    language = models.CharField(
        verbose_name="language",
        max_length=35,
        blank=True,
        help_text="The document's language as a BCP 47 tag: en, ru, hy, az, fr.",
        validators=[validate_language_tag],
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.publisher}, {self.published_on:%d %b %Y}" + (f" ({self.url})" if self.url else "")

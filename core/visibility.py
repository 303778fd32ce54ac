"""What a user may read, as a queryset method: ``Model.objects.visible_to(user)``.

The rule is core.roles' (readable_agreements: analysts and admins read drafts, everyone
else published agreements only); each model's QuerySet only says the way from its rows
to their agreement (``agreement_path``). Pages, the API, exports, feeds and emails all
filter through visible_to, so a new model states its path once and is read the same way
everywhere."""

from django.db import models

from .roles import readable_agreements


class VisibleQuerySet(models.QuerySet):
    # The lookup from this model to its agreement: "" for agreements, "agreement__" for
    # commitments... None: the rows belong to no agreement and every reader reads them all.
    agreement_path: str | None = None

    def visible_to(self, user):
        """The rows ``user`` may read (an anonymous user or None: published ones)."""
        if self.agreement_path is None:
            return self.all()
        return self.filter(readable_agreements(user, self.agreement_path))

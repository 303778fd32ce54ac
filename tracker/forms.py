from django import forms

from commitments.models import Agreement, Commitment
from commitments.rules import iana_zones

from .models import Subscription


class SubscriptionForm(forms.ModelForm):
    """A logged-in user's own subscription; the address is the user's account email."""

    timezone = forms.ChoiceField(choices=[(z, z) for z in sorted(iana_zones())], initial="UTC")

    class Meta:
        model = Subscription
        fields = [
            "agreement",
            "commitment",
            "party",
            "category",
            "on_due_soon",
            "on_overdue",
            "on_status_changed",
            "on_incident_linked",
            "include_unverified",
            "delivery",
            "digest_hour",
            "timezone",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only agreements the user may hear about: a draft's id posted by hand is refused
        # as an invalid choice.
        self.fields["agreement"].queryset = Agreement.objects.visible_to(user)
        self.fields["commitment"].queryset = Commitment.objects.visible_to(user).select_related("agreement")

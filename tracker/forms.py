from django import forms

from commitments.rules import iana_zones

from .models import Subscription


class SubscriptionForm(forms.ModelForm):
    """A logged-in user's own subscription; the address is the user's account email."""

    timezone = forms.ChoiceField(choices=[(z, z) for z in sorted(iana_zones())], initial="UTC")

    class Meta:
        model = Subscription
        fields = [
            "agreement",
            "party",
            "category",
            "on_due_soon",
            "on_overdue",
            "on_status_changed",
            "delivery",
            "digest_hour",
            "timezone",
        ]

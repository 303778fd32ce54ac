"""The forms of the profile page (/account/) and the focal points page."""

from django import forms
from django.contrib.auth import get_user_model

from utilities.validators import validate_one_line_text

from .account import ADDRESS_TAKEN, email_taken
from .forms import SubscriptionForm
from .models import Recipient

User = get_user_model()


class NameForm(forms.Form):
    first_name = User._meta.get_field("first_name").formfield(validators=[validate_one_line_text])
    last_name = User._meta.get_field("last_name").formfield(validators=[validate_one_line_text])


class EmailForm(forms.Form):
    email = Recipient._meta.get_field("email").formfield(required=True, label="New email address")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == (self.user.email or "").lower():
            raise forms.ValidationError("This is your address already.")
        if email_taken(self.user, email):
            raise forms.ValidationError(ADDRESS_TAKEN)
        return email


class SubscriptionEditForm(SubscriptionForm):
    """Change one of my subscriptions: what it is about stays, how it is sent changes."""

    class Meta(SubscriptionForm.Meta):
        fields = [
            "on_due_soon",
            "on_overdue",
            "on_status_changed",
            "on_incident_linked",
            "include_unverified",
            "delivery",
            "digest_hour",
            "timezone",
        ]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)


class FocalPointForm(SubscriptionForm):
    """A partner's focal point, subscribed by an analyst. The address has no login, so it
    chooses among (and only ever hears about) published agreements."""

    email = Recipient._meta.get_field("email").formfield(required=True, label="Focal point's email address")
    field_order = ["email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, user=None, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        # A user of the tracker watches pages and manages their own alerts; an analyst does
        # not subscribe someone's account address for them.
        if email_taken(None, email):
            raise forms.ValidationError(
                "This address belongs to a user of the tracker: they subscribe themselves (Watch)."
            )
        return email

"""History in the admin: read-only (no revert, see settings), and every change made
through a form carries the analyst's reason into the historical row."""

from django import forms
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from utilities.validators import validate_one_line_text


class ChangeReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=500,
        validators=[validate_one_line_text],
        help_text="Recorded in the history with your name and the time (e.g. 'typo in the text').",
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose forms ask why; the reason goes into the history."""

    form = ChangeReasonForm

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason", "")
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button: simple_history still saves
        # a POST to a past version's page over the present. A past version is read-only.
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

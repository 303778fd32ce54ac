"""The seams of issue 16: a commitment's shape declared once (commitments/shape.py), one
error collector for the services, one converter for the API and one for forms."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from rest_framework import exceptions

from commitments import services, shape
from commitments.api.serializers import (
    COMMITMENT_ROW,
    CommitmentCreateSerializer,
    CommitmentSerializer,
    CommitmentUpdateSerializer,
)
from commitments.choices import Nature
from commitments.form_errors import add_service_errors
from commitments.models import Commitment
from core.api.errors import api_errors, exception_handler, service_errors
from core.validation import add_errors, clean_into, raise_if
from parties.models import Party
from tests.factories import PartyFactory, UserFactory, pledge

# Shape


def test_the_representation_is_the_declared_fields_in_order():
    assert CommitmentSerializer.Meta.fields == [f.api for f in shape.COMMITMENT_SHAPE if f.read]
    assert set(CommitmentSerializer().fields) == set(shape.REPRESENTATION_FIELDS)
    # Every declared column is read for a page, and the inputs only are not shown.
    assert {f.column for f in shape.COMMITMENT_SHAPE if f.column} <= set(COMMITMENT_ROW)
    assert "parties" not in shape.REPRESENTATION_FIELDS


def test_the_services_take_the_declared_fields():
    assert tuple(f.model for f in shape.COMMITMENT_SHAPE if f.edit) == services.EDITABLE_COMMITMENT_FIELDS
    assert tuple(f.model for f in shape.COMMITMENT_SHAPE if f.create) == services.COMMITMENT_INPUT_FIELDS
    # The API's write serializers take every field the services take, under the same names.
    assert set(shape.COMMITMENT_INPUT_FIELDS) <= set(CommitmentCreateSerializer().fields)
    assert set(shape.EDITABLE_COMMITMENT_FIELDS) <= set(CommitmentUpdateSerializer().fields)


def test_create_input_fills_the_defaults_and_refuses_unknown_or_missing_fields():
    given = {name: name for name in shape.COMMITMENT_INPUT_FIELDS if name not in shape.CREATE_DEFAULTS}
    assert shape.create_input(given) == {**given, "condition": "", "recipients": ()}
    with pytest.raises(TypeError, match="Unknown commitment field"):
        shape.create_input({**given, "priority": 1})
    with pytest.raises(TypeError, match=r"Missing commitment field.*title"):
        shape.create_input({k: v for k, v in given.items() if k != "title"})


@pytest.mark.django_db
def test_to_representation_reads_only_obligations_and_recipients(django_assert_num_queries):
    analyst = UserFactory(username="shape-analyst")
    commitment = pledge(1, [PartyFactory(code="shape-a")], analyst)
    expected = CommitmentSerializer(Commitment.objects.get(pk=commitment.pk)).data
    instance = Commitment.objects.select_related("current_deadline").get(pk=commitment.pk)
    with django_assert_num_queries(2):  # the obligations and the recipients, not the row again
        data = CommitmentSerializer(instance).data
    assert data == expected
    assert list(data) == shape.REPRESENTATION_FIELDS
    assert data["deadline"]["days"] == 3


# Errors


@pytest.mark.django_db
def test_the_collector_gathers_model_errors_under_a_prefix():
    errors: dict = {}
    clean_into(errors, Party(code="", name="", kind="state"), exclude=["description"], prefix="parties[1].")
    add_errors(errors, ValidationError("No field."), prefix="parties[1].")
    add_errors(errors, {"parties[1].code": "Twice."})
    assert errors["parties[1].code"][-1] == "Twice."
    assert errors["parties[1].__all__"] == ["No field."]
    with pytest.raises(ValidationError) as raised:
        raise_if(errors)
    assert raised.value.message_dict == errors
    raise_if({})  # nothing gathered: nothing raised


def test_the_api_converter_renames_whole_keys_and_last_parts():
    names = {"signed_on": "date", ".related_agreement": ".agreement", "__all__": "non_field_errors"}
    exc = ValidationError({"signed_on": ["Late."], "relations[2].related_agreement": ["Gone."], "__all__": ["No."]})
    assert api_errors(exc, names) == {
        "date": ["Late."],
        "relations[2].agreement": ["Gone."],
        "non_field_errors": ["No."],
    }
    assert api_errors(ValidationError("Alone.")) == {"non_field_errors": ["Alone."]}
    with pytest.raises(exceptions.ValidationError) as raised, service_errors({"due_on": "deadline.date"}):
        raise ValidationError({"due_on": "Too late."})
    assert raised.value.detail == {"deadline.date": ["Too late."]}
    # Not converted by a view: the handler still answers 400 with the services' names.
    response = exception_handler(ValidationError({"due_on": "Too late."}), {})
    assert (response.status_code, response.data) == (400, {"due_on": ["Too late."]})


class _Row(forms.Form):
    party = forms.CharField(required=False)


class _Whole(forms.Form):
    title = forms.CharField(required=False)
    source_url = forms.CharField(required=False)


def test_the_form_converter_puts_errors_on_fields_rows_and_the_form():
    form, rows = _Whole({}), [_Row({}), _Row({})]
    assert all(f.is_valid() for f in (form, *rows))  # errors are added to cleaned forms
    exc = ValidationError(
        {
            "title": ["Too long."],
            "sources[0].url": ["Not a web address."],
            "participants[1].party": ["Unknown."],
            "participants[5].party": ["Beyond the rows."],
            "__all__": ["Four eyes."],
        }
    )
    add_service_errors(form, exc, {"sources[0].url": "source_url"}, rows={"participants": rows})
    assert form.errors == {
        "title": ["Too long."],
        "source_url": ["Not a web address."],
        "__all__": ["Beyond the rows.", "Four eyes."],
    }
    assert rows[1].errors == {"party": ["Unknown."]}
    assert not rows[0].errors


def test_a_source_is_built_from_prefixed_fields():
    data = {"source_publisher": "UN", "source_url": None, "source_published_on": None, "title": "x"}
    source = services.SourceInput.from_fields(data, prefix="source_")
    assert source == services.SourceInput(publisher="UN", published_on=None)


def test_the_one_off_rule_lives_with_the_rules():
    from commitments import rules

    assert rules.one_off_deadline_errors(nature=Nature.ONE_OFF, has_deadline=False)
    assert rules.one_off_deadline_errors(nature=Nature.ONGOING, has_deadline=False) == {}

import pytest
from django.core.exceptions import ValidationError

from parties.choices import PartyKind
from parties.models import Party


def clean_party(**fields) -> Party:
    party = Party(name=fields.pop("name", "Some party"), **fields)
    party.full_clean()
    return party


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ARM", "AZE", "RUS", "FRA", "USA"])
def test_real_iso_3166_alpha3_codes_are_accepted_for_states(code):
    assert clean_party(code=code, kind=PartyKind.STATE).code == code


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["XXX", "AR", "ARME", "US", "A1B", "ZZZ", ""])
def test_a_state_code_that_is_not_iso_3166_is_refused_on_the_code_field(code):
    with pytest.raises(ValidationError) as exc:
        clean_party(code=code, kind=PartyKind.STATE)
    assert "code" in exc.value.message_dict


@pytest.mark.django_db
def test_state_codes_are_normalised_to_upper_case_and_other_codes_to_lower_case():
    assert clean_party(code=" arm ", kind=PartyKind.STATE).code == "ARM"
    assert clean_party(code="ICRC", kind=PartyKind.INTERNATIONAL_ORGANISATION).code == "icrc"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["icrc", "osce-prcio", "un-ocha"])
def test_non_state_parties_take_a_short_slug(code):
    assert clean_party(code=code, kind=PartyKind.MONITORING_BODY).code == code


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["red cross", "1icrc", "i", "icrc!", "x" * 41])
def test_a_bad_slug_is_refused_on_the_code_field(code):
    with pytest.raises(ValidationError) as exc:
        clean_party(code=code, kind=PartyKind.INTERNATIONAL_ORGANISATION)
    assert "code" in exc.value.message_dict


@pytest.mark.django_db
def test_a_code_is_unique(armenia):
    with pytest.raises(ValidationError) as exc:
        clean_party(code="arm", kind=PartyKind.STATE)
    assert "code" in exc.value.message_dict


@pytest.mark.django_db
def test_party_changes_are_kept_in_the_history(armenia):
    armenia.short_name = "Armenia (RA)"
    armenia._change_reason = "official short name"
    armenia.save()
    latest = armenia.history.first()
    assert latest.short_name == "Armenia (RA)"
    assert latest.history_change_reason == "official short name"
    assert armenia.history.count() == 2

from datetime import date

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from commitments import services
from commitments.choices import AgreementKind, Category, Nature
from commitments.models import Agreement
from commitments.services import DeadlineInput
from parties.choices import PartyKind
from parties.models import Party


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password")


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = PartyKind.INTERNATIONAL_ORGANISATION


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Agreement {n}")
    kind = AgreementKind.JOINT_STATEMENT
    signed_on = date(2020, 10, 30)
    venue = "Geneva"
    timezone = "Europe/Zurich"


def pledge(i, parties, analyst, *, published=True):
    """Commitment ``i`` of its own agreement, binding ``parties``, entered through the service."""
    return services.commitment_create(
        agreement=AgreementFactory(signed_on=date(2020, 1, 1), published=published),
        reference=f"p{i}",
        title=f"Pledge {i}",
        text="t",
        category=Category.PRISONERS,
        nature=Nature.ONE_OFF,
        parties=parties,
        deadline=DeadlineInput(within_days=3),
        user=analyst,
    )

"""The compliance chart's counts (as_of.status_counts_over_time, summed by the database)
agree, on every day, with the rule read one day at a time (as_of.obligations_as_of):
whatever the log holds, back-dated updates, updates dated before the signature, and
updates on one day told apart by the time recorded, then the id."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from commitments.as_of import obligations_as_of, status_counts_over_time
from commitments.choices import Status
from commitments.models import Obligation, StatusUpdate
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

START = date(2020, 10, 1)


def counts_day_by_day(obligations, days) -> list[Counter]:
    return [+Counter(obligations_as_of(obligations, day).values_list("as_of_status", flat=True)) for day in days]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counts_over_time_are_the_rule_on_each_day(seed, make_commitment, analyst, armenia):
    rng = random.Random(seed)  # noqa: S311 - test data, the same every run
    agreements = [AgreementFactory(signed_on=START + timedelta(days=rng.randint(0, 40))) for _ in range(3)]
    for i in range(6):
        make_commitment(agreement=agreements[i % 3])
    obligations = list(Obligation.objects.select_related("commitment__agreement"))
    moment = datetime(2020, 11, 1, tzinfo=UTC)
    updates = []
    for _ in range(60):
        obligation = rng.choice(obligations)
        signed = obligation.commitment.agreement.signed_on
        updates.append(
            StatusUpdate(
                obligation=obligation,
                status=rng.choice(Status.values),
                # Some before the signature; many on the same few days.
                effective_on=signed + timedelta(days=rng.randint(-5, 30)),
                # The same moment now and then: the id decides.
                recorded_at=moment + timedelta(hours=rng.randint(0, 3)),
                summary="s",
                recorded_by=analyst,
            )
        )
    StatusUpdate.objects.bulk_create(updates)
    days = [START + timedelta(days=n) for n in range(0, 90, 2)]

    for chosen in (Obligation.objects.all(), Obligation.objects.filter(party=armenia)):
        assert status_counts_over_time(chosen, days) == counts_day_by_day(chosen, days)
    assert status_counts_over_time(Obligation.objects.none(), days) == [Counter()] * len(days)
    assert status_counts_over_time(Obligation.objects.all(), []) == []

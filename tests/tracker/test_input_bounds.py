"""Whatever the data, the dashboard's timeline stays a bounded number of bars; a
subscriber's time zone follows the same rule as a venue's."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Obligation
from tracker import charts, notifications, selectors
from tracker.models import Subscription

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)),
        (datetime(1, 1, 1, tzinfo=UTC), datetime(2020, 11, 6, 23, tzinfo=UTC)),
        (datetime(1900, 1, 1, tzinfo=UTC), datetime(2056, 12, 31, tzinfo=UTC)),
        (datetime(2020, 11, 6, tzinfo=UTC), datetime(2120, 11, 6, tzinfo=UTC)),
        (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC)),  # the first day Python has
        (datetime(9999, 12, 30, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)),  # and the last
    ],
)
def test_the_timeline_has_at_most_80_bars_whatever_the_span(make_commitment, client, analyst, first, last):
    # Due moments stored before the date window existed, or far out from relative deadlines.
    make_commitment()
    make_commitment(reference="far")
    Obligation.objects.filter(commitment__reference="para 1").update(due_at=first)
    Obligation.objects.filter(commitment__reference="far").update(due_at=last)

    timeline = selectors.due_timeline(Obligation.objects.all())

    assert 1 < len(timeline.buckets) <= selectors.TIMELINE_MAX_BUCKETS == 80
    assert timeline.buckets[0].start <= first.date()
    assert sum(sum(column) for column in timeline.counts.values()) == 4
    chart = charts.deadline_timeline(timeline)
    assert [row[1] for row in chart.rows] == [[2], [2]]  # both ends are drawn
    client.force_login(analyst)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "Etc/GMT-3"])
def test_a_subscription_takes_no_zone_a_venue_could_not_have(zone):
    with pytest.raises(ValidationError) as exc:
        notifications.subscription_create(email="reader@partner.example", timezone_name=zone)
    assert "timezone" in exc.value.message_dict
    assert not Subscription.objects.exists()

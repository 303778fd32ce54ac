"""Counts for dashboards, with the same filters as the commitment list."""

from collections import Counter

from django.db.models import Count
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.base import PartnersReadAnalystsWrite

from ..as_of import on_time_counts_as_of
from ..choices import Status
from ..selectors import on_time_counts, on_time_rate
from .as_of_data import commitment_statuses_as_of
from .filters import AS_OF_PARAMETER, CommitmentAsOfFilter, commitment_filterset


def _status_counts(rows, key: str) -> dict:
    """{key value: {status: count}} from rows of (key, status, count)."""
    out: dict = {}
    for row in rows:
        out.setdefault(row[key], {})[row["status"]] = row["n"]
    return out


def _counts_as_of(commitments, obligations, day) -> tuple:
    """The summary's rows on ``day``: ``obligations`` are annotated by obligations_as_of;
    a commitment's status is rolled up from all its parties' on that day."""
    statuses = commitment_statuses_as_of(commitments, day)
    by_agreement: Counter = Counter()
    by_category: Counter = Counter()
    for pk, agreement, title, category in commitments.values_list("pk", "agreement", "agreement__title", "category"):
        status = statuses.get(pk, Status.NOT_STARTED.value)
        by_agreement[(agreement, title, status)] += 1
        by_category[(category, status)] += 1
    return (
        [{"agreement": a, "agreement__title": t, "status": s, "n": n} for (a, t, s), n in by_agreement.items()],
        [{"category": c, "status": s, "n": n} for (c, s), n in by_category.items()],
        [
            {"party__code": r["party__code"], "status": r["as_of_status"], "n": r["n"]}
            for r in obligations.values("party__code", "as_of_status").annotate(n=Count("pk")).order_by()
        ],
        on_time_counts_as_of(obligations, "party__code"),
        obligations.filter(as_of_overdue=True).values("party__code").annotate(n=Count("pk")).order_by(),
    )


class SummaryView(APIView):
    """Counts of the commitments that match the filters, by status per agreement and per
    category; per party, counts of its obligations that match (with party=AZE, only
    Azerbaijan's), overdue counts, and the on-time fulfilment rate: of its obligations
    that have a deadline and are fulfilled or past their due moment, the share fulfilled
    no later than the due day (the rule is commitments.selectors.on_time_counts, which
    the party page reads too). An obligation with no deadline (none set, or one that
    waits on another commitment) is neither on time nor late: it is left out of the rate,
    which is null when nothing is left. With ``as_of``, all of it as on that day
    (commitments.as_of): statuses, overdue counts and the rate from that day's values."""

    permission_classes = [PartnersReadAnalystsWrite]
    filterset_class = CommitmentAsOfFilter

    @extend_schema(parameters=[AS_OF_PARAMETER], responses=OpenApiResponse(description="Counts; see the description."))
    def get(self, request):
        filterset = commitment_filterset(request)
        commitments, obligations = filterset.qs, filterset.obligations()
        if filterset.day:
            by_agreement, by_category, by_party, rates, overdue = _counts_as_of(commitments, obligations, filterset.day)
        else:
            by_agreement = commitments.values("agreement", "agreement__title", "status").annotate(n=Count("pk"))
            by_category = commitments.values("category", "status").annotate(n=Count("pk"))
            by_party = obligations.values("party__code", "status").annotate(n=Count("pk"))
            rates = on_time_counts(obligations, "party__code")
            overdue = obligations.filter(overdue=True).values("party__code").annotate(n=Count("pk"))

        titles = {r["agreement"]: r["agreement__title"] for r in by_agreement}
        party_counts = _status_counts(by_party, "party__code")
        overdue_by_party = {r["party__code"]: r["n"] for r in overdue}
        rate_by_party = {r["party__code"]: (r["on_time"], r["assessed"]) for r in rates}
        return Response(
            {
                "by_agreement": [
                    {"agreement": pk, "title": titles[pk], "statuses": counts}
                    for pk, counts in sorted(_status_counts(by_agreement, "agreement").items())
                ],
                "by_category": [
                    {"category": category, "statuses": counts}
                    for category, counts in sorted(_status_counts(by_category, "category").items())
                ],
                "by_party": [
                    {
                        "party": code,
                        "statuses": counts,
                        "overdue": overdue_by_party.get(code, 0),
                        "on_time_rate": on_time_rate(*rate_by_party.get(code, (0, 0))),
                    }
                    for code, counts in sorted(party_counts.items())
                ],
                "overdue": {
                    "commitments": obligations.filter(**{filterset.obligation_field("overdue"): True})
                    .values("commitment_id")
                    .distinct()
                    .count(),
                    "obligations": sum(overdue_by_party.values()),
                },
            }
        )

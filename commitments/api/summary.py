"""Counts for dashboards, with the same filters as the commitment list."""

from django.db.models import Count
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.base import PartnersReadAnalystsWrite

from ..selectors import on_time_counts, on_time_rate
from .filters import CommitmentFilter, commitment_filterset


def _status_counts(rows, key: str) -> dict:
    """{key value: {status: count}} from rows of (key, status, count)."""
    out: dict = {}
    for row in rows:
        out.setdefault(row[key], {})[row["status"]] = row["n"]
    return out


class SummaryView(APIView):
    """Counts of the commitments that match the filters, by status per agreement and per
    category; per party, counts of its obligations that match (with party=AZE, only
    Azerbaijan's), overdue counts, and the on-time fulfilment rate: of its obligations
    that have a deadline and are fulfilled or past their due moment, the share fulfilled
    no later than the due day (the rule is commitments.selectors.on_time_counts, which
    the party page reads too). An obligation with no deadline (none set, or one that
    waits on another commitment) is neither on time nor late: it is left out of the rate,
    which is null when nothing is left."""

    permission_classes = [PartnersReadAnalystsWrite]
    filterset_class = CommitmentFilter

    @extend_schema(parameters=[], responses=OpenApiResponse(description="Counts; see the description."))
    def get(self, request):
        filterset = commitment_filterset(request)
        commitments, obligations = filterset.qs, filterset.obligations()

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
                    "commitments": obligations.filter(overdue=True).values("commitment_id").distinct().count(),
                    "obligations": sum(overdue_by_party.values()),
                },
            }
        )

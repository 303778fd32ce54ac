"""Counts for dashboards, with the same filters as the commitment list."""

from collections import Counter

from django.db.models import Count
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.api.viewsets import BaseAPIView

from ..as_of import on_time_counts_as_of
from ..choices import Status
from ..incident_selectors import BY_COMMITMENT, BY_PARTY, IncidentCounts, counted_links, incident_counts, reason_counts
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


def _incident_figures(counts: IncidentCounts) -> dict:
    return {
        "linked": counts.linked,
        "verification": counts.by_verification,
        "civilians_killed": counts.civilians_killed,
        "civilians_injured": counts.civilians_injured,
        "killed_not_reported": counts.killed_not_reported,
        "injured_not_reported": counts.injured_not_reported,
    }


def _evidence(request, commitments, obligations, day) -> dict:
    """Incident counts per commitment and per party, and reasons for non-fulfilment per
    party and per category, of what matches and what the caller may read (the rules are
    commitments.incident_selectors')."""
    links = counted_links(request.user, day)
    by_commitment = incident_counts(
        links.filter(obligation__commitment__in=commitments.values("pk")), BY_COMMITMENT, "obligation__commitment"
    )
    by_party = incident_counts(
        links.filter(obligation__in=obligations.values("pk")), BY_PARTY, "obligation__party__code"
    )
    return {
        "incidents": {
            "by_commitment": [
                {"commitment": pk, **_incident_figures(counts)} for pk, counts in sorted(by_commitment.items())
            ],
            "by_party": [{"party": code, **_incident_figures(counts)} for code, counts in sorted(by_party.items())],
        },
        "reasons": {
            "by_party": [
                {"party": code, "reasons": counts}
                for code, counts in sorted(reason_counts(obligations, "party__code", day).items())
            ],
            "by_category": [
                {"category": category, "reasons": counts}
                for category, counts in sorted(reason_counts(obligations, "commitment__category", day).items())
            ],
        },
    }


def _counts_field(**kwargs):
    return serializers.DictField(child=serializers.IntegerField(), **kwargs)


_INCIDENT_FIGURES = {
    "linked": serializers.IntegerField(help_text="Incidents linked (each once), retracted ones left out."),
    "verification": _counts_field(help_text="Of them, by verification state (every state but retracted)."),
    "civilians_killed": serializers.IntegerField(allow_null=True, help_text="Sum of the figures reported; null: none."),
    "civilians_injured": serializers.IntegerField(
        allow_null=True, help_text="Sum of the figures reported; null: none."
    ),
    "killed_not_reported": serializers.IntegerField(help_text="Incidents that report no civilians killed."),
    "injured_not_reported": serializers.IntegerField(help_text="Incidents that report no civilians injured."),
}

SUMMARY_SCHEMA = inline_serializer(
    name="Summary",
    fields={
        "by_agreement": inline_serializer(
            name="SummaryAgreement",
            many=True,
            fields={
                "agreement": serializers.IntegerField(),
                "title": serializers.CharField(),
                "statuses": _counts_field(),
            },
        ),
        "by_category": inline_serializer(
            name="SummaryCategory",
            many=True,
            fields={"category": serializers.CharField(), "statuses": _counts_field()},
        ),
        "by_party": inline_serializer(
            name="SummaryParty",
            many=True,
            fields={
                "party": serializers.CharField(),
                "statuses": _counts_field(),
                "overdue": serializers.IntegerField(),
                "on_time_rate": serializers.FloatField(allow_null=True),
            },
        ),
        "overdue": inline_serializer(
            name="SummaryOverdue",
            fields={"commitments": serializers.IntegerField(), "obligations": serializers.IntegerField()},
        ),
        "incidents": inline_serializer(
            name="SummaryIncidents",
            fields={
                "by_commitment": inline_serializer(
                    name="SummaryIncidentsCommitment",
                    many=True,
                    fields={"commitment": serializers.IntegerField(), **_INCIDENT_FIGURES},
                ),
                "by_party": inline_serializer(
                    name="SummaryIncidentsParty",
                    many=True,
                    fields={"party": serializers.CharField(), **_INCIDENT_FIGURES},
                ),
            },
        ),
        "reasons": inline_serializer(
            name="SummaryReasons",
            fields={
                "by_party": inline_serializer(
                    name="SummaryReasonsParty",
                    many=True,
                    fields={"party": serializers.CharField(), "reasons": _counts_field(help_text="reason code: count")},
                ),
                "by_category": inline_serializer(
                    name="SummaryReasonsCategory",
                    many=True,
                    fields={
                        "category": serializers.CharField(),
                        "reasons": _counts_field(help_text="reason code: count"),
                    },
                ),
            },
        ),
    },
)


class SummaryView(BaseAPIView):
    """Counts of the commitments that match the filters, by status per agreement and per
    category; per party, counts of its obligations that match (with party=AZE, only
    Azerbaijan's), overdue counts, and the on-time fulfilment rate: of its obligations
    that have a deadline and are fulfilled or past their due moment, the share fulfilled
    no later than the due day (the rule is commitments.selectors.on_time_counts, which
    the party page reads too). An obligation with no deadline (none set, or one that
    waits on another commitment) is neither on time nor late: it is left out of the rate,
    which is null when nothing is left. With ``as_of``, all of it as on that day
    (commitments.as_of): statuses, overdue counts and the rate from that day's values.

    ``incidents``: per commitment and per party, the incidents linked that the caller may
    read (each once; retracted ones left out), by verification state, with the civilians
    killed and injured reported (null: no figure). ``reasons``: per party and per
    category, the reasons for non-fulfilment that the obligations' current assessments
    give (their assessments on that day with ``as_of``). The rules are
    commitments.incident_selectors'."""

    filterset_class = CommitmentAsOfFilter

    @extend_schema(
        parameters=[AS_OF_PARAMETER],
        responses=OpenApiResponse(response=SUMMARY_SCHEMA, description="Counts; see the description."),
    )
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
                **_evidence(request, commitments, obligations, filterset.day),
            }
        )

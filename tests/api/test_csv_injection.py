"""Text cells that a spreadsheet would read as a formula reach partners neutralised, as
OWASP recommends (a leading '), in both CSV exports and on both databases; numbers,
dates and the HXL row stay as they are."""

import csv
import io
from datetime import date

import pytest

from commitments import services
from commitments.models import Commitment, StatusUpdate
from commitments.services import DeadlineInput, SourceInput
from tests.factories import AgreementFactory, PartyFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULAS = [HYPERLINK, "+1", "-cmd", "@SUM(1)", "\t=1", "\r=1", "=1+2", "\t", "-1"]
HARMLESS = ["Exchange of prisoners", "a=b", " =1", "#hashtag", "'quoted", "1-2"]


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def formulas(analyst):
    """An agreement, a party and commitments whose text a spreadsheet would run. Titles
    and summaries are written as stored data from before the input rules (which refuse
    control characters and blank text) would be: by UPDATE, after valid placeholders."""
    agreement = AgreementFactory(title=HYPERLINK, signed_on=date(2020, 10, 30), published=True)
    party = PartyFactory(code="ZZZ", name="@SUM(1)", kind="state")
    for i, title in enumerate(FORMULAS + HARMLESS):
        commitment = services.commitment_create(
            agreement=agreement,
            reference=f"-{i}",
            title=f"Placeholder {i}",
            text="t",
            category="prisoners",
            nature="one_off",
            parties=[party],
            deadline=DeadlineInput(within_days=7),
            user=analyst,
        )
        services.status_update_record(
            commitment=commitment,
            status="in_progress",
            effective_on=date(2020, 11, 2),
            summary=f"Placeholder {i}",
            sources=[SourceInput(publisher=HYPERLINK, published_on=date(2020, 11, 2))],
            user=analyst,
        )
        Commitment.objects.filter(pk=commitment.pk).update(title=title)
        StatusUpdate.objects.filter(obligation__commitment=commitment).update(summary=title)


def neutralised(value: str) -> str:
    return "'" + value if value in FORMULAS else value


def test_the_commitments_csv_neutralises_formulas_in_text_cells(partner_api, formulas):
    header, hxl, *body = rows(partner_api.get("/api/v1/exports/commitments.csv", {"hxl": "1"}))
    assert hxl[header.index("title")] == "#description+title"  # HXL tags begin with #: left alone
    cells = [dict(zip(header, row, strict=True)) for row in body]
    assert sorted(c["title"] for c in cells) == sorted(neutralised(t) for t in FORMULAS + HARMLESS)
    assert {c["agreement"] for c in cells} == {"'" + HYPERLINK}
    assert {c["party_name"] for c in cells} == {"'@SUM(1)"}
    assert {c["reference"] for c in cells} == {f"'-{i}" for i in range(len(FORMULAS + HARMLESS))}
    # Numbers and dates are not text: as they were.
    for c in cells:
        assert c["commitment_id"].isdigit() and c["agreement_id"].isdigit()
        assert c["agreement_date"] == "2020-10-30" and c["due_date"] == "2020-11-06"
        assert c["due_at"] == "2020-11-06 23:00:00+00"
        assert (c["party"], c["country_code"], c["status"], c["overdue"]) == ("ZZZ", "ZZZ", "in_progress", "false")


def test_the_status_updates_csv_neutralises_formulas_in_text_cells(partner_api, formulas):
    header, *body = rows(partner_api.get("/api/v1/exports/status-updates.csv"))
    cells = [dict(zip(header, row, strict=True)) for row in body]
    assert sorted(c["summary"] for c in cells) == sorted(neutralised(t) for t in FORMULAS + HARMLESS)
    assert {c["sources"] for c in cells} == {f"'{HYPERLINK} (2020-11-02)"}
    for c in cells:
        assert c["id"].isdigit() and c["commitment_id"].isdigit()
        assert (c["party"], c["effective_date"], c["confidence"]) == ("ZZZ", "2020-11-02", "medium")

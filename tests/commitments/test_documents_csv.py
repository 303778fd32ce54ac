"""A CSV of commitments for an agreement that exists: columns, encodings, problems by
line and column, all or nothing."""

from datetime import date

import pytest

from commitments.documents import import_commitments_csv, read_upload
from commitments.models import Commitment
from tests.commitments.documents_helpers import counts

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,title,text,category,nature,parties,recipients,deadline_date,deadline_days,deadline_after,deadline_note\n"
)
GOOD = (
    HEADER
    + '1,Lists,"Hand over lists, within a week.",prisoners,one_off,ARM AZE,icrc,,7,,Within a week\n'
    + '2,Exchange,"Exchange the detainees:\nall of them.",prisoners,one_off,ARM;AZE,,,14,1,\n'
    + "3,Report,Report.,verification,one_off,ARM,,2020-12-01,,,\n"
)


@pytest.fixture
def parties(armenia, azerbaijan, icrc):
    return armenia, azerbaijan, icrc


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_csv_adds_commitments(geneva, analyst, parties, encoding):
    result = import_commitments_csv(GOOD.encode(encoding), agreement=geneva, user=analyst)
    assert result.ok, result.problems
    lists, exchange, report = (geneva.commitments.get(reference=r) for r in "123")
    assert lists.due_date == date(2020, 11, 6) and lists.current_deadline.reason == "Within a week"
    assert list(lists.recipients.values_list("code", flat=True)) == ["icrc"]
    assert exchange.text == "Exchange the detainees:\nall of them."
    assert exchange.current_deadline.after_commitment == lists
    assert report.due_date == date(2020, 12, 1)
    assert [row["line"] for row in result.preview["commitments"]] == ["line 2", "line 3", "line 5"]


def test_semicolons_are_read_when_the_header_has_no_comma(geneva, analyst, parties):
    data = (
        "reference;title;text;category;nature;parties;deadline_days\n1;Lists;Hand over lists.;prisoners;one_off;ARM;7\n"
    )
    result = import_commitments_csv(data.encode(), agreement=geneva, user=analyst)
    assert result.ok, result.problems


def test_dry_run_writes_nothing(geneva, analyst, parties):
    before = counts()
    result = import_commitments_csv(GOOD.encode(), agreement=geneva, user=analyst, dry_run=True)
    assert result.ok and len(result.preview["commitments"]) == 3
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "row", "field"),
    [
        (b"reference,title,text,category,parties\n1,T,Text,prisoners,ARM\n", "line 1", "nature"),
        (HEADER.encode() + "1,T,\ufeffText,prisoners,one_off,ARM,,,7,,\n".encode(), "line 2", "text"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ZZZ,,,7,,\n", "line 2", "parties"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM,,,3651,,\n", "line 2", "deadline_days"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM,,2019-01-01,,,\n", "line 2", "deadline_date"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM,,9999-12-31,,,\n", "line 2", "deadline_date"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM,,0001-01-01,,,\n", "line 2", "deadline_date"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM,,,seven,,\n", "line 2", "deadline_days"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM,,2020-11-01,,2,\n", "line 2", "deadline_after"),
        (HEADER.encode() + b"1,T,Te\x01xt,prisoners,one_off,ARM,,,7,,\n", "line 2", "text"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM,,,7,1,\n", "line 2", "deadline_after"),
        (HEADER.encode() + b"1,T,Text,war,one_off,ARM,,,7,,\n", "line 2", "category"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,ARM\n", "line 2", "header"),
        (HEADER.encode() + b"1,T,Text,prisoners,one_off,,,,7,,\n", "line 2", "parties"),
        (b"reference,title,text,category,nature,parties,colour\n", "line 1", "colour"),
        (b"\xff\xfe\x00r", "line 1", "encoding"),
        (HEADER.encode(), "line 2", "reference"),
    ],
)
def test_bad_csv_names_line_and_column_and_writes_nothing(geneva, analyst, parties, data, row, field):
    before = counts()
    result = import_commitments_csv(data, agreement=geneva, user=analyst)
    assert not result.ok
    assert (row, field) in {(p.row, p.field) for p in result.problems}, result.problems
    assert counts() == before


def test_line_numbers_count_lines_inside_quoted_cells(geneva, analyst, parties):
    data = HEADER + '1,T,"two\nlines",prisoners,one_off,ARM,,,7,,\n2,T,Text,prisoners,one_off,QQQ,,,7,,\n'
    result = import_commitments_csv(data.encode(), agreement=geneva, user=analyst)
    assert [(p.row, p.field) for p in result.problems] == [("line 4", "parties")]


def test_a_reference_already_in_the_agreement(geneva, analyst, parties, make_commitment):
    make_commitment(reference="1")
    result = import_commitments_csv(GOOD.encode(), agreement=geneva, user=analyst)
    assert ("line 2", "reference") in {(p.row, p.field) for p in result.problems}
    assert Commitment.objects.count() == 1


def test_too_many_rows(geneva, analyst, parties):
    data = HEADER + "".join(f"{i},T,Text,prisoners,one_off,ARM,,,7,,\n" for i in range(2001))
    result = import_commitments_csv(data.encode(), agreement=geneva, user=analyst)
    assert ("document", "size") in {(p.row, p.field) for p in result.problems}


def test_read_upload_dispatches_by_name(geneva, analyst, parties):
    assert read_upload("x.CSV", GOOD.encode(), agreement=geneva, user=analyst, dry_run=True).ok
    assert read_upload("x.csv", GOOD.encode(), user=analyst, dry_run=True).problems[0].field == "agreement"
    assert read_upload("x.txt", b"", user=analyst, dry_run=True).problems[0].field == "name"

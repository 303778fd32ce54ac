"""The agreement document: import (dry run, problems by row and field, all or nothing),
export, and the round trip of the demo agreements."""

import json
from datetime import date
from pathlib import Path

import pytest

from commitments.documents import AGREEMENT_SCHEMA, export_agreement, import_agreement
from commitments.models import (
    ActorMapping,
    Agreement,
    AgreementParticipant,
    AgreementRelation,
    AgreementSource,
    Commitment,
    Deadline,
    Obligation,
    StatusUpdate,
    StatusUpdateSource,
)
from parties.models import Party
from tests.commitments.documents_helpers import counts, document
from tracker.demo import load_demo
from tracker.models import Alert, OutboundEmail, Subscription

pytestmark = pytest.mark.django_db


def problems_of(result) -> set[tuple[str, str]]:
    return {(p.row, p.field) for p in result.problems}


def test_import_stores_everything_with_due_moments(analyst):
    result = import_agreement(json.dumps(document()), user=analyst)
    assert result.ok, result.problems
    agreement = result.agreement
    assert agreement.title == "Tbilisi ceasefire protocol" and not agreement.published
    assert set(agreement.participants.values_list("party__code", "role")) == {
        ("ARM", "signatory"),
        ("AZE", "signatory"),
        ("icrc", "witness"),
    }
    assert agreement.sources.get().language == "en"
    lists, exchange, report = (agreement.commitments.get(reference=r) for r in ("1", "2", "3"))
    assert lists.due_date == date(2021, 3, 8)
    assert exchange.current_deadline.after_commitment == lists and exchange.due_at is None
    assert report.due_date == date(2021, 4, 30)
    assert list(lists.recipients.values_list("code", flat=True)) == ["icrc"]
    rows = result.preview["commitments"]
    # Tbilisi is UTC+4: the end of 8 March there is 20:00 UTC.
    assert rows[0]["due_at_utc"] == "2021-03-08T20:00:00Z"
    assert rows[0]["due_at_local"] == "2021-03-09T00:00:00+04:00"
    assert rows[0]["deadline"] == "within 7 days of the agreement's date"
    assert rows[1]["after"] == "1" and rows[1]["due_at_utc"] is None
    assert [p["new"] for p in result.preview["parties"]] == [True, True, True]


def test_dry_run_previews_the_same_and_writes_nothing(analyst):
    before = counts()
    dry = import_agreement(json.dumps(document()), user=analyst, dry_run=True)
    assert dry.ok and dry.agreement is None
    assert counts() == before
    real = import_agreement(json.dumps(document()), user=analyst)
    assert real.ok
    assert dry.preview == real.preview


def test_existing_party_is_matched_and_its_name_kept(analyst, armenia):
    doc = document()
    doc["parties"][0]["name"] = "Armenia (as the protocol names it)"
    result = import_agreement(doc, user=analyst)
    assert result.ok
    armenia.refresh_from_db()
    assert armenia.name == "Republic of Armenia"
    entry = result.preview["parties"][0]
    assert entry["new"] is False and "stored name" in entry["note"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["commitments"][1].update(parties=["XYZ"]), ("commitments[1]", "parties[0]")),
        (lambda d: d["commitments"][2].update(deadline={"days": 3651}), ("commitments[2]", "deadline.days")),
        (lambda d: d["commitments"][2].update(deadline={"date": "2040-01-01"}), ("commitments[2]", "deadline.date")),
        (
            lambda d: d["commitments"][0].update(deadline={"days": 7, "after": "2"}),
            ("commitments[0]", "deadline.after"),
        ),
        (lambda d: d["commitments"][0].update(deadline={"days": "7"}), ("commitments[0]", "deadline.days")),
        (lambda d: d["commitments"][0].update(title="a\x00b"), ("commitments[0]", "title")),
        (lambda d: d["commitments"][0].update(category="war"), ("commitments[0]", "category")),
        (lambda d: d["commitments"][0].update(colour="red"), ("commitments[0]", "colour")),
        (lambda d: d["commitments"][1].update(reference="1"), ("commitments[1]", "reference")),
        (lambda d: d["agreement"].update(date="0001-01-01"), ("agreement", "date")),
        (lambda d: d["agreement"].update(date="9999-12-31"), ("agreement", "date")),
        (lambda d: d["agreement"].update(date="2021-02-30"), ("agreement", "date")),
        (lambda d: d["agreement"].update(timezone="Mars/Olympus"), ("agreement", "timezone")),
        (lambda d: d["parties"][0].update(code="ZZZ"), ("parties[0]", "code")),
        (
            lambda d: d.update(relations=[{"kind": "amends", "agreement": {"title": "Nope", "date": "2020-01-01"}}]),
            ("relations[0]", "agreement"),
        ),
        (lambda d: d["sources"][0].update(url="javascript:alert(1)"), ("sources[0]", "url")),
        (lambda d: d.update(schema_version=2), ("document", "schema_version")),
    ],
)
def test_bad_document_names_row_and_field_and_writes_nothing(analyst, change, where):
    doc = document()
    doc["parties"] = [p for p in doc["parties"] if p["code"] != "XYZ"]
    change(doc)
    before = counts()
    result = import_agreement(json.dumps(doc), user=analyst)
    assert not result.ok and result.agreement is None
    assert where in problems_of(result), result.problems
    assert counts() == before


def test_a_chained_cycle_is_named_on_each_row(analyst):
    doc = document()
    doc["commitments"][0]["deadline"] = {"days": 3, "after": "2"}
    result = import_agreement(doc, user=analyst)
    assert {("commitments[0]", "deadline.after"), ("commitments[1]", "deadline.after")} <= problems_of(result)
    assert "cycle" in result.problems[0].message
    assert Commitment.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "json"),
        (b"", "json"),
        (b"\xff\xfe{}", "encoding"),
        (b"[" * 5000 + b"]" * 5000, "json"),
        (b'{"a": ' * 30 + b"1" + b"}" * 30, "json"),
        (b'{"schema_version": 1, "schema_version": 1}', "json"),
        (b'{"schema_version": NaN}', "json"),
        (b'{"x": "\\ud800"}', "x"),
        (b" " * (5 * 1024 * 1024 + 1), "size"),
    ],
)
def test_unreadable_files_are_problems_not_exceptions(analyst, raw, field):
    result = import_agreement(raw, user=analyst)
    assert not result.ok
    assert result.problems[0].row == "document"
    assert result.problems[0].field == field


def test_wrong_types_everywhere_are_problems(analyst):
    for doc in ([], "text", 3, {"schema_version": 1, "agreement": [], "commitments": {}}, {"commitments": [1, None]}):
        result = import_agreement(json.dumps(doc), user=analyst)
        assert not result.ok and result.problems
        assert isinstance(result.preview, dict)


def test_too_many_commitments(analyst):
    doc = document()
    doc["commitments"] = [dict(doc["commitments"][2], reference=str(i)) for i in range(2001)]
    result = import_agreement(doc, user=analyst)
    assert ("document", "commitments") in problems_of(result)


def test_status_updates_and_revisions_are_imported(analyst):
    doc = document()
    doc["commitments"][0]["status_updates"] = [
        {
            "party": "ARM",
            "status": "fulfilled",
            "effective_date": "2021-03-05",
            "summary": "Lists handed over.",
            "confidence": "high",
            "internal_note": "Phone call with the ICRC.",
            "sources": [{"publisher": "ICRC", "published_on": "2021-03-05"}],
        },
        {
            "party": "AZE",
            "status": "fulfilled",
            "effective_date": "2021-03-06",
            "summary": "Lists handed over.",
            "sources": [{"publisher": "ICRC", "published_on": "2021-03-06"}],
        },
    ]
    doc["commitments"][2]["deadline_revisions"] = [
        {
            "deadline": {"date": "2021-05-31"},
            "reason": "Extended at the parties' request.",
            "source": {"publisher": "OSCE", "url": "https://example.org/ext", "published_on": "2021-04-20"},
        }
    ]
    result = import_agreement(doc, user=analyst)
    assert result.ok, result.problems
    agreement = result.agreement
    lists = agreement.commitments.get(reference="1")
    assert lists.status == "fulfilled" and lists.fulfilled_on == date(2021, 3, 6)
    # The chained deadline resolved from the fulfilment.
    assert agreement.commitments.get(reference="2").due_date == date(2021, 3, 20)
    report = agreement.commitments.get(reference="3")
    assert report.current_deadline.revision == 2 and report.due_date == date(2021, 5, 31)
    assert StatusUpdate.objects.filter(recorded_by=analyst).count() == 2
    assert result.preview["status_updates"] == 2
    exported = export_agreement(agreement, include_internal=True)
    assert exported["commitments"][0]["status_updates"][0]["internal_note"] == "Phone call with the ICRC."
    public = export_agreement(agreement, include_internal=False)
    assert "internal_note" not in json.dumps(public)


def test_status_update_problems_are_named(analyst):
    doc = document()
    doc["commitments"][0]["status_updates"] = [
        {
            "party": "icrc",
            "status": "fulfilled",
            "effective_date": "2020-01-01",
            "summary": "x",
            "sources": [{"publisher": "ICRC", "published_on": "2021-03-05"}],
        }
    ]
    result = import_agreement(doc, user=analyst)
    fields = {p.field for p in result.problems if p.row == "commitments[0]"}
    assert fields & {"status_updates[0].party", "status_updates[0].effective_date"}
    assert StatusUpdate.objects.count() == 0


def test_publish_records_who(analyst):
    result = import_agreement(document(), user=analyst, publish=True)
    assert result.agreement.published and result.agreement.published_by == analyst


def test_publish_with_four_eyes_is_a_problem(analyst, settings):
    settings.PUBLISH_FOUR_EYES = True
    result = import_agreement(document(), user=analyst, publish=True)
    assert ("agreement", "published") in problems_of(result)
    assert Agreement.objects.count() == 0


def _empty_the_tracker() -> None:
    """What an empty database has of agreements and parties: nothing (users stay)."""
    OutboundEmail.objects.all().delete()
    Alert.objects.all().delete()
    Subscription.objects.all().delete()
    StatusUpdateSource.objects.all().delete()
    StatusUpdate.objects.all()._raw_delete(StatusUpdate.objects.db)  # append-only: no model delete()
    Commitment.objects.update(current_deadline=None)
    Deadline.objects.all().delete()
    Obligation.objects.all().delete()
    Commitment.recipients.through.objects.all().delete()
    Commitment.objects.all().delete()
    for model in (AgreementRelation, AgreementParticipant, AgreementSource, Agreement, ActorMapping, Party):
        model.objects.all().delete()


def test_round_trip_of_the_demo(analyst):
    load_demo()
    agreements = Agreement.objects.order_by("signed_on")
    first = [export_agreement(a, include_internal=True) for a in agreements]
    assert any(c.get("status_updates") for doc in first for c in doc["commitments"])
    assert any(doc["relations"] for doc in first)
    _empty_the_tracker()
    assert Agreement.objects.count() == Party.objects.count() == 0
    for doc in first:  # in date order: a relation points to an agreement imported before
        result = import_agreement(json.dumps(doc), user=analyst)
        assert result.ok, result.problems
    second = [export_agreement(a, include_internal=True) for a in Agreement.objects.order_by("signed_on")]
    assert second == first


def test_the_schema_file_in_docs_is_the_schema():
    path = Path(__file__).resolve().parents[2] / "docs" / "agreement.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == AGREEMENT_SCHEMA


def test_exported_documents_match_the_schema(analyst):
    from jsonschema import Draft202012Validator

    load_demo()
    for agreement in Agreement.objects.all():
        Draft202012Validator(AGREEMENT_SCHEMA).validate(export_agreement(agreement, include_internal=True))


def test_problems_of_the_agreement_and_of_its_commitments_come_together(analyst, geneva):
    doc = document()
    doc["agreement"]["timezone"] = "Nowhere/Town"
    doc["commitments"][2]["deadline"] = {"date": "2020-01-01"}
    doc["commitments"][1]["deadline"] = {"days": 3, "after": "1x"}
    before = counts()
    result = import_agreement(doc, user=analyst)
    assert {
        ("agreement", "timezone"),
        ("commitments[2]", "deadline.date"),
        ("commitments[1]", "deadline.after"),
    } <= problems_of(result)
    result = import_agreement(
        document(
            commitments=[dict(document()["commitments"][0], parties=["ARM", "QQQ"])],
            agreement=dict(document()["agreement"], title=geneva.title, date="2020-10-30"),
        ),
        user=analyst,
    )
    assert {("agreement", "title"), ("commitments[0]", "parties[1]")} <= problems_of(result)
    assert counts() == before


def test_references_are_ordered_naturally_whatever_their_digits():
    # "²" is a digit to str.isdigit() but not a number to int(): an export of an agreement
    # with a commitment "para ²" was a 500.
    from commitments.documents.exporter import natural_key

    references = ["para 10", "²", "para 2", "para ²", "para ٣"]
    assert sorted(references, key=natural_key) == ["para 2", "para ٣", "para 10", "para ²", "²"]

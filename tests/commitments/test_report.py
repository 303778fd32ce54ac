"""The compliance report (/agreements/<id>/report/, /parties/<code>/report/): its data
(commitments/report.py), who sees what, and its share links (/reports/shared/<key>/)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from commitments import services
from commitments.choices import Nature, Status
from commitments.models import Agreement, Obligation, ReportShare
from commitments.report import Lateness, agreement_report, lateness, party_report
from commitments.selectors import on_time_rate, on_time_totals
from tests.commitments.list_helpers import draft_agreement, queries, sign_in
from tracker import services as engine

pytestmark = pytest.mark.django_db

NOV_20 = datetime(2020, 11, 20, 12, 0, tzinfo=UTC)
SECRET = "Informant in the ministry says otherwise"


@pytest.fixture
def on_nov_20():
    with time_machine.travel(NOV_20, tick=False):
        yield


@pytest.fixture
def book(on_nov_20, geneva, armenia, azerbaijan, make_commitment, record, analyst):
    """Geneva (published, Europe/Zurich), on 20 Nov 2020. The lists (due end of 6 Nov):
    Armenia in progress on 2 Nov, fulfilled on 5 Nov (on time; an update back-dated to
    3 Nov recorded after it does not replace it), Azerbaijan fulfilled on 10 Nov (4 days
    late). The remains (due the same day): in progress for both at once on 2 Nov, so
    overdue by 14 days. The civilians (ongoing, no deadline): Armenia fulfilled."""
    analyst.first_name, analyst.last_name = "Alice", "Whistleblower"
    analyst.save()
    services.agreement_update(
        agreement=geneva, user=analyst, participants=[(armenia, "signatory"), (azerbaijan, "signatory")]
    )
    geneva.published = True
    geneva.save()
    lists = make_commitment(reference="para 1", title="POW lists")
    remains = make_commitment(reference="para 2", title="Remains exchange")
    civilians = make_commitment(reference="para 3", title="Civilians", nature=Nature.ONGOING, deadline=None)
    record(lists, party=armenia, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 2))
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 5), summary="Lists handed over.")
    record(lists, party=armenia, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 3), internal_note=SECRET)
    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=date(2020, 11, 10), summary="Late lists.")
    record(remains, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 2), summary="Talks on the remains.")
    record(civilians, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 20))
    engine.deadline_sweep()
    return geneva


def _lines(report) -> dict:
    return {
        (s.commitment.reference, line.party.code): (line.status, line.lateness)
        for s in report.sections
        for line in s.lines
    }


# The builder ---------------------------------------------------------------------------------


def test_the_latest_assessment_per_party_and_how_late(book):
    report = agreement_report(book)
    assert [s.commitment.reference for s in report.sections] == ["para 1", "para 2", "para 3"]
    assert _lines(report) == {
        ("para 1", "ARM"): ("fulfilled", Lateness("on_time")),
        ("para 1", "AZE"): ("fulfilled", Lateness("late", 4)),  # 10 Nov - 6 Nov
        ("para 2", "ARM"): ("in_progress", Lateness("overdue", 14)),  # 20 Nov - 6 Nov
        ("para 2", "AZE"): ("in_progress", Lateness("overdue", 14)),
        ("para 3", "ARM"): ("fulfilled", Lateness("no_due_day")),
        ("para 3", "AZE"): ("not_started", Lateness("no_due_day")),
    }
    lists = report.sections[0]
    armenia = lists.lines[0]
    # The latest effective (5 Nov), not the last recorded (back-dated to 3 Nov).
    assert (armenia.latest.effective_on, armenia.latest.summary) == (date(2020, 11, 5), "Lists handed over.")
    assert [s.publisher for s in armenia.latest.sources.all()] == ["ICRC press office"]
    assert report.sections[2].lines[1].latest is None  # Azerbaijan: never assessed
    assert str(Lateness("late", 4)) == "Fulfilled 4 days late"
    assert str(Lateness("overdue", 1)) == "Overdue by 1 day"


def test_the_timeline_is_newest_first_with_one_entry_for_an_update_of_all_parties(book):
    lists, remains, _ = agreement_report(book).sections
    assert [(e.update.effective_on.day, [p.code for p in e.parties], e.update.status) for e in lists.timeline] == [
        (10, ["AZE"], "fulfilled"),
        (5, ["ARM"], "fulfilled"),
        (3, ["ARM"], "in_progress"),
        (2, ["ARM"], "in_progress"),
    ]
    assert [[p.code for p in e.parties] for e in remains.timeline] == [["ARM", "AZE"]]


def test_the_report_never_loads_an_internal_note(book):
    lists = agreement_report(book).sections[0]
    for entry in lists.timeline:
        assert "internal_note" in entry.update.get_deferred_fields()


def test_the_rates_are_the_selectors(book):
    report = agreement_report(book)
    assert report.counts == [
        ("not_started", "Not started", 1),
        ("in_progress", "In progress", 2),
        ("fulfilled", "Fulfilled", 3),
    ]
    assert report.total == 6
    # The lists: one on time, one late; the remains: two overdue; the civilians: no due day.
    assert report.record == {"assessed": 4, "on_time": 1, "overdue": 2, "late": 3, "fulfilled_late": 1, "rate": 0.25}
    totals = on_time_totals(Obligation.objects.filter(commitment__agreement=book))
    assert report.record["rate"] == on_time_rate(totals["on_time"], totals["assessed"])
    assert report.status_on == date(2020, 11, 20)


def test_lateness_on_the_due_day_is_on_time_and_the_day_after_late():
    due = date(2020, 11, 6)

    def of(status, effective_on=None, overdue=False):
        return lateness(
            status=status, effective_on=effective_on, due_date=due, overdue=overdue, today=date(2020, 11, 9)
        )

    assert of(Status.FULFILLED, due) == Lateness("on_time")
    assert of(Status.FULFILLED, due + timedelta(days=1)) == Lateness("late", 1)
    assert of(Status.IN_PROGRESS, overdue=True) == Lateness("overdue", 3)
    assert of(Status.IN_PROGRESS) == Lateness("not_due")
    assert of(Status.SUPERSEDED, overdue=False) == Lateness("closed")


def test_a_partys_report_spans_agreements_and_leaves_drafts_to_analysts(book, armenia, analyst):
    draft_agreement(armenia, analyst)
    public = party_report(armenia, include_drafts=False)
    assert [(s.agreement.title, s.commitment.reference) for s in public.sections] == [
        ("Geneva statement", "para 1"),
        ("Geneva statement", "para 2"),
        ("Geneva statement", "para 3"),
    ]
    assert all(len(s.lines) == 1 and s.lines[0].party == armenia for s in public.sections)
    assert public.record == {"assessed": 2, "on_time": 1, "overdue": 1, "late": 1, "fulfilled_late": 0, "rate": 0.5}
    everything = party_report(armenia, include_drafts=True)
    assert everything.sections[0].agreement.title == "Secret draft truce"  # newest first
    assert everything.has_drafts and not public.has_drafts


# The pages -------------------------------------------------------------------------------------


def test_the_agreement_report_page(client, book, analyst):
    sign_in(client, analyst)
    response = client.get(f"/agreements/{book.pk}/report/")
    assert response.status_code == 200
    text = response.text
    assert "Compliance report" in text and "<h1>Geneva statement" in text
    assert "Status on 20 Nov 2020, generated 20 Nov 2020 12:00 UTC" in text
    assert "Fulfilled 4 days late" in text and "Overdue by 14 days" in text and "Fulfilled on time" in text
    assert "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC" in text
    assert "<strong>25% on time</strong>" in text
    assert f"http://testserver/agreements/{book.pk}/report/" in text  # the footer's source
    assert SECRET not in text and "Whistleblower" not in text
    assert "Create a share link" in text


def test_the_report_links_from_the_agreement_commitment_and_party_pages(client, book, analyst):
    sign_in(client, analyst)
    link = f'href="/agreements/{book.pk}/report/"'
    assert link in client.get(f"/commitments/agreements/{book.pk}/").text
    assert link in client.get(f"/commitments/{book.commitments.first().pk}/").text
    assert 'href="/parties/ARM/report/"' in client.get("/parties/ARM/").text


def test_a_partner_reads_published_reports_only(client, book, partner, armenia, analyst):
    draft = draft_agreement(armenia, analyst)
    sign_in(client, partner)
    assert client.get(f"/agreements/{book.pk}/report/").status_code == 200
    assert client.get(f"/agreements/{draft.pk}/report/").status_code == 404
    party = client.get("/parties/ARM/report/")
    assert party.status_code == 200
    assert "Draft pledge" not in party.text and "Secret draft truce" not in party.text
    assert SECRET not in party.text and "Create a share link" not in party.text
    assert client.post(f"/agreements/{book.pk}/report/share/").status_code == 403
    assert not ReportShare.objects.exists()


def test_an_analyst_sees_a_draft_marked(client, armenia, analyst):
    draft = draft_agreement(armenia, analyst)
    sign_in(client, analyst)
    response = client.get(f"/agreements/{draft.pk}/report/")
    assert response.status_code == 200
    assert '<span class="badge">Draft</span>' in response.text
    assert "A draft cannot be shared" in response.text
    assert '<span class="badge">Draft</span>' in client.get("/parties/ARM/report/").text


def test_no_login_no_report(client, book):
    response = client.get(f"/agreements/{book.pk}/report/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/agreements/999999/report/").status_code == 302
    assert client.get("/parties/NOPE/report/").status_code == 302


def test_unknown_agreements_and_parties_are_404(client, book, analyst):
    sign_in(client, analyst)
    assert client.get("/agreements/999999/report/").status_code == 404
    assert client.get("/parties/NOPE/report/").status_code == 404
    assert client.get("/agreements/99999999999999999999999/report/").status_code == 404


def test_the_report_makes_as_many_queries_for_3_and_30_commitments(client, book, analyst, make_commitment, record):
    sign_in(client, analyst)
    url = f"/agreements/{book.pk}/report/"
    few = queries(client, url)
    for i in range(27):
        commitment = make_commitment(reference=f"para {i + 10}")
        record(commitment, effective_on=date(2020, 11, 3))
    assert queries(client, url) == few
    assert queries(client, "/parties/ARM/report/") == queries(client, "/parties/AZE/report/")


def test_the_builder_queries_are_constant(book, django_assert_max_num_queries):
    # 9: one more for the updates' reasons for non-fulfilment (issue 14); still constant.
    with django_assert_max_num_queries(9):
        report = agreement_report(Agreement.objects.get(pk=book.pk))
        assert len(report.sections) == 3


# Share links -----------------------------------------------------------------------------------


def _create_link(client, url: str) -> str:
    response = client.post(url)
    assert response.status_code == 302
    page = client.get(response["Location"])
    link = page.context["new_share"]["url"]
    assert link in page.text and "it is shown only once" in page.text
    assert client.get(response["Location"]).context["new_share"] is None  # shown once
    return link.removeprefix("http://testserver")


def test_a_share_link_opens_the_report_without_a_login(client, book, analyst):
    sign_in(client, analyst)
    path = _create_link(client, f"/agreements/{book.pk}/report/share/")
    share = ReportShare.objects.get()
    assert share.key_hash == ReportShare.hash(path.split("/")[-2]) and share.prefix in path
    assert share.expires_at == NOV_20 + timedelta(days=30)
    assert len(path.split("/")[-2]) >= 43  # 32 random bytes
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "Geneva statement" in response.text and "Overdue by 14 days" in response.text
    assert 'aria-label="Main"' not in response.text  # no navigation
    assert "Create a share link" not in response.text
    assert SECRET not in response.text and "Whistleblower" not in response.text
    assert "/commitments/" not in response.text  # no link into pages that need a login
    assert "until 20 Dec 2020" in response.text


def test_a_shared_link_expires(client, book, analyst):
    sign_in(client, analyst)
    path = _create_link(client, f"/agreements/{book.pk}/report/share/")
    with time_machine.travel(NOV_20 + timedelta(days=30, seconds=1)):
        gone = client.get(path)
    assert gone.status_code == 404
    assert "This link does not open" in gone.text
    assert gone["X-Robots-Tag"] == "noindex, nofollow"


def test_a_revoked_link_stops_at_once(client, book, analyst, partner):
    sign_in(client, analyst)
    path = _create_link(client, f"/agreements/{book.pk}/report/share/")
    share = ReportShare.objects.get()
    assert share.prefix in client.get(f"/agreements/{book.pk}/report/").text  # listed to revoke
    sign_in(client, partner)
    assert client.post(f"/reports/shares/{share.pk}/revoke/").status_code == 403
    assert client.get(path).status_code == 200
    sign_in(client, analyst)
    assert client.post(f"/reports/shares/{share.pk}/revoke/").status_code == 302
    assert client.get(path).status_code == 404
    assert client.get(f"/reports/shares/{share.pk}/revoke/").status_code == 405
    assert client.post("/reports/shares/999999/revoke/").status_code == 404


def test_a_tampered_or_unknown_key_is_404(client, book, analyst):
    sign_in(client, analyst)
    path = _create_link(client, f"/agreements/{book.pk}/report/share/")
    key = path.split("/")[-2]
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    client.logout()
    for bad in (f"/reports/shared/{tampered}/", "/reports/shared/" + "x" * 43 + "/"):
        response = client.get(bad)
        assert response.status_code == 404 and "This link does not open" in response.text
    for hostile in ("/reports/shared/%00%01/", "/reports/shared/" + "a" * 5000 + "/", "/reports/shared/short/"):
        assert client.get(hostile).status_code == 404


def test_a_draft_is_never_shared(client, armenia, analyst):
    draft = draft_agreement(armenia, analyst)
    sign_in(client, analyst)
    response = client.post(f"/agreements/{draft.pk}/report/share/")
    assert response.status_code == 400
    assert "A draft cannot be shared: publish the agreement first." in response.text
    assert not ReportShare.objects.exists()


def test_unpublished_after_sharing_the_link_is_404(client, book, analyst):
    sign_in(client, analyst)
    path = _create_link(client, f"/agreements/{book.pk}/report/share/")
    Agreement.objects.filter(pk=book.pk).update(published=False)
    client.logout()
    assert client.get(path).status_code == 404


def test_a_partys_shared_report_shows_published_agreements_only(client, book, armenia, analyst):
    draft_agreement(armenia, analyst)
    sign_in(client, analyst)
    path = _create_link(client, "/parties/ARM/report/share/")
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert "Republic of Armenia" in response.text and "POW lists" in response.text
    assert "Draft pledge" not in response.text and "Secret draft truce" not in response.text


def test_share_links_need_a_post_with_csrf(book, analyst):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(analyst)
    assert csrf_client.post(f"/agreements/{book.pk}/report/share/").status_code == 403
    assert csrf_client.get(f"/agreements/{book.pk}/report/share/").status_code == 405
    assert not ReportShare.objects.exists()
    assert timezone.now() == NOV_20


# As of a past day (commitments/as_of.py) -----------------------------------------------------


def test_the_report_as_of_a_past_day(book):
    report = agreement_report(book, as_of=date(2020, 11, 8))
    assert _lines(report) == {
        ("para 1", "ARM"): ("fulfilled", Lateness("on_time")),
        ("para 1", "AZE"): ("not_started", Lateness("overdue", 2)),  # fulfilled only on 10 Nov
        ("para 2", "ARM"): ("in_progress", Lateness("overdue", 2)),
        ("para 2", "AZE"): ("in_progress", Lateness("overdue", 2)),
        ("para 3", "ARM"): ("not_started", Lateness("no_due_day")),  # fulfilled only on 20 Nov
        ("para 3", "AZE"): ("not_started", Lateness("no_due_day")),
    }
    lists = report.sections[0]
    assert [e.update.effective_on.day for e in lists.timeline] == [5, 3, 2]  # not the 10 Nov one
    assert lists.lines[1].latest is None
    assert report.counts == [
        ("not_started", "Not started", 3),
        ("in_progress", "In progress", 2),
        ("fulfilled", "Fulfilled", 1),
    ]
    assert report.record == {"assessed": 4, "on_time": 1, "overdue": 3, "late": 3, "fulfilled_late": 0, "rate": 0.25}
    assert lists.due_text == "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC"
    assert (report.status_on, report.as_of) == (date(2020, 11, 8), date(2020, 11, 8))
    assert agreement_report(book, as_of=date(2020, 10, 29)).sections == []  # before the agreement


def test_as_of_today_agrees_with_the_selectors(book, armenia):
    """The on-time record of a past day (from the lines) and today's (selectors) are one rule."""
    today, as_of_today = agreement_report(book), agreement_report(book, as_of=date(2020, 11, 20))
    assert (as_of_today.counts, as_of_today.total, as_of_today.record) == (today.counts, today.total, today.record)
    assert _lines(as_of_today) == _lines(today)
    party, party_then = (
        party_report(armenia, include_drafts=False),
        party_report(armenia, include_drafts=False, as_of=date(2020, 11, 20)),
    )
    assert (party_then.counts, party_then.record) == (party.counts, party.record)


def test_the_report_page_as_of_a_day_and_bad_days(client, book, analyst):
    sign_in(client, analyst)
    url = f"/agreements/{book.pk}/report/"
    response = client.get(url, {"as_of": "2020-11-08"})
    assert response.status_code == 200
    assert "Status on 8 Nov 2020 (at the end of that day)" in response.text
    assert "Overdue by 2 days" in response.text and "Late lists." not in response.text
    assert f"http://testserver{url}?as_of=2020-11-08" in response.text  # the footer's source
    for bad in ("2020-02-30", "9999-12-31", "0001-01-01", "yesterday", "2020-11-08\x01", "=1+1", "9" * 5000):
        refused = client.get(url, {"as_of": bad})
        assert refused.status_code == 400, bad
        assert 'aria-invalid="true"' in refused.text and 'id="as-of-error"' in refused.text
        assert refused.context["as_of_error"]
    assert client.get("/parties/ARM/report/", {"as_of": "2020-11-08"}).status_code == 200
    assert client.get("/parties/ARM/report/", {"as_of": "1899-12-31"}).status_code == 400


def test_as_of_makes_as_many_queries_for_3_and_30_commitments(client, book, analyst, make_commitment, record):
    sign_in(client, analyst)
    url = f"/agreements/{book.pk}/report/?as_of=2020-11-08"
    few = queries(client, url)
    for i in range(27):
        record(make_commitment(reference=f"para {i + 10}"), effective_on=date(2020, 11, 3))
    assert queries(client, url) == few

"""The ACLED import (commitments/acled.py): the mapping of every column, idempotency,
updates with history, retraction within the file's scope, refused rows, unmapped actors,
link proposals, and the import_acled command. On both databases; the concurrent imports
on PostgreSQL."""

import io
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import acled
from commitments.acled_rows import parse_date
from commitments.choices import Category, IncidentRole, LinkState, Nature, Verification
from commitments.incidents import incident_link_decide
from commitments.models import AcledImport, ActorMapping, Incident, IncidentLink, IncidentParty, LinkRule
from commitments.signals import incident_linked

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acled"
FIRST = FIXTURES / "acled_2020.csv"
UPDATE = FIXTURES / "acled_2020_update.csv"
AZE_MIL = "Military Forces of Azerbaijan (1993-)"
ARM_MIL = "Military Forces of Armenia (2018-)"


@pytest.fixture
def mappings(armenia, azerbaijan):
    for name, party in (
        (AZE_MIL, azerbaijan),
        ("police forces of azerbaijan (1993-)", azerbaijan),  # any case matches
        (ARM_MIL, armenia),
        ("Police Forces of Armenia (2018-)", armenia),
        ("Civilians (Azerbaijan)", None),
        ("Civilians (Armenia)", None),
        ("Protesters (Armenia)", None),
    ):
        ActorMapping.objects.create(actor_name=name, party=party)


@pytest.fixture
def no_rules(db):
    LinkRule.objects.update(active=False)


def run(path=FIRST, *, user=None, data: bytes | None = None, name=None, **options):
    stream = io.BytesIO(data) if data is not None else path.open("rb")
    with stream:
        return acled.acled_import(stream=stream, file_name=name or path.name, user=user, **options)


def incident(event_id: str) -> Incident:
    return Incident.objects.get(acled_event_id=event_id)


def roles(event_id: str) -> set[tuple[str, str]]:
    return set(IncidentParty.objects.filter(incident__acled_event_id=event_id).values_list("party__code", "role"))


# Reading and mapping


@pytest.mark.django_db
def test_every_column_becomes_the_incident_it_describes(mappings, analyst, no_rules):
    result = run(user=analyst)
    assert (result.rows, result.created, result.updated, result.unchanged, result.refused) == (55, 53, 0, 0, 2)
    assert Incident.objects.count() == 53

    shelling = incident("AZE1001")
    assert shelling.occurred_on == date(2020, 11, 2)
    assert (shelling.location, shelling.country, shelling.admin1, shelling.admin2) == (
        "Tərtər",
        "Azerbaijan",
        "Tartar",
        "Tartar",
    )
    assert (shelling.latitude, shelling.longitude, shelling.geo_precision) == (
        Decimal("40.34060"),
        Decimal("46.93170"),
        1,
    )
    assert (shelling.event_type, shelling.sub_event_type) == (
        "explosions_remote_violence",
        "shelling_artillery_missile_attack",
    )
    assert shelling.description.startswith('On 2 November 2020, Armenian forces shelled Tərtər; the shells "hit')
    assert (shelling.actor1, shelling.actor2, shelling.interaction) == (ARM_MIL, "Civilians (Azerbaijan)", 17)
    # Civilian targeting: ACLED's fatalities are the civilians killed.
    assert (shelling.fatalities, shelling.civilians_killed) == (4, 4)
    assert shelling.acled_source and shelling.acled_source_scale == "National"
    assert shelling.acled_timestamp == 1604400001
    assert (shelling.verification, shelling.published, shelling.timezone) == (Verification.REPORTED, False, "UTC")
    assert shelling.created_by == analyst and shelling.last_import == result.record
    # Actor 1 alleged; "Civilians (Azerbaijan)" is mapped to no party: no role.
    assert roles("AZE1001") == {("ARM", IncidentRole.ALLEGED)}
    (cited,) = shelling.sources.all()
    assert (cited.publisher, cited.title, cited.url) == ("ACLED", "ACLED event AZE1001", acled.EXPORT_TOOL_URL)
    assert cited.published_on == datetime.fromtimestamp(1604400001, UTC).date()


@pytest.mark.django_db
def test_long_dates_empty_fatalities_newlines_and_associated_actors(mappings, analyst, no_rules):
    result = run(user=analyst)
    attack = incident("AZE1002")
    assert attack.occurred_on == date(2020, 11, 3)  # "03 November 2020"
    assert attack.fatalities is None and attack.civilians_killed is None  # empty: not reported, not zero
    assert "\nFatalities unreported" in attack.description
    # The army and (any case) the police are both Azerbaijan's: one alleged role.
    assert roles("AZE1002") == {("AZE", IncidentRole.ALLEGED)}
    assert attack.assoc_actor_1 == "Police Forces of Azerbaijan (1993-); Unidentified Armed Group (Azerbaijan)"

    battle = incident("ARM2001")
    assert battle.location == "Մարտունի" and '"heavy losses"' in battle.description
    # A battle: fatalities are not said to be civilians'.
    assert (battle.fatalities, battle.civilians_killed) == (12, None)
    assert roles("ARM2001") == {("AZE", IncidentRole.ALLEGED), ("ARM", IncidentRole.INVOLVED)}
    assert result.extra_columns == ["event_id_no_cnty"]


@pytest.mark.django_db
def test_unmapped_actors_are_listed_with_counts_never_guessed(mappings, analyst, no_rules):
    result = run(user=analyst)
    # "Military Forces of Artsakh" looks like Armenia's: still unmapped, not guessed.
    assert result.unmapped["Military Forces of Artsakh (1992-)"] == 2
    assert result.unmapped["Unidentified Armed Group (Azerbaijan)"] == 7
    assert ARM_MIL not in result.unmapped and "Civilians (Azerbaijan)" not in result.unmapped
    assert result.record.unmapped_actors == result.unmapped
    assert not IncidentParty.objects.filter(incident__actor1="Unidentified Armed Group (Azerbaijan)").exists()


@pytest.mark.django_db
def test_refused_rows_are_named_and_do_not_block_the_others(mappings, analyst, no_rules):
    result = run(user=analyst)
    assert result.errors == [
        {
            "row": 55,
            "field": "event_date",
            "message": "“31/10/2020” is not a date as ACLED writes it: use 2020-10-30 or 30 October 2020.",
        },
        {"row": 56, "field": "event_type", "message": "“Skirmish” is none of ACLED's event types."},
    ]
    assert result.record.errors == result.errors and result.record.state == AcledImport.State.DONE
    assert not Incident.objects.filter(acled_event_id__in=["ARM2019", "ARM2020"]).exists()


def _one_row(**values) -> bytes:
    row = {
        "event_id_cnty": "AZE9001",
        "event_date": "2020-11-01",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "country": "Azerbaijan",
        "location": "Tərtər",
        "timestamp": "1604400001",
        "latitude": "40.34",
        "longitude": "46.93",
        "fatalities": "1",
        "notes": "x",
    }
    row.update(values)
    header = ",".join(row)
    body = ",".join('"' + v.replace('"', '""') + '"' for v in row.values())
    return f"{header}\r\n{body}\r\n".encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("event_date", "0001-01-01", "an incident's date is from 1900"),
        ("event_date", "9999-12-31", "an incident's date is from 1900"),
        ("event_date", "31 February 2020", "no day of the calendar"),
        ("event_date", "Oct 30 2020", "not a date as ACLED writes it"),
        ("location", "Tər\x00tər", "control character"),
        ("location", "", "Empty"),
        ("location", "x" * 201, "at most 200"),
        ("notes", "n" * 10_001, "at most 10,000"),
        ("fatalities", "99999999999999999999999", "not a whole number"),
        ("fatalities", "-3", "not a whole number"),
        ("latitude", "91", "from -90 to 90"),
        ("latitude", "NaN", "from -90 to 90"),
        ("longitude", "", "both latitude and longitude"),
        ("event_id_cnty", "A" * 41, "not an ACLED event id"),
        ("event_id_cnty", "=cmd|' /C calc'!A0", "not an ACLED event id"),
        ("timestamp", "1e9", "not a whole number"),
        ("timestamp", "99999999999", "not a whole number"),
        ("sub_event_type", "Peaceful protest", "not a kind of Battles"),
        ("geo_precision", "4", "from 1 to 3"),
    ],
)
def test_hostile_values_refuse_their_row_naming_the_column(analyst, column, value, says):
    result = run(data=_one_row(**{column: value}), name="hostile.csv", user=analyst)
    assert result.refused == 1 and result.created == 0
    (error,) = result.errors
    assert (error["row"], error["field"]) == (2, column) and says in error["message"]
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_formulas_and_non_ascii_are_kept_as_text(analyst):
    result = run(data=_one_row(notes="=cmd|' /C calc'!A0 — Ağdam", location="Ağdam"), name="f.csv", user=analyst)
    assert result.created == 1
    assert incident("AZE9001").description == "=cmd|' /C calc'!A0 — Ağdam"


@pytest.mark.django_db
def test_backslashes_tabs_and_line_breaks_arrive_as_written(analyst):
    # The staging COPY (text format) reads \, \N, \t and \n specially: each must arrive as written.
    notes = "C:\\temp\\new \\N\tend\r\nsecond line\\"
    result = run(data=_one_row(notes=notes, location="Back\\slash \\N", admin1=""), name="b.csv", user=analyst)
    assert result.created == 1, result.errors
    shelling = incident("AZE9001")
    assert (shelling.description, shelling.location, shelling.admin1) == (notes, "Back\\slash \\N", "")


@pytest.mark.django_db(transaction=False)
def test_the_transaction_around_an_import_keeps_its_deferred_constraints(mappings, analyst, armenia):
    # The import checks foreign keys as each statement ends (PostgreSQL); the transaction
    # it runs in (here the test's) must find them deferred again: a row pointing at no
    # incident is accepted until the transaction ends (here it is deleted before).
    assert run(user=analyst).created
    missing = Incident.objects.order_by("pk").values_list("pk", flat=True).last() + 1
    IncidentParty.objects.create(incident_id=missing, party=armenia, role=IncidentRole.ALLEGED)
    IncidentParty.objects.filter(incident_id=missing).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('random_page_cost')")
            assert cursor.fetchone()[0] == "4"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2020-10-30", date(2020, 10, 30)),
        ("30 October 2020", date(2020, 10, 30)),
        ("3 november 2020", date(2020, 11, 3)),
    ],
)
def test_both_acled_date_formats(text, day):
    assert parse_date(text) == day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        (
            b"event_id_cnty,event_date,event_type,country,location\r\nA1,2020-01-01,Battles,X,Y\r\n",
            "sub_event_type",
            "no column sub_event_type, timestamp",
        ),
        (b"", "file", "empty"),
        # Two columns of one name: which one holds the place is not for the importer to guess.
        (_one_row().replace(b",notes\r\n", b",Location\r\n", 1), "location", "column location twice"),
        ("event_id_cnty\r\nTərtər".encode("utf-16"), "file", "not UTF-8"),
    ],
)
def test_a_file_without_a_required_column_is_refused_whole(analyst, data, field, says):
    result = run(data=data, name="bad.csv", user=analyst)
    assert not result.ok
    assert result.errors[0]["field"] == field and says in result.errors[0]["message"]
    assert result.record.state == AcledImport.State.FAILED and result.record.created == 0
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_columns_in_any_order_and_no_bom(mappings, analyst, no_rules):
    result = run(UPDATE, user=analyst)  # the API's column order, no byte order mark
    assert (result.created, result.refused) == (34, 0)
    assert incident("AZE1036").location == "Bərdə"


# Idempotency, updates, retraction


WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.django_db
def test_reimporting_the_same_file_writes_nothing(mappings, analyst, no_rules):
    run(user=analyst)
    history = Incident.history.count(), IncidentParty.history.count()
    stamps = list(Incident.objects.order_by("pk").values_list("updated_at", flat=True))
    with CaptureQueriesContext(connection) as queries:
        again = run(user=analyst)
    assert (again.created, again.updated, again.unchanged, again.retracted) == (0, 0, 53, 0)
    assert (Incident.history.count(), IncidentParty.history.count()) == history
    assert list(Incident.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    # Only the staging tables and the run's own record are written.
    written = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES) and "acled_stage" not in q["sql"].split("(")[0]
    ]
    assert all("commitments_acledimport" in sql for sql in written), written


@pytest.mark.django_db
def test_a_newer_version_updates_the_incident_and_keeps_its_history(mappings, analyst, no_rules, azerbaijan):
    run(user=analyst)
    result = run(UPDATE, user=analyst)
    assert (result.created, result.updated, result.unchanged) == (1, 2, 31)

    shelling = incident("AZE1001")
    assert (shelling.fatalities, shelling.civilians_killed, shelling.acled_timestamp) == (5, 5, 1604500001)
    latest, first = shelling.history.order_by("-history_id")[:2]
    assert (latest.history_type, latest.history_user, latest.fatalities) == ("~", analyst, 5)
    assert latest.history_change_reason == "ACLED import acled_2020_update.csv, timestamp 1604500001"
    assert (first.history_type, first.fatalities) == ("+", 4)
    assert shelling.sources.get().published_on == datetime.fromtimestamp(1604500001, UTC).date()

    # The newer version names Armenia's army as actor 1: the parties follow, with history.
    assert roles("AZE1002") == {("ARM", IncidentRole.ALLEGED)}
    removed = IncidentParty.history.filter(incident_id=incident("AZE1002").pk, history_type="-").get()
    assert (removed.party_id, removed.history_user) == (azerbaijan.pk, analyst)

    # An older timestamp than the stored one changes nothing.
    assert incident("AZE1004").description == "On 25 October 2020, a drone strike hit positions near Horadiz."
    assert incident("AZE1004").history.count() == 1


@pytest.mark.django_db
def test_retract_missing_only_within_the_files_dates_and_countries(mappings, analyst, no_rules):
    run(user=analyst)
    assert run(UPDATE, user=analyst, dry_run=True, retract_missing=True).retracted == 1  # the preview says so
    assert not Incident.objects.filter(verification=Verification.RETRACTED).exists()

    result = run(UPDATE, user=analyst, retract_missing=True)
    assert result.retracted == 1 and result.record.retracted == 1
    gone = incident("AZE1003")
    assert gone.verification == Verification.RETRACTED
    latest = gone.history.first()
    assert latest.history_user == analyst and "no longer in ACLED's export" in latest.history_change_reason
    assert "06 Oct 2020 to 05 Nov 2020, Azerbaijan" in latest.history_change_reason
    # Armenia is not in the update, and 9 November is after its last day: both kept.
    assert not Incident.objects.filter(country="Armenia", verification=Verification.RETRACTED).exists()
    assert incident("AZE1035").verification == Verification.REPORTED


# Chunks: the file is checked in a thread of its own while the previous chunk is written


def _outcome(first, update) -> dict:
    return {
        "counts": [
            (r.rows, r.created, r.updated, r.unchanged, r.skipped, r.refused, r.retracted, r.first_day, r.countries)
            for r in (first, update)
        ],
        "errors": (first.errors, update.errors),
        "unmapped": (first.unmapped, update.unmapped),
        "incidents": sorted(
            Incident.objects.values_list(
                "acled_event_id", "acled_timestamp", "fatalities", "description", "verification", "latitude"
            )
        ),
        "parties": sorted(IncidentParty.objects.values_list("incident__acled_event_id", "party_id", "role")),
        "sources": sorted(Incident.objects.values_list("acled_event_id", "sources__published_on")),
        "history": sorted(
            Incident.history.values_list("acled_event_id", "history_type", "fatalities", "history_change_reason")
        ),
        "party_history": sorted(IncidentParty.history.values_list("party_id", "role", "history_type")),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_rows", [1, 7])
def test_chunks_of_any_size_import_what_one_chunk_does(mappings, analyst, no_rules, chunk_rows):
    """Refused rows, new, updated, unchanged, skipped (--since) and retracted events spread
    over many chunks: the same incidents, parties, sources and history as in one chunk."""
    outcomes = []
    for size in (acled.CHUNK_ROWS, chunk_rows):
        first = run(user=analyst, chunk_rows=size)
        update = run(UPDATE, user=analyst, chunk_rows=size, retract_missing=True, since=1603000000)
        outcomes.append(_outcome(first, update))
        Incident.objects.all().delete()  # then the history, with the rows the deletion wrote
        IncidentParty.history.all().delete()
        Incident.history.all().delete()
    one, chunked = outcomes
    assert one["counts"][1][1:7] != (0, 0, 0, 0, 0, 0)  # the update has something of each kind
    for key, value in one.items():
        assert chunked[key] == value, key


@pytest.mark.django_db
def test_an_unreadable_chunk_after_written_ones_writes_nothing(mappings, analyst, no_rules):
    """The file turns out not to be UTF-8 in its last chunk, after the first chunks were
    written: the whole import rolls back."""
    good = FIRST.read_bytes()  # 21 kB: decoded in pieces of 8 kB, so the bad bytes come late
    with CaptureQueriesContext(connection) as queries:
        result = run(data=good + b"AZE9999,2020-11-01,\xff\xfe broken\r\n", name="late.csv", user=analyst, chunk_rows=5)
    assert any("INSERT INTO commitments_incident (" in q["sql"] for q in queries.captured_queries)
    assert not result.ok and "not UTF-8" in result.errors[0]["message"]
    assert result.record.state == AcledImport.State.FAILED and result.record.created == 0
    assert not Incident.objects.exists() and not IncidentParty.objects.exists()
    assert not Incident.history.exists()


@pytest.mark.django_db
def test_an_event_repeated_in_a_later_chunk_is_refused_at_its_second_row(mappings, analyst, no_rules):
    rows = FIRST.read_bytes().split(b"\r\n")
    data = b"\r\n".join([*rows[:-1], rows[1], b""])  # the first event again, as the last row
    result = run(data=data, name="twice.csv", user=analyst, chunk_rows=4)
    assert result.created == 53 and result.refused == 3
    assert result.errors[-1]["field"] == "event_id_cnty" and "already in row 2" in result.errors[-1]["message"]


@pytest.mark.django_db
def test_without_the_option_nothing_is_retracted(mappings, analyst, no_rules):
    run(user=analyst)
    assert run(UPDATE, user=analyst).retracted == 0
    assert incident("AZE1003").verification == Verification.REPORTED


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_a_preview_record(mappings, analyst):
    result = run(user=analyst, dry_run=True)
    assert (result.created, result.refused) == (53, 2)
    assert not Incident.objects.exists() and not IncidentLink.objects.exists()
    assert result.record.state == AcledImport.State.PREVIEW and result.record.created == 53


@pytest.mark.django_db
def test_publish_option(mappings, analyst, no_rules):
    run(user=analyst, publish=True)
    assert not Incident.objects.filter(published=False).exists()


# Link proposals


@pytest.fixture
def civilians_pledge(make_commitment, armenia, azerbaijan):
    return make_commitment(
        title="Refrain from targeting civilians",
        category=Category.CIVILIAN_PROTECTION,
        nature=Nature.ONGOING,
        deadline=None,
    )


@pytest.mark.django_db
def test_rules_propose_links_and_never_link(mappings, analyst, civilians_pledge, no_rules, armenia):
    rule = LinkRule.objects.create(
        name="Shelling after Geneva", event_type="explosions_remote_violence", category=Category.CIVILIAN_PROTECTION
    )
    heard = []
    incident_linked.connect(receiver := lambda **kw: heard.append(kw), weak=False)
    try:
        result = run(user=analyst)
    finally:
        incident_linked.disconnect(receiver)
    links = IncidentLink.objects.filter(rule=rule)
    # Alleged party's obligation, type matches, on or after 30 Oct 2020 (Geneva).
    expected = set(
        Incident.objects.filter(
            event_type="explosions_remote_violence", occurred_on__gte=date(2020, 10, 30), party_roles__role="alleged"
        ).values_list("acled_event_id", flat=True)
    )
    assert "AZE1001" in expected and "AZE1004" not in expected  # 25 October: before the agreement
    assert set(links.values_list("incident__acled_event_id", flat=True)) == expected
    assert result.links_proposed == links.count() and not heard
    assert set(links.values_list("state", flat=True)) == {LinkState.PROPOSED}
    link = links.get(incident__acled_event_id="AZE1001")
    assert link.obligation.party == armenia  # the alleged party's, not the victim's
    assert link.history.get().history_user == analyst


@pytest.mark.django_db
def test_a_rejected_proposal_stays_rejected_when_the_event_changes(mappings, analyst, civilians_pledge, no_rules):
    LinkRule.objects.create(name="r", event_type="explosions_remote_violence", category=Category.CIVILIAN_PROTECTION)
    run(user=analyst)
    link = IncidentLink.objects.get(incident__acled_event_id="AZE1001")
    incident_link_decide(link=link, state=LinkState.REJECTED, user=analyst, note="Counter-battery fire")
    result = run(UPDATE, user=analyst)  # AZE1001 updated: proposals run again for it
    assert result.updated == 2
    link.refresh_from_db()
    assert link.state == LinkState.REJECTED
    assert IncidentLink.objects.filter(incident__acled_event_id="AZE1001").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "proposed"),
    [
        ({"window_days": 3}, {"AZE1001"}),  # 2 Nov in, 4 Nov (AZE1036 not imported here) and later out
        ({"sub_event_type": "air_drone_strike"}, set()),
        ({"category": Category.CEASEFIRE}, set()),  # no ceasefire commitment
    ],
)
def test_rule_window_sub_type_and_category(mappings, analyst, civilians_pledge, no_rules, rule, proposed):
    fields = {"name": "r", "event_type": "explosions_remote_violence", "category": Category.CIVILIAN_PROTECTION}
    LinkRule.objects.create(**{**fields, **rule})
    run(user=analyst)
    found = set(IncidentLink.objects.values_list("incident__acled_event_id", flat=True))
    if rule.get("window_days"):
        assert proposed <= found
        assert all(i.occurred_on <= date(2020, 11, 2) for i in Incident.objects.filter(links__isnull=False))
    else:
        assert found == proposed


# The mapping service of the preview


@pytest.mark.django_db
def test_actor_mapping_add(analyst, armenia):
    mapping = acled.actor_mapping_add(actor_name=" Military Forces of Artsakh (1992-) ", party=armenia, user=analyst)
    assert mapping.actor_name == "Military Forces of Artsakh (1992-)"
    assert mapping.history.get().history_user == analyst
    with pytest.raises(ValidationError) as refused:
        acled.actor_mapping_add(actor_name="MILITARY FORCES OF ARTSAKH (1992-)", party=None, user=analyst)
    assert "already mapped" in str(refused.value.message_dict["actor_name"])
    with pytest.raises(ValidationError) as refused:
        acled.actor_mapping_add(actor_name="Bad\x07name", party=None, user=analyst)
    assert "actor_name" in refused.value.message_dict


# The command


def command(*args) -> str:
    out = io.StringIO()
    call_command("import_acled", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_imports_and_prints_the_plan(mappings, analyst, no_rules):
    printed = command(str(FIRST), "--user", "ana")
    assert "create 53, update 0, unchanged 0" in printed
    assert "REFUSED row 55 event_date" in printed and "UNMAPPED actor (2 rows): Military Forces of Artsakh" in printed
    assert "Extra columns, not read: event_id_no_cnty" in printed
    assert Incident.objects.filter(created_by=analyst).count() == 53


@pytest.mark.django_db
def test_command_dry_run_and_since(mappings, no_rules):
    assert "Dry run: nothing was written" in command(str(FIRST), "--dry-run")
    assert not Incident.objects.exists()
    printed = command(str(FIRST), "--since", "1604000000")
    imported = set(Incident.objects.values_list("acled_timestamp", flat=True))
    assert imported and min(imported) >= 1604000000
    assert f"skipped (--since) {53 - len(imported)}" in printed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--since", "yesterday"], "--since"),
        (["--since", "-5"], "--since"),
        (["--since", "1e9"], "--since"),
        (["--since", "9" * 40], "--since"),
        (["--user", "nobody"], "--user"),
    ],
)
def test_command_bad_arguments_name_themselves(db, args, says):
    with pytest.raises(CommandError, match=says):
        command(str(FIRST), *args)
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_command_missing_file_and_missing_column(tmp_path):
    with pytest.raises(CommandError, match="file: no file"):
        command(str(tmp_path / "nope.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"event_id_cnty,event_date\r\nA1,2020-01-01\r\n")
    with pytest.raises(CommandError, match="no column event_type"):
        command(str(bad))


# Concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_imports_make_each_incident_once(mappings, analyst, no_rules):
    data = FIRST.read_bytes()
    barrier = threading.Barrier(20)
    failures = []

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            run(data=data, name="acled_2020.csv", user=analyst)
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert Incident.objects.count() == 53
    assert Incident.history.filter(history_type="+").count() == 53
    # A new incident's parties are recorded by the incident's own "+" row (its actor names).
    assert IncidentParty.objects.exists() and not IncidentParty.history.filter(history_type="+").exists()
    records = AcledImport.objects.filter(state=AcledImport.State.DONE)
    assert records.count() == 20 and sum(r.created for r in records) == 53

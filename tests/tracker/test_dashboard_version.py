"""The dashboard's data version (database triggers) and the charts cached under it: every
write path moves it, the charts are never stale, and concurrent writers lose no count."""

import random
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction

from commitments import services
from commitments.choices import Status
from commitments.models import Agreement, Commitment, Obligation, StatusUpdate
from commitments.services import DeadlineInput, SourceInput
from tests.factories import pledge
from tracker import dashboard_version
from tracker import services as engine
from tracker.dashboard_charts import data_version
from tracker.models import Alert

pytestmark = pytest.mark.django_db


def remove(obligations):
    """Obligations with what protects them (their alerts and log)."""
    Alert.objects.filter(obligation__in=obligations).delete()
    StatusUpdate.objects.filter(obligation__in=obligations).delete()
    obligations.delete()


def figures(client):
    """What the charts show on the dashboard, as served (from the cache when there)."""
    page = client.get("/")
    assert page.status_code == 200
    return [(chart.title, chart.columns, chart.rows) for chart in page.context["charts"]]


def fresh_figures(client):
    cache.clear()
    return figures(client)


def test_every_write_path_moves_the_version(analyst, armenia, azerbaijan):
    commitment = pledge(0, [armenia, azerbaijan], analyst)
    steps = [
        lambda: Obligation.objects.filter(commitment=commitment).update(status=Status.IN_PROGRESS),  # bulk
        lambda: engine.deadline_sweep(now=datetime(2030, 1, 1, tzinfo=UTC)),  # the sweep
        lambda: Agreement.objects.filter(pk=commitment.agreement_id).update(published=False),
        lambda: Commitment.objects.filter(pk=commitment.pk).update(title="Renamed"),
        lambda: armenia.save(),
    ]
    for step in steps:
        before = data_version()
        step()
        assert data_version() > before
    before = data_version()
    with connection.cursor() as cursor:  # raw SQL, as an import might write
        cursor.execute("UPDATE commitments_obligation SET status = 'disputed'")
    assert data_version() > before
    before = data_version()
    remove(Obligation.objects.filter(commitment=commitment, party=armenia))
    assert data_version() > before


def test_a_write_that_changes_no_row_keeps_the_cached_charts(analyst, armenia, azerbaijan):
    # The sweep runs every five minutes and mostly finds nothing to do: it must not throw
    # the charts away each time (redrawing them costs a second at 100,000 commitments).
    pledge(0, [armenia, azerbaijan], analyst)
    engine.deadline_sweep(now=datetime(2030, 1, 1, tzinfo=UTC))  # flags both obligations
    before = data_version()
    engine.deadline_sweep(now=datetime(2030, 1, 1, 0, 5, tzinfo=UTC))  # nothing new
    Obligation.objects.filter(status="no such status").update(status=Status.FULFILLED)
    assert data_version() == before
    Obligation.objects.filter(party=armenia).update(status=Status.FULFILLED)
    assert data_version() > before


def test_the_dashboard_changes_at_once_whatever_wrote(client, analyst, armenia, azerbaijan):
    client.force_login(analyst)
    commitment = pledge(0, [armenia, azerbaijan], analyst)
    shown = figures(client)
    assert figures(client) == shown  # served from the cache: the same
    with connection.cursor() as cursor:  # no signal, no service: only the trigger knows
        cursor.execute("UPDATE commitments_obligation SET status = 'fulfilled' WHERE party_id = %s", [armenia.pk])
    changed = figures(client)
    assert changed != shown
    assert changed == fresh_figures(client)
    services.status_update_record(
        commitment=commitment,
        party=azerbaijan,
        status=Status.IN_PROGRESS,
        effective_on=date(2020, 2, 1),
        summary="Started",
        sources=[SourceInput(publisher="ICRC", published_on=date(2020, 2, 1))],
        user=analyst,
    )
    assert figures(client) == fresh_figures(client) != changed


def test_partners_and_analysts_have_charts_of_their_own(client, analyst, partner, armenia):
    pledge(0, [armenia], analyst, published=True)
    pledge(1, [armenia], analyst, published=False)
    client.force_login(analyst)
    everything = figures(client)
    client.force_login(partner)
    published = figures(client)
    by_party = {title: rows for title, _, rows in published}["Obligations by status, per party"]
    assert sum(sum(counts) for _, counts in by_party) == 1  # the draft's obligation is not counted
    assert published != everything
    client.force_login(analyst)
    assert figures(client) == everything


def test_after_random_changes_the_cached_charts_are_those_drawn_from_scratch(client, analyst, armenia, azerbaijan):
    client.force_login(analyst)
    rng = random.Random(15)  # noqa: S311 - a repeatable sequence of changes, not a secret
    commitments = [pledge(i, [armenia, azerbaijan], analyst) for i in range(6)]
    statuses = ["not_started", "in_progress", "fulfilled", "disputed", "not_fulfilled"]

    def record():
        c = rng.choice(commitments)
        services.status_update_record(
            commitment=c,
            party=rng.choice([armenia, azerbaijan]),
            status=rng.choice(statuses),
            effective_on=date(2020, 1, 2) + timedelta(days=rng.randrange(300)),
            summary="Assessed",
            sources=[SourceInput(publisher="ICRC", published_on=date(2020, 1, 2))],
            user=analyst,
        )

    def revise():
        services.deadline_set(
            commitment=rng.choice(commitments),
            deadline=DeadlineInput(within_days=rng.randrange(1, 900)),
            user=analyst,
            reason="Extended",
            source=SourceInput(publisher="OSCE", published_on=date(2020, 1, 3)),
        )

    def sweep():
        engine.deadline_sweep(now=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(1500)))

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE commitments_obligation SET status = %s WHERE id = %s",
                [rng.choice(statuses), Obligation.objects.order_by("?").values_list("pk", flat=True).first()],
            )

    def add():
        commitments.append(pledge(100 + len(commitments), [rng.choice([armenia, azerbaijan])], analyst))

    def delete():
        victim = commitments.pop(rng.randrange(len(commitments)))
        remove(Obligation.objects.filter(commitment=victim))

    changes = [record, revise, sweep, raw, add, delete]
    for _ in range(25):
        figures(client)  # the cache is filled before each change
        rng.choice(changes)()
        assert figures(client) == fresh_figures(client)
        if len(commitments) < 2:
            add()


@pytest.mark.postgres  # SQLite has one writer at a time
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the browser tests: data restored after
def test_concurrent_writers_lose_no_count_and_do_not_deadlock(analyst, armenia, azerbaijan):
    pledge(0, [armenia, azerbaijan], analyst)
    ids = list(Obligation.objects.values_list("pk", flat=True))
    before = data_version()
    threads, writes, errors = 20, 10, []
    start = threading.Barrier(threads)

    def writer(n):
        try:
            start.wait()
            for i in range(writes):
                with transaction.atomic():
                    # Every writer touches the same rows, in the same order, each time.
                    for pk in ids:
                        Obligation.objects.filter(pk=pk).update(status=("in_progress", "disputed")[(n + i) % 2])
        except Exception as error:  # reported below, with the thread's number
            errors.append((n, error))
        finally:
            connections.close_all()

    pool = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    assert data_version() - before == threads * writes * len(ids)


def test_the_triggers_are_in_place_after_all_migrations():
    """SQLite drops a table's triggers when a migration remakes the table (any altered
    column): a later migration touching these tables must create them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'tracker_dashboard_bump%%'"
            )
            assert sorted(row[0] for row in cursor.fetchall()) == sorted(dashboard_version.TABLES * 4)
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tracker_dashboard%'"
            )
            assert sorted(row[0] for row in cursor.fetchall()) == sorted(dashboard_version.TABLES * 3)


def test_a_full_section_links_to_all_of_it_on_the_search(client, analyst, armenia, azerbaijan):
    for i in range(11):
        pledge(i, [armenia, azerbaijan], analyst)  # 22 obligations, due in 2020
    engine.deadline_sweep()
    client.force_login(analyst)
    page = client.get("/")
    assert len(page.context["overdue"]) == 20
    link = page.context["overdue_all"]
    assert f'<a href="{link}">See all</a>' in page.text
    everything = client.get(link)
    assert everything.status_code == 200
    assert len(everything.context["results"]) == 11  # the commitments of all 22 overdue obligations
    for window in ("due_7_all", "due_30_all"):  # empty sections: no link, but the URL works
        assert client.get(page.context[window]).status_code == 200

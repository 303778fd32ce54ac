import os
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from commitments import services
from commitments.choices import Category, Nature
from core.roles import ANALYSTS, PARTNERS
from parties.choices import PartyKind
from tests.factories import AgreementFactory, PartyFactory, UserFactory


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a test that would skip (a service or browser missing) fails instead."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {report.longrepr}"


@pytest.fixture(autouse=True)
def _cache_emptied_after_committed_tests(request, django_db_blocker):
    """A test that commits (live server, transactional_db) leaves its cache entries behind,
    and the flush after it restarts the dashboard's data version: the next test's charts
    would be found under the same version. (A database restored from a backup has the
    same effect in production: docs/pages.md says to clear the cache then.)"""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = {"transactional_db", "live_server"} & set(request.fixturenames)
    if committed or (marker and marker.kwargs.get("transaction")):
        with django_db_blocker.unblock():
            cache.clear()


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL; runs in the PostgreSQL pass of CI")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) when the suite runs on another
    database: CI runs the suite on both, so each runs where it can."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a loopback port, and Django's SMTP backend pointed at it."""
    from tests.smtp import SMTPServer

    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def armenia(db):
    return PartyFactory(code="ARM", name="Republic of Armenia", short_name="Armenia", kind=PartyKind.STATE)


@pytest.fixture
def azerbaijan(db):
    return PartyFactory(code="AZE", name="Republic of Azerbaijan", short_name="Azerbaijan", kind=PartyKind.STATE)


@pytest.fixture
def icrc(db):
    return PartyFactory(code="icrc", name="International Committee of the Red Cross", short_name="ICRC")


@pytest.fixture
def geneva(db):
    """An agreement dated like the Geneva statement: 30 Oct 2020, Europe/Zurich."""
    return AgreementFactory(title="Geneva statement", signed_on=date(2020, 10, 30), timezone="Europe/Zurich")


@pytest.fixture
def analyst(db):
    user = UserFactory(username="ana", is_staff=True)
    user.groups.add(Group.objects.get(name=ANALYSTS))
    return user


@pytest.fixture
def partner(db):
    user = UserFactory(username="partner-org")
    user.groups.add(Group.objects.get(name=PARTNERS))
    return user


@pytest.fixture
def make_commitment(geneva, armenia, azerbaijan, analyst):
    """Create a commitment through the service, with defaults for what a test leaves out."""
    counter = iter(range(1, 10_000))

    def make(**overrides):
        fields = {
            "agreement": geneva,
            "reference": f"para {next(counter)}",
            "title": "POW lists to the ICRC",
            "text": "Submit lists of prisoners of war to the Red Cross within a week.",
            "category": Category.PRISONERS,
            "nature": Nature.ONE_OFF,
            "parties": [armenia, azerbaijan],
            "deadline": services.DeadlineInput(within_days=7),
            "user": analyst,
        }
        fields.update(overrides)
        return services.commitment_create(**fields)

    return make


@pytest.fixture
def source():
    return services.SourceInput(
        publisher="ICRC press office", published_on=date(2020, 11, 5), url="https://example.org/a"
    )


@pytest.fixture
def record(analyst, source):
    """Record a status update through the service with defaults."""

    def record(commitment, **overrides):
        fields = {
            "commitment": commitment,
            "status": "in_progress",
            "effective_on": date(2020, 11, 2),
            "summary": "Lists being compiled.",
            "sources": [source],
            "user": analyst,
        }
        fields.update(overrides)
        return services.status_update_record(**fields)

    return record

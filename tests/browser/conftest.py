"""Browser tests: Playwright (pytest-playwright's fixtures) driving Debian's Chromium
against pytest-django's live server.

No browser is downloaded (no `playwright install`): Debian's package is used, and
installed with apt-get when it is missing. The machine has no network, so the launch
flags keep Chromium from trying to reach one (it hangs on connections otherwise).
"""

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from commitments.models import Commitment
from tests.browser.steps import LISTS
from tracker import services as engine
from tracker.demo import load_demo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ALLOW_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _apt_get(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["apt-get", *args],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(["apt-get", *args], returncode=-1, stdout="", stderr=str(exc))


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium; `apt-get install -y chromium` when missing (after `apt-get
    update` if the first try fails). Fails, never skips, when it cannot be had."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    if shutil.which("apt-get") is None:
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM}; it is missing and there is no apt-get.")
    # One install at a time: the suite's workers (pytest -n) may all find it missing, and
    # a second apt-get fails on dpkg's lock. The others wait, then find it there.
    with (Path(tempfile.gettempdir()) / "tracker-tests-chromium.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not CHROMIUM.exists():
            _install_chromium()
    return str(CHROMIUM)


def _install_chromium() -> None:
    install = _apt_get("install", "-y", "chromium")
    if install.returncode != 0:
        _apt_get("update")
        install = _apt_get("install", "-y", "chromium")
    output = (install.stdout + install.stderr).strip()[-2000:]
    if install.returncode != 0:
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}; `apt-get install -y chromium` "
            f"failed (exit {install.returncode}), also after `apt-get update`:\n{output}"
        )
    if not CHROMIUM.exists():
        pytest.fail(f"`apt-get install -y chromium` succeeded, yet {CHROMIUM} is missing:\n{output}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable):
    """pytest-playwright's launch options (--headed, --slowmo) with Debian's Chromium."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
    }


# Playwright's sync API keeps an asyncio event loop "running" in the main thread for as
# long as Playwright runs. Two things follow for Django in that thread:
# - every ORM call raises SynchronousOnlyOperation unless DJANGO_ALLOW_ASYNC_UNSAFE is set;
# - asgiref's thread-critical Local, which holds the database connections, switches to
#   per-context storage, so the ORM would get new connection objects: these lack the
#   serialized contents that serialized_rollback restores (and the test database would be
#   left flushed for the tests that follow). The ORM is handed the connections it had.
# pytest-playwright starts Playwright once per session, which would do the above to every
# test after these: here it lives for this package only (the fixtures below are
# pytest-playwright's, package-scoped), and all of the above is undone when it stops.
@pytest.fixture(scope="package")
def playwright(_pw_api_request_contexts, django_db_setup):
    from django.db import connections

    previous = os.environ.get(ALLOW_ASYNC_UNSAFE)
    os.environ[ALLOW_ASYNC_UNSAFE] = "true"
    thread_connections = {alias: connections[alias] for alias in connections}
    pw = sync_playwright().start()
    for alias, connection in thread_connections.items():
        connections[alias] = connection
        assert connections[alias] is connection
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    try:
        yield pw
    finally:
        pw.stop()
        if previous is None:
            del os.environ[ALLOW_ASYNC_UNSAFE]
        else:
            os.environ[ALLOW_ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(pytestconfig, playwright, device, _pw_artifacts_folder):
    args = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
    if device:
        args.update(playwright.devices[device])
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        args["record_video_dir"] = _pw_artifacts_folder.name
    return args


@pytest.fixture
def context(new_context, live_server):
    """A fresh browser (no cookies) whose relative URLs go to the live server."""
    context = new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 0
        return path

    return take


@pytest.fixture
def lists() -> Commitment:
    """The demo data, swept: the POW lists (due end of 6 Nov 2020) are overdue."""
    load_demo()
    engine.deadline_sweep()
    commitment = Commitment.objects.get(title=LISTS)
    assert commitment.agreement.published  # partners see published agreements only
    assert set(commitment.obligations.filter(overdue=True).values_list("party__code", flat=True)) == {"ARM", "AZE"}
    return commitment

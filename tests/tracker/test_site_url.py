"""With PORT=18301 make run, the printed login line and every link in the emails say
:18301 (SITE_URL follows the port unless it is set)."""

import os
import stat
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_load_demo_prints_the_site_url_it_is_given(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:18301"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "at http://127.0.0.1:18301/accounts/login/" in out.getvalue()
    assert ":8000" not in out.getvalue()
    # ... and the demo analyst has an address, so Watch works on the first run.
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="analyst").email == "analyst@example.org"


def fake_venv(tmp_path: Path) -> Path:
    """A .venv whose python and honcho only print the SITE_URL they are run with, so
    `make run` runs its real recipe and nothing else."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    for name in ("python", "honcho"):
        tool = venv / "bin" / name
        tool.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    (venv / ".installed").touch()  # newer than requirements*.txt: nothing to install
    return venv


def make_run(tmp_path: Path, *args: str, **env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "run", f"VENV={fake_venv(tmp_path)}", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line.startswith("SITE_URL=")]


def test_make_run_passes_a_site_url_that_follows_the_port(tmp_path):
    # migrate, load_demo, and honcho (the web server, the worker and beat) all get it.
    assert make_run(tmp_path, "PORT=18301") == ["SITE_URL=http://127.0.0.1:18301"] * 3
    assert set(make_run(tmp_path)) == {"SITE_URL=http://127.0.0.1:8000"}
    assert set(make_run(tmp_path, "PORT=18301", "HOST=0.0.0.0")) == {"SITE_URL=http://127.0.0.1:18301"}


def test_a_site_url_that_is_set_is_kept(tmp_path):
    lines = make_run(tmp_path, "PORT=18301", SITE_URL="https://tracker.example.org")
    assert set(lines) == {"SITE_URL=https://tracker.example.org"}

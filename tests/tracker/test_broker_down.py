"""With the broker down, saving still succeeds: the enqueue failure is logged and the
next scheduled sweep catches up. Run as a real process with REDIS_URL at a closed port."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from datetime import date
from commitments import services
from commitments.choices import Category, Status
from commitments.models import Commitment, StatusUpdate
from tracker.demo import SEED_REPORT, _system_user, load_demo
load_demo()  # its writes queue sweeps on commit, too
lists = Commitment.objects.get(category=Category.PRISONERS)
services.status_update_record(
    commitment=lists, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 2),
    summary="Lists being compiled.", sources=[SEED_REPORT], user=_system_user(),
)
print("saved", StatusUpdate.objects.filter(obligation__commitment=lists).count())
"""


def test_saving_succeeds_and_logs_when_redis_is_down(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'down.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens on port 1
    )
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", SCRIPT], **run)
    assert result.returncode == 0, result.stderr
    assert "saved 2" in result.stdout
    assert "could not queue tracker.sweep_deadlines; the next scheduled run will catch up" in result.stderr

"""Migrations run their own frozen code: a data migration that imports the live code breaks
(or silently changes what it did) when that code moves or changes. Rules that must follow
the live code run after every migrate instead (core/apps.py: the roles' groups)."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from core.roles import ANALYST_PERMISSIONS, ANALYSTS, PARTNERS

ROOT = Path(__file__).resolve().parent.parent
# The project's own packages: what a migration's code must not import.
PROJECT = {path.parent.name for path in ROOT.glob("*/__init__.py")}
MIGRATIONS = sorted(ROOT.glob("*/migrations/0*.py"))


def offences(path: Path) -> list[str]:
    """What in one migration file reaches into the project's live code. Allowed: Django's
    own references in the operations (``import utilities.fields`` for a field class, a
    validator's dotted path), which the migration state needs and makemigrations writes."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT:
            found.append(f"line {node.lineno}: from {node.module} import ...")
    local = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    for function in (node for node in tree.body if isinstance(node, ast.FunctionDef)):
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and node.id in PROJECT:
                found.append(f"line {node.lineno}: {function.name}() uses {node.id}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                found += [
                    f"line {node.lineno}: {function.name}() imports {n}" for n in names if n.split(".")[0] in PROJECT
                ]
    for node in ast.walk(tree):
        # RunPython runs a function of the file itself (or Django's noop).
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("RunPython"):
            for arg in node.args:
                if (
                    not (isinstance(arg, ast.Name) and arg.id in local)
                    and ast.unparse(arg) != "migrations.RunPython.noop"
                ):
                    found.append(f"line {node.lineno}: RunPython({ast.unparse(arg)}) is not the file's own")
    return found


def test_the_migrations_are_found():
    assert {path.parent.parent.name for path in MIGRATIONS} >= {"core", "parties", "commitments", "tracker"}
    assert "tracker" in PROJECT and "utilities" in PROJECT


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: f"{path.parent.parent.name}/{path.stem}")
def test_no_migration_runs_the_projects_live_code(path):
    assert offences(path) == []


def test_the_check_catches_a_migration_that_imports_live_code(tmp_path):
    migration = tmp_path / "0099_bad.py"
    migration.write_text(
        "from django.db import migrations\n"
        "from core.roles import sync_analysts_group\n"
        "import tracker.models\n\n"
        "def forwards(apps, schema_editor):\n"
        "    tracker.models.Alert.objects.all().delete()\n\n"
        "class Migration(migrations.Migration):\n"
        "    operations = [migrations.RunPython(sync_analysts_group), migrations.RunPython(forwards)]\n"
    )
    assert len(offences(migration)) == 3


# What the migrations installed, as beat reads it: (name, task, every, period).
SCHEDULE = {
    ("deadline sweep", "tracker.sweep_deadlines", 5, "minutes"),
    ("deadline reminders", "tracker.send_reminders", 1, "hours"),
    ("email outbox", "tracker.send_outbox", 1, "minutes"),
    ("daily digests", "tracker.queue_digests", 15, "minutes"),
    ("idempotency keys purge", "tracker.purge_idempotency_keys", 1, "hours"),
}


@pytest.mark.django_db
def test_the_migrations_install_the_beat_schedule_of_registered_tasks():
    installed = {
        (task.name, task.task, task.interval.every, task.interval.period)
        for task in PeriodicTask.objects.select_related("interval")
    }
    assert installed == SCHEDULE
    celery_app.loader.import_default_modules()
    assert {task for _, task, _, _ in SCHEDULE} <= set(celery_app.tasks)


@pytest.mark.django_db
def test_every_migrate_keeps_the_groups_in_step_with_the_roles():
    Group.objects.get(name=PARTNERS).delete()
    analysts = Group.objects.get(name=ANALYSTS)
    analysts.permissions.clear()
    call_command("migrate", verbosity=0)  # nothing to apply: only the post_migrate hooks run
    assert Group.objects.filter(name=PARTNERS).exists()
    granted = {(p.content_type.app_label, p.codename) for p in analysts.permissions.select_related("content_type")}
    assert granted == ANALYST_PERMISSIONS

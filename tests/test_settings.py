"""Settings come from the environment; production settings pass the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x7#Kq2!vLp9@Zr4$Nw8^Bt6&Hy3*Jm5(Dc1)Fg0_Qs-Ue+Ai=Ox~Ek",
        ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    result = manage("check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_and_time_zone_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], settings.TIME_ZONE)"
    )
    result = manage(
        "shell",
        "-c",
        code,
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        TIME_ZONE="Asia/Baku",
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["django.db.backends.sqlite3", str(tmp_path / "x.sqlite3"), "Asia/Baku"]
    pg = manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/somedb",
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )
    assert pg.stdout.split()[-3:-1] == ["django.db.backends.postgresql", "somedb"]


def test_by_default_the_database_is_a_sqlite_file_inside_the_project():
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = manage("shell", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(ROOT / "db.sqlite3")


def cache_of(**env: str) -> list[str]:
    code = "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c['LOCATION'])"
    result = manage("shell", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.local", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-2:]


def test_the_shared_cache_is_redis_beside_the_broker_else_the_database():
    environment = dict.fromkeys(("REDIS_URL", "CACHE_URL"), "")
    assert cache_of(**environment) == ["django.core.cache.backends.db.DatabaseCache", "tracker_cache"]
    # Redis: the next database number, so that clearing the cache never empties Celery's queue.
    redis = {**environment, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert cache_of(**redis) == ["utilities.redis_cache.RedisCache", "redis://127.0.0.1:6379/1"]
    named = {**redis, "CACHE_URL": "redis://cache.internal:6379/3"}
    assert cache_of(**named) == ["utilities.redis_cache.RedisCache", "redis://cache.internal:6379/3"]

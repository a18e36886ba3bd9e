"""The production profile: it refuses to start without what it needs, passes
Django's deployment checks, sends a Content-Security-Policy everywhere, logs
JSON to stdout, and answers /healthz."""

import datetime
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from osce_docs import health

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-8f3kd93jf02kd93jf0aa",
    "ALLOWED_HOSTS": "library.example.org",
}


def run_manage(*args, env=None):
    environment = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ENV", "SECRET_KEY", "DEBUG"}}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_deployment_checks_pass_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    env[missing] = ""
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_refuses_hsts_shorter_than_a_year():
    result = run_manage("check", env={**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "3600"})
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be at least a year" in result.stderr


def test_production_logs_are_json_lines_on_stdout():
    code = "import logging, django; django.setup(); logging.getLogger('osce_docs.test').warning('hello', extra={'document_id': 7})"
    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    environment.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="osce_docs.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["message"] == "hello"
    assert record["level"] == "WARNING"
    assert record["logger"] == "osce_docs.test"
    assert record["document_id"] == 7
    assert datetime.datetime.strptime(record["time"], "%Y-%m-%dT%H:%M:%S%z").tzinfo is not None


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    response = client.get(reverse("admin:login"))
    policy = {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in response["Content-Security-Policy"].split(";")
    }
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_storage_work(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "storage": "unavailable"}}


@pytest.mark.django_db
def test_healthz_answers_503_when_database_fails(client, monkeypatch):
    def database_down():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
    assert "refused" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_leaves_no_probe_file_behind(client, settings):
    client.get("/healthz")
    probe_folder = Path(settings.MEDIA_ROOT) / health.PROBE_FOLDER
    assert list(probe_folder.iterdir()) == []


@pytest.mark.parametrize(
    "configured, expected",
    [
        ({}, "-c max_parallel_workers_per_gather=0 -c jit=off -c random_page_cost=1.1"),
        ({"DATABASE_PARALLEL_WORKERS": "2"}, "-c max_parallel_workers_per_gather=2 -c jit=off -c random_page_cost=1.1"),
        ({"DATABASE_JIT": "true"}, "-c max_parallel_workers_per_gather=0 -c jit=on -c random_page_cost=1.1"),
        ({"DATABASE_RANDOM_PAGE_COST": "2"}, "-c max_parallel_workers_per_gather=0 -c jit=off -c random_page_cost=2"),
        ({"DATABASE_RANDOM_PAGE_COST": ""}, "-c max_parallel_workers_per_gather=0 -c jit=off"),
    ],
)
def test_postgresql_connections_start_without_parallel_workers_or_jit_unless_configured(configured, expected):
    env = {"DATABASE_URL": "postgres://someone@db.example.org:5432/library", **configured}
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    "configured, pages_kib",
    [
        ({"DATABASE_SQLITE_CACHE_MB": ""}, 64 * 1024),
        ({"DATABASE_SQLITE_CACHE_MB": "8"}, 8 * 1024),
        ({"DATABASE_SQLITE_CACHE_MB": "0"}, 2000),
    ],
    ids=["64 MB by default", "as configured", "SQLite's own 2 MB"],
)
def test_sqlite_connections_start_with_the_configured_page_cache(configured, pages_kib, tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'library.sqlite3'}", **configured}
    code = "from django.db import connection; print(connection.cursor().execute('PRAGMA cache_size').fetchone()[0])"
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    # Negative: a size in KiB rather than in pages.
    assert result.stdout.strip() == str(-pages_kib)


def test_a_random_page_cost_that_is_not_a_number_is_refused_with_its_name():
    env = {"DATABASE_URL": "postgres://someone@db.example.org:5432/library", "DATABASE_RANDOM_PAGE_COST": "fast"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_RANDOM_PAGE_COST must be a number, not 'fast'" in result.stderr


def test_the_database_in_use_runs_queries_without_parallel_workers_or_jit_on_postgresql(db):
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW random_page_cost")
            assert cursor.fetchone()[0] == "1.1"
    else:
        assert "options" not in connection.settings_dict.get("OPTIONS", {})


def _sqlite_file_connection(path):
    from osce_docs.sqlite.base import DatabaseWrapper

    settings_dict = {
        "NAME": str(path),
        "ENGINE": "osce_docs.sqlite",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return DatabaseWrapper(settings_dict, alias="statistics_probe")


def _statistics(connection, table):
    """sqlite_stat1's figures for TABLE's index: its rows, then the rows per value of its column."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NOT NULL", [table])
        return [int(figure) for figure in cursor.fetchone()[0].split()]


def _rows_in_statistics(connection, table):
    return _statistics(connection, table)[0]


def test_sqlite_connections_refresh_stale_planner_statistics_when_they_close(tmp_path, django_db_blocker):
    # Statistics taken when a table held 5 rows (as a migration's ANALYZE
    # takes them); the table then grows 2,000-fold. A connection that queries
    # it refreshes them as it closes, as SQLite advises (PRAGMA optimize).
    with django_db_blocker.unblock():
        connection = _sqlite_file_connection(tmp_path / "library.sqlite3")
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, kind TEXT)")
            cursor.execute("CREATE INDEX event_kind ON event (kind)")
            cursor.executemany("INSERT INTO event (kind) VALUES (%s)", [("workshop",)] * 5)
            cursor.execute("ANALYZE")
        assert _rows_in_statistics(connection, "event") == 5
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO event (kind) VALUES (%s)", [("conference",)] * 10_000)
        connection.close()

        connection = _sqlite_file_connection(tmp_path / "library.sqlite3")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM event WHERE kind = %s", ["workshop"])
            assert cursor.fetchone()[0] == 5
        assert _rows_in_statistics(connection, "event") == 5  # not before the close
        connection.close()

        connection = _sqlite_file_connection(tmp_path / "library.sqlite3")
        rows, per_kind = _statistics(connection, "event")
        # From every row, not a sample of the index's first: two kinds share
        # 10,005 rows (an analysis limit of 400 says 401 rows a kind).
        assert (rows, per_kind) == (10_005, 5_003)
        connection.close()


def test_the_sqlite_database_is_opened_with_the_statistics_keeping_backend():
    result = run_manage(
        "shell", "--no-imports", "-c", "from django.db import connections; print(type(connections['default']).__module__, connections['default'].vendor)",
        env={"DATABASE_URL": "sqlite:////tmp/any.sqlite3"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["osce_docs.sqlite.base", "sqlite"]


def test_the_wsgi_module_freezes_the_objects_loaded_with_the_site_so_full_collections_skip_them():
    import importlib

    import osce_docs.wsgi

    gc.unfreeze()
    try:
        importlib.reload(osce_docs.wsgi)
        assert callable(osce_docs.wsgi.application)
        # Django, the apps and the models at least: tens of thousands of objects.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()

"""Whole public pages from the cache, never older than the last commit.

A public page is the same for every visitor (no page shows the visitor's
account), so an anonymous GET is stored once per address and served from the
cache until anything it could show changes. "Changes" is decided by the
database, not by Python: every content table has a trigger that rewrites the
token of the single ContentVersion row in the writing transaction (admin
saves, services, bulk inserts, imports, raw SQL, the text-extraction task),
and the token is part of the cache key. A request reads the token first (one
query), so it is served from the cache only when nothing has been committed
since the page was stored; an unpublished draft is gone from every cached
page the moment the unpublishing commits. The token is random, never a
counter, so that a rolled-back transaction cannot hand a spent value to a
later write.

The cache itself can be per process (the default local memory) or shared:
correctness comes from the token in the shared database, so several app
servers each keeping their own copies never disagree about what is current.
The cost: every writing transaction updates one row, so writes are
serialized from their first change to their commit (fine for a document
library edited by its staff; a bulk import runs as one writer anyway).
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection

TABLE = "osce_docs_contentversion"
TRIGGER_PREFIX = "osce_changed_"
# Tables whose rows no public page reads: the history kept for staff, and the
# counts that only ever change together with a content table.
NOT_CONTENT = {"ContentVersion", "DocumentCount", "StateDocumentCount", "TopicDocumentCount", "RecommendationCount"}
CONTENT_APPS = ("osce_docs", "decisions", "alliance")


def content_tables():
    """Every table whose rows a public page can show."""
    tables = set()
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            name = model.__name__
            if model._meta.managed and not model._meta.proxy and name not in NOT_CONTENT and not name.startswith("Historical"):
                tables.add(model._meta.db_table)
    return sorted(tables)


def current_token():
    """The content version's token, or None when the row is missing."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


# --- the triggers -----------------------------------------------------------

# A session that sets this writes alongside another that bumps the token for
# it (seed_demo's second writer, see demo.py), so that two writers do not
# queue on the version row; the load bumps it once more at its end.
BUMPED_ELSEWHERE = "osce.content_version_bumped_elsewhere"
_NEW_TOKEN = "md5(random()::text || clock_timestamp()::text)"
_POSTGRESQL_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION osce_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('{BUMPED_ELSEWHERE}', true) = 'on' THEN
            RETURN NULL;
        END IF;
        UPDATE {TABLE} SET token = {_NEW_TOKEN} WHERE id = 1;
        RETURN NULL;
    END $$"""


def leave_version_to_another_session():
    """PostgreSQL: this connection's writes no longer change the content
    version; another session's must (BUMPED_ELSEWHERE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', false)", [BUMPED_ELSEWHERE])


def bump_content_version():
    """A new token, as any write to a content table gives (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET token = {_NEW_TOKEN} WHERE id = 1")


def _postgresql_statements(table):
    # Once per statement, so a bulk insert of a million rows bumps the token once.
    return [
        f'CREATE OR REPLACE TRIGGER {TRIGGER_PREFIX}{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION osce_content_changed()"
    ]


def _sqlite_statements(table):
    # SQLite has row triggers only; one small UPDATE per changed row.
    return [
        f'CREATE TRIGGER IF NOT EXISTS {TRIGGER_PREFIX}{table}_{event.lower()} AFTER {event} ON "{table}" '
        f"BEGIN UPDATE {TABLE} SET token = lower(hex(randomblob(10))) WHERE id = 1; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def install_change_triggers(using="default"):
    """(Re)create the triggers on every content table, and the version row.
    Idempotent; runs after every migrate, because SQLite drops a table's
    triggers when a migration rebuilds the table."""
    from django.db import connections

    conn = connections[using]
    existing = set(conn.introspection.table_names())
    if TABLE not in existing:
        return
    statements = []
    if conn.vendor == "postgresql":
        statements.append(_POSTGRESQL_FUNCTION)
        statements.append(f"INSERT INTO {TABLE} (id, token) VALUES (1, 'initial') ON CONFLICT (id) DO NOTHING")
        build = _postgresql_statements
    elif conn.vendor == "sqlite":
        statements.append(f"INSERT OR IGNORE INTO {TABLE} (id, token) VALUES (1, 'initial')")
        build = _sqlite_statements
    else:
        return
    for table in content_tables():
        if table in existing:
            statements += build(table)
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# --- the middleware -----------------------------------------------------------


def page_key(request, token):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{token}:{hashlib.sha256(address.encode()).hexdigest()}"


def _storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-cache", "no-store"))


class PublicPageCacheMiddleware:
    """Serves anonymous GET and HEAD requests for public pages from the
    cache (see the module's docstring). Placed after WhiteNoise (static files
    never get here) and before the session: a hit skips everything below."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def _is_admin(self, path):
        if self.admin_prefix is None:
            from django.urls import reverse

            self.admin_prefix = reverse("admin:index")
        return path.startswith(self.admin_prefix)

    def __call__(self, request):
        timeout = settings.PAGE_CACHE_SECONDS
        if not timeout or request.method not in ("GET", "HEAD") or self._is_admin(request.path):
            return self.get_response(request)
        token = current_token()
        if token is None:
            return self.get_response(request)
        key = page_key(request, token)
        cache = caches["default"]
        response = cache.get(key)
        if response is not None:
            return response
        # Not stored: anything but a plain 200 (errors, redirects, downloads,
        # which stream), and responses that set a cookie or ask not to be kept.
        response = self.get_response(request)
        if request.method == "GET" and _storable(response):
            cache.set(key, response, timeout)
        return response

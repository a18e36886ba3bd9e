"""The decisions list's newest-first order within one Council is read from an
index, not sorted: a sort of one Council's decisions grows with the library
(97 ms at a million documents on SQLite before the index)."""

import pytest
from django.db import connection

from decisions.models import Body, Decision
from tests.sqlite_statistics import use_statistics

pytestmark = pytest.mark.django_db

# SQLite's statistics for these tables at a million documents (seed_demo
# --documents 1000000, then ANALYZE): the planner's choice depends on them, and
# a test-sized table would not show the plan a large library gets.
MILLION_DOCUMENT_STATISTICS = [
    ("osce_docs_document", "document_published_order", "1000008 500004 55 1"),
    ("osce_docs_document", "osce_docs_document_kind_1e27368a", "1000008 250002"),
    ("osce_docs_document", "document_public_listing", "1000008 500004 125001 16"),
    ("osce_docs_document", "sqlite_autoindex_osce_docs_document_1", "1000008 1"),
    ("decisions_decision", "decision_body_adopted_order", "620381 310191 28 1 1"),
    ("decisions_decision", "decision_adopted_order", "620381 34 1 1"),
    ("decisions_decision", "decision_symbol_parts", "620381 310191 12165 2"),
    ("decisions_decision", "sqlite_autoindex_decisions_decision_1", "620381 1"),
]


def _plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            use_statistics(MILLION_DOCUMENT_STATISTICS)
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        # PostgreSQL: forbidding scans and sorts asks whether an index can give this order at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return " | ".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("body", [Body.PERMANENT_COUNCIL, Body.MINISTERIAL_COUNCIL])
def test_one_councils_decisions_newest_first_are_read_from_an_index_not_sorted(body):
    plan = _plan(Decision.objects.published().filter(body=body).newest_first()[:25])
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
    if connection.vendor == "sqlite":
        assert "decision_body_adopted_order" in plan, plan

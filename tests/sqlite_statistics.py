"""SQLite's plans for a large library, asked of a test-sized database: the
planner chooses by the statistics ANALYZE leaves in sqlite_stat1, and a
test's few rows would not show the plan a million documents get."""

from django.db import connection


def use_statistics(statistics):
    """Replaces SQLite's statistics of the tables named in ``statistics``
    ((table, index, stat) rows, as ANALYZE left them on a large corpus) and
    has the planner read them."""
    tables = sorted({table for table, _index, _stat in statistics})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"DELETE FROM sqlite_stat1 WHERE tbl IN ({', '.join(['%s'] * len(tables))})", tables)
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", statistics)
        cursor.execute("ANALYZE sqlite_schema")  # reloads the statistics

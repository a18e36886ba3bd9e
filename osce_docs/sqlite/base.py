"""Django's SQLite backend, keeping the query planner's statistics fresh.

The statistics SQLite plans with (``sqlite_stat1``) are written by ANALYZE
and never updated by themselves. Written while the tables were nearly empty
(a migration's ANALYZE), they keep telling the planner that a table holds a
handful of rows long after it holds thousands, and it picks plans that scan
whole tables: at 110,000 documents, each document saved scanned every Alliance
event and report (2,000 inserts: 9.0 s, and 0.7 s after an ANALYZE).

SQLite's own advice for applications whose connections are short-lived (a
Django request's) is to run ``PRAGMA optimize`` just before closing each one,
with an analysis limit: it is usually a no-op, and re-analyzes only the tables
this connection's queries used whose size has changed a lot since.
"""

import contextlib

from django.db.backends.sqlite3 import base

# Rows sampled per index when optimize does analyze: SQLite suggests 100-1000.
ANALYSIS_LIMIT = 400


class DatabaseWrapper(base.DatabaseWrapper):
    def _close(self):
        if self.connection is not None and not self.in_atomic_block:
            # Statistics are an optimisation: a failure here must not stop the close.
            with contextlib.suppress(base.Database.Error):
                self.connection.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                self.connection.execute("PRAGMA optimize")
        super()._close()

"""Django's SQLite backend, keeping the query planner's statistics fresh.

The statistics SQLite plans with (``sqlite_stat1``) are written by ANALYZE
and never updated by themselves. Written while the tables were nearly empty
(a migration's ANALYZE), they keep telling the planner that a table holds a
handful of rows long after it holds thousands, and it picks plans that scan
whole tables: at 110,000 documents, each document saved scanned every Alliance
event and report (2,000 inserts: 9.0 s, and 0.7 s after an ANALYZE).

SQLite's own advice for applications whose connections are short-lived (a
Django request's) is to run ``PRAGMA optimize`` just before closing each one:
it is usually a no-op, and re-analyzes only the tables this connection's
queries used whose size has changed a lot since.

Without the analysis limit SQLite also suggests: a limited ANALYZE reads the
first rows of each index only, and from an index that starts with the
documents' status it concluded that each status holds 401 of a million
documents; every list was then read from that index, checking each published
document (a country's reports: 620 ms at a million documents, against 7 ms).
A full ANALYZE of the million documents' table takes about a second, of the
whole million-document database 21 s, and optimize runs it only on the tables
that have grown or shrunk many times over since their last one.
"""

import contextlib

from django.db.backends.sqlite3 import base

from . import pairs


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # The search index's triggers call it (migration 0018).
        pairs.register(connection)
        return connection

    def _close(self):
        if self.connection is not None and not self.in_atomic_block:
            # Statistics are an optimisation: a failure here must not stop the close.
            with contextlib.suppress(base.Database.Error):
                self.connection.execute("PRAGMA optimize")
        super()._close()

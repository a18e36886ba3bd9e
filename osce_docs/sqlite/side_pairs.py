"""SQLite: the documents' pairs of words of a bulk load (the demo corpus),
indexed by a second process in a file of its own and copied into the
database at the end.

The pairs' index (osce_docs/sqlite/pairs.py) is 43 % of a load's time
(20,000 documents: 59 s, 34 s without it): cutting the words in Python and
FTS5 indexing some 700 pairs a document, all in the one process that writes
(a writer thread does not help: SQLite's own work runs in the writing
process, and the pairs' function takes Python's interpreter lock for each
row). Here the load's entries are written without their pairs (the entries'
pairs function answers "" on the loading connection, `skip_entry_pairs`) and
their texts are sent to a second process, which indexes their pairs with the
same function in its own copy of the index (and of each smaller kind's
own, migration 0022), on the second core. At the end its indexes' tables
replace the database's: FTS5 keeps an index in plain tables (`_data`,
`_idx`, `_docsize`), and an index copied whole is the same index. The copies
start as the database's own indexes (the real documents' pairs), so nothing
written before the load is lost; nothing else may write
search entries during the load (the generator is a tool for a development
or benchmark database).
"""

import contextlib
import multiprocessing
import os
import queue
import shutil
import sqlite3
import tempfile

from . import pairs

# The whole library's index, then each smaller kind's own (osce_docs 0022).
INDEXES = pairs.ENTRY_INDEXES
FTS = INDEXES[0][0]
# The index's own tables: the rows of the index, its segments' keys, and each
# document's size. Its configuration (`_config`) stays the database's.
SHADOW_TABLES = ("data", "idx", "docsize")
# The side index flushes its pending pairs to disk at each chunk's commit
# rather than at FTS5's default of 1 MB (about 90 documents): fewer, larger
# segments to merge (pairs alone, 20,000 documents: 14.8 -> 9 s).
HASH_BYTES = 64 * 1024 * 1024
# Chunks waiting for the side process (each about 13 MB of text for 2,000
# documents): the loader does not run ahead of it by more than this.
QUEUED_CHUNKS = 2


def skip_entry_pairs(connection):
    """On this sqlite3 CONNECTION, the search entries' pairs (the function's
    four-argument form, which SQLite prefers to the variadic one for four
    arguments) are left to the side index; the recommendations' pairs (two
    arguments) are still worked out by their trigger. Before the connection
    writes entries: a statement it prepared before keeps the function it
    found then."""
    connection.create_function(pairs.FUNCTION, 4, lambda kind, a_text, b_text, c_text: "")


def fill_entry_pairs(connection, first_id):
    """On sqlite3 CONNECTION, in the caller's transaction: the pairs of the
    entries from FIRST_ID on, written while they were skipped, worked out
    here (when a load or its side process failed), so that the index
    matches the entries: FTS5 removes a document's pairs by being given
    them again (`seed_demo --clear` needs them right)."""
    for fts, kind, arguments in INDEXES:
        of_kind, params = ("", [first_id]) if kind is None else (" AND kind = ?", [first_id, kind])
        connection.execute(
            f"INSERT INTO {fts}({fts}, rowid, pairs) SELECT 'delete', document_id, '' "
            f"FROM osce_docs_searchentry WHERE document_id >= ?{of_kind}",
            params,
        )
        connection.execute(
            f"INSERT INTO {fts}(rowid, pairs) SELECT document_id, {pairs.FUNCTION}({arguments}) "
            f"FROM osce_docs_searchentry WHERE document_id >= ?{of_kind}",
            params,
        )


def _index(path, chunks):
    """The side process: each chunk's rows (id, kind, a_text, b_text,
    c_text) into the side index at PATH, one transaction a chunk."""
    side = sqlite3.connect(path, isolation_level=None)
    side.execute("PRAGMA journal_mode = OFF")
    side.execute("PRAGMA synchronous = OFF")
    while (rows := chunks.get()) is not None:
        # Each document's pairs worked out once, for both its indexes.
        held = [(pk, kind, pairs.document_pairs(None, *texts)) for pk, kind, *texts in rows]
        side.execute("BEGIN")
        for fts, of_kind, _arguments in INDEXES:
            side.executemany(
                f"INSERT INTO {fts}(rowid, pairs) VALUES (?, ?)",
                (
                    ((pk, pairs.with_kind(text, kind)) for pk, kind, text in held)
                    if of_kind is None
                    else ((pk, text) for pk, kind, text in held if kind == of_kind)
                ),
            )
        side.execute("COMMIT")
    side.close()


def _copy_index(source, *, into):
    """The pairs' indexes of the database file SOURCE in place of the ones in
    the database file INTO, in one transaction on a connection of its own."""
    with contextlib.closing(sqlite3.connect(into, isolation_level=None)) as database:
        database.execute("ATTACH DATABASE ? AS source", [source])
        database.execute("BEGIN IMMEDIATE")
        for fts, _kind, _arguments in INDEXES:
            for table in SHADOW_TABLES:
                database.execute(f"DELETE FROM main.{fts}_{table}")
                database.execute(f"INSERT INTO main.{fts}_{table} SELECT * FROM source.{fts}_{table}")
        database.execute("COMMIT")


class SidePairsIndex:
    """The pairs of the entries written during a load, indexed beside it.
    `start()` before the first entry, `add()` for each batch written,
    `finish()` after the last (or `abandon()` on failure: the caller then
    fills the pairs in the database itself)."""

    def __init__(self, database_path):
        self.database_path = str(database_path)
        self.directory = tempfile.mkdtemp(prefix="osce-pairs-", dir=os.path.dirname(os.path.abspath(database_path)))
        self.path = os.path.join(self.directory, "pairs.sqlite3")
        self.process = None

    def start(self):
        with contextlib.closing(sqlite3.connect(self.database_path)) as database:
            definitions = [
                database.execute("SELECT sql FROM sqlite_master WHERE name = ?", [fts]).fetchone()[0]
                for fts, _kind, _arguments in INDEXES
            ]
        with contextlib.closing(sqlite3.connect(self.path)) as side, side:
            for (fts, _kind, _arguments), definition in zip(INDEXES, definitions):
                side.execute(definition)
                side.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('hashsize', {HASH_BYTES})")
        _copy_index(self.database_path, into=self.path)
        # A fresh interpreter, not a fork of this one with its open connections.
        context = multiprocessing.get_context("spawn")
        self.chunks = context.Queue(maxsize=QUEUED_CHUNKS)
        self.process = context.Process(target=_index, args=(self.path, self.chunks), name="seed-demo-pairs", daemon=True)
        self.process.start()

    def add(self, rows):
        """ROWS: (document_id, kind, a_text, b_text, c_text) of entries just written."""
        self._put(list(rows))

    def _put(self, item):
        # Never waits forever on a process that is gone.
        while True:
            if not self.process.is_alive():
                raise RuntimeError(f"The pairs' side process stopped (exit code {self.process.exitcode}).")
            try:
                self.chunks.put(item, timeout=1)
                return
            except queue.Full:
                continue

    def finish(self):
        """Wait for the side process, then put its index in the database's
        place, on a connection of its own (the database's other connections
        see a new version of the file and read the index afresh)."""
        self._put(None)
        self.process.join()
        if self.process.exitcode != 0:
            raise RuntimeError(f"The pairs' side process failed (exit code {self.process.exitcode}).")
        _copy_index(self.path, into=self.database_path)
        self._remove()

    def abandon(self):
        if self.process is not None:
            # Chunks still buffered for a process that will not read them:
            # without this the interpreter would wait for them at exit, forever.
            self.chunks.cancel_join_thread()
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
        self._remove()

    def _remove(self):
        shutil.rmtree(self.directory, ignore_errors=True)

"""SQLite: the demo load's pairs of words indexed by a second process
(osce_docs/sqlite/side_pairs.py). The load must leave the same index the
entries' triggers would have built, and --clear must be able to remove it."""

import importlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from osce_docs.sqlite import pairs

ROOT = Path(__file__).resolve().parents[2]
FTS = "osce_search_pairs_fts"


def run_python(database, media, *args, timeout=600):
    """Python run in the project with DATABASE and MEDIA as its settings."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media)}
    environment.pop("DJANGO_ENV", None)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "osce_docs.settings")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout
    )


def manage(database, media, *args):
    result = run_python(database, media, "manage.py", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def index_terms(database, fts=FTS):
    """(pair, documents holding it) of the database's pairs' index FTS, after FTS5's own integrity check."""
    connection = sqlite3.connect(database)
    try:
        connection.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
        connection.execute(f"CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, {fts}, 'row')")
        return connection.execute("SELECT term, doc FROM temp.terms ORDER BY term").fetchall()
    finally:
        connection.close()


def terms_the_triggers_give(database, kind=None):
    """The same, for an index built from the database's entries as their
    triggers build it: the whole library's, or KIND's own (migration 0022)."""
    connection = sqlite3.connect(":memory:")
    pairs.register(connection)
    connection.execute("CREATE VIRTUAL TABLE p USING fts5(pairs, content='', detail=none, tokenize = \"ascii tokenchars '_'\")")
    connection.execute("ATTACH DATABASE ? AS db", [str(database)])
    connection.execute(
        f"INSERT INTO p(rowid, pairs) SELECT document_id, osce_search_pairs({'NULL' if kind else 'kind'}, a_text, b_text, c_text) "
        f"FROM db.osce_docs_searchentry WHERE {'kind = ?' if kind else '1'}",
        [kind] if kind else [],
    )
    connection.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, p, 'row')")
    return connection.execute("SELECT term, doc FROM temp.terms ORDER BY term").fetchall()


def every_index_as_the_triggers_give(database):
    """Each pairs' index of the database (the library's, each smaller kind's) holds what the triggers would."""
    from osce_docs.sqlite import side_pairs

    for fts, kind, _arguments in side_pairs.INDEXES:
        held = index_terms(database, fts)
        assert held == terms_the_triggers_give(database, kind), fts
        if kind:
            # Only its own kind's documents, and some of them.
            assert held and not any(term.startswith(pairs.KIND_PREFIX) for term, _documents in held)


def entry_count(database):
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COUNT(*) FROM osce_docs_searchentry").fetchone()[0]


def test_a_load_into_a_sqlite_file_indexes_its_pairs_in_a_second_process_as_the_triggers_would(tmp_path):
    database, media = tmp_path / "library.sqlite3", tmp_path / "media"
    manage(database, media, "migrate", "--no-input", "-v0")
    real_entries = entry_count(database)
    real_terms = index_terms(database)

    # More than one chunk (2,000): the threaded load, the only one with a side process.
    output = manage(database, media, "seed_demo", "--documents", "2100", "--text-kb", "0.5", "--seed", "3")

    assert "pairs of words from the second process" in output
    assert entry_count(database) > real_entries + 2000
    loaded = index_terms(database)
    every_index_as_the_triggers_give(database)
    assert ("nation_referr", 0) not in loaded and len(loaded) > len(real_terms)
    # No file of the second process is left beside the database.
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("osce-pairs-")) == []

    # --clear gives FTS5 each document's pairs again to remove them: it can
    # only if they are the ones indexed (else the check above fails here).
    manage(database, media, "seed_demo", "--clear")
    assert entry_count(database) == real_entries
    assert index_terms(database) == real_terms


FAILING_LOAD = """
import django, sys
django.setup()
from osce_docs import demo
write = demo.CorpusGenerator._write
def fail_on_the_second_chunk(self, chunk):
    if chunk.documents[0].pk > 100:
        raise RuntimeError("disk full")
    write(self, chunk)
demo.CorpusGenerator._write = fail_on_the_second_chunk
try:
    demo.generate_demo_corpus(documents=300, seed=4, text_kb=0.5, chunk_size=100, stdout=sys.stdout)
except RuntimeError as error:
    print("stopped:", error)
"""


def test_a_load_into_a_sqlite_file_that_fails_half_way_leaves_the_pairs_of_what_it_wrote(tmp_path):
    database, media = tmp_path / "library.sqlite3", tmp_path / "media"
    manage(database, media, "migrate", "--no-input", "-v0")
    real_entries, real_terms = entry_count(database), index_terms(database)

    result = run_python(database, media, "-c", FAILING_LOAD, timeout=120)

    assert "stopped: disk full" in result.stdout, result.stderr
    assert "the pairs of the entries it wrote are worked out here" in result.stdout
    # The first chunk was written and kept; its pairs are indexed as the triggers would have.
    assert entry_count(database) > real_entries
    every_index_as_the_triggers_give(database)
    manage(database, media, "seed_demo", "--clear")
    assert index_terms(database) == real_terms


def test_a_connection_that_skips_the_entries_pairs_still_works_out_the_recommendations(tmp_path):
    from osce_docs.sqlite import side_pairs

    connection = sqlite3.connect(":memory:")
    pairs.register(connection)
    side_pairs.skip_entry_pairs(connection)
    # The entries' trigger passes four texts, the recommendations' two.
    assert connection.execute("SELECT osce_search_pairs('report', 'Forced labour', '', '')").fetchone() == ("",)
    assert connection.execute("SELECT osce_search_pairs(NULL, 'Forced labour')").fetchone() == ("forc_labour",)


def searchable_entries(connection):
    """The entries' table and its pairs' indexes with their triggers, as
    migrations 0018 (the library's) and 0022 (each smaller kind's) make them."""
    pairs.register(connection)
    connection.execute(
        "CREATE TABLE osce_docs_searchentry (document_id INTEGER PRIMARY KEY, kind TEXT, a_text TEXT, b_text TEXT, c_text TEXT)"
    )
    migration = importlib.import_module("osce_docs.migrations.0018_sqlite_search_pairs")
    forward, _ = migration.pairs_index(FTS, "osce_docs_searchentry", "document_id", ["a_text", "b_text", "c_text"], kind="kind")
    for sql in [*forward, *importlib.import_module("osce_docs.migrations.0022_sqlite_search_pairs_by_kind").FORWARD]:
        connection.execute(sql)


def holding(connection, pair, fts=FTS):
    return [pk for (pk,) in connection.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?", [f'"{pair}"'])]


def test_when_a_load_stops_the_entries_it_wrote_get_their_pairs_from_the_database_itself(tmp_path):
    from osce_docs.sqlite import side_pairs

    database = tmp_path / "library.sqlite3"
    # As in the generator: the loading connection skips the entries' pairs,
    # the database's own connection (the generator's main thread) does not.
    connection = sqlite3.connect(database, isolation_level=None)
    searchable_entries(connection)
    loading = sqlite3.connect(database, isolation_level=None)
    side_pairs.skip_entry_pairs(loading)
    insert = "INSERT INTO osce_docs_searchentry VALUES (?, ?, ?, '', '')"
    connection.execute(insert, [1, "report", "Forced labour before the load"])
    loading.executemany(
        insert, [(2, "decision", "Forced labour in supply chains"), (3, "decision", "Child victims"), (4, "report", "Child victims")]
    )
    loading.close()
    assert holding(connection, "forc_labour") == [1]
    reports = pairs.kind_pairs_fts("report")

    side_pairs.fill_entry_pairs(connection, 2)

    assert holding(connection, "forc_labour") == [1, 2]
    assert holding(connection, "child_victim") == [3, 4]
    # The reports' own index (migration 0022): reports only, with no word for their kind.
    assert holding(connection, "forc_labour", reports) == [1]
    assert holding(connection, "child_victim", reports) == [4]
    assert holding(connection, pairs.kind_word("report"), reports) == []
    for fts in (FTS, reports):
        connection.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
    # Each entry's pairs removed by their own: nothing is left.
    connection.execute("DELETE FROM osce_docs_searchentry")
    for fts in (FTS, reports):
        connection.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
        assert holding(connection, "forc_labour", fts) == holding(connection, "child_victim", fts) == []


def test_a_side_process_that_stopped_is_reported_not_waited_for(tmp_path):
    from osce_docs.sqlite import side_pairs

    database = tmp_path / "library.sqlite3"
    with sqlite3.connect(database) as connection:
        searchable_entries(connection)
    index = side_pairs.SidePairsIndex(str(database))
    index.start()
    index.process.terminate()
    index.process.join()
    with pytest.raises(RuntimeError, match="side process stopped"):
        for _ in range(side_pairs.QUEUED_CHUNKS + 2):
            index.add([(1, "decision", "Forced labour", "", "")])
    index.abandon()
    assert not Path(index.directory).exists()

"""SQLite: an FTS5 index of each document's pairs of neighbouring words and
its kind, so that a phrase of common words is read from its pairs (see
osce_docs/sqlite/pairs.py; PostgreSQL has had its own since 0016 and 0017).

The index holds no positions and no copy of the texts (`detail=none`,
`content=''`): a pair is a word of its own, 'referr_mechan', which the
`ascii` tokenizer with `_` as a word character keeps whole. Removing a
document's pairs gives FTS5 the same words again, computed from the old
texts by the same function. Filled from the entries as they are: one
document's pairs cost about 1 ms of Python (its texts tokenized by FTS5 a
second time, read back)."""

import importlib

from django.db import migrations

search = importlib.import_module("osce_docs.migrations.0005_search")

PAIRS_FTS = "osce_search_pairs_fts"
OLD = "osce_search_pairs(old.kind, old.a_text, old.b_text, old.c_text)"
NEW = "osce_search_pairs(new.kind, new.a_text, new.b_text, new.c_text)"

FORWARD = [
    f"CREATE VIRTUAL TABLE {PAIRS_FTS} USING fts5(pairs, content='', detail=none, "
    "tokenize = \"ascii tokenchars '_'\")",
    f"""CREATE TRIGGER {PAIRS_FTS}_insert AFTER INSERT ON osce_docs_searchentry BEGIN
        INSERT INTO {PAIRS_FTS}(rowid, pairs) VALUES (new.document_id, {NEW});
    END""",
    f"""CREATE TRIGGER {PAIRS_FTS}_delete AFTER DELETE ON osce_docs_searchentry BEGIN
        INSERT INTO {PAIRS_FTS}({PAIRS_FTS}, rowid, pairs) VALUES ('delete', old.document_id, {OLD});
    END""",
    f"""CREATE TRIGGER {PAIRS_FTS}_update AFTER UPDATE OF document_id, kind, a_text, b_text, c_text
        ON osce_docs_searchentry BEGIN
        INSERT INTO {PAIRS_FTS}({PAIRS_FTS}, rowid, pairs) VALUES ('delete', old.document_id, {OLD});
        INSERT INTO {PAIRS_FTS}(rowid, pairs) VALUES (new.document_id, {NEW});
    END""",
    f"""INSERT INTO {PAIRS_FTS}(rowid, pairs)
        SELECT document_id, osce_search_pairs(kind, a_text, b_text, c_text) FROM osce_docs_searchentry""",
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS {PAIRS_FTS}_update",
    f"DROP TRIGGER IF EXISTS {PAIRS_FTS}_delete",
    f"DROP TRIGGER IF EXISTS {PAIRS_FTS}_insert",
    f"DROP TABLE IF EXISTS {PAIRS_FTS}",
]


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0017_search_entry_kind"),
    ]

    operations = [
        migrations.RunPython(search._run({"sqlite": FORWARD}), search._run({"sqlite": BACKWARD})),
    ]

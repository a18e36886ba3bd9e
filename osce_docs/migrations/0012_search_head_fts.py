"""SQLite: a second FTS5 index over the symbol, title and summary texts only,
for the first two ranking tiers.

FTS5 applies a column filter (`{a_text} : word`) by reading the word's whole
list of documents and checking each one's columns. A word found only in
attached files (tens of thousands of documents at a million) was read
through twice with no match, for the title tier and the summary tier, before
the tier that finds it: the rare-word search took twice as long at a million
documents as at 100,000. Over this index those two tiers read only the
documents whose own texts hold the word. PostgreSQL has a GIN index per tier
already (0005)."""

import importlib

from django.db import migrations

search = importlib.import_module("osce_docs.migrations.0005_search")

FORWARD = [
    "CREATE VIRTUAL TABLE osce_search_head_fts USING fts5(a_text, b_text, "
    f"content='osce_docs_searchentry', content_rowid='document_id', {search._TOKENIZE})",
    """CREATE TRIGGER osce_search_head_fts_insert AFTER INSERT ON osce_docs_searchentry BEGIN
        INSERT INTO osce_search_head_fts(rowid, a_text, b_text) VALUES (new.document_id, new.a_text, new.b_text);
    END""",
    """CREATE TRIGGER osce_search_head_fts_delete AFTER DELETE ON osce_docs_searchentry BEGIN
        INSERT INTO osce_search_head_fts(osce_search_head_fts, rowid, a_text, b_text)
        VALUES ('delete', old.document_id, old.a_text, old.b_text);
    END""",
    # Only when the head texts change: the text of the files changes alone
    # whenever a file's extraction finishes.
    """CREATE TRIGGER osce_search_head_fts_update AFTER UPDATE OF document_id, a_text, b_text
        ON osce_docs_searchentry BEGIN
        INSERT INTO osce_search_head_fts(osce_search_head_fts, rowid, a_text, b_text)
        VALUES ('delete', old.document_id, old.a_text, old.b_text);
        INSERT INTO osce_search_head_fts(rowid, a_text, b_text) VALUES (new.document_id, new.a_text, new.b_text);
    END""",
    "INSERT INTO osce_search_head_fts(osce_search_head_fts) VALUES ('rebuild')",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS osce_search_head_fts_update",
    "DROP TRIGGER IF EXISTS osce_search_head_fts_delete",
    "DROP TRIGGER IF EXISTS osce_search_head_fts_insert",
    "DROP TABLE IF EXISTS osce_search_head_fts",
]


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0011_public_counts_by_index"),
    ]

    operations = [
        migrations.RunPython(search._run({"sqlite": FORWARD}), search._run({"sqlite": BACKWARD})),
    ]

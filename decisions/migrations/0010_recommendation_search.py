"""A full-text index of the recommendations' own texts, kept by the database
as the documents' are (osce_docs 0005, 0007): a generated tsvector column
with a GIN index on PostgreSQL, an FTS5 table with triggers on SQLite.

The recommendations list filtered by words read each recommendation's text
in the list's order until it had a page (`icontains`), narrowed first to the
reports whose search entry held the words. A phrase found in most reports'
summaries but in few recommendations ("national referral mechanism") was
read through every recommendation: 0.65-0.9 s at a million documents. Over
this index the list reads only the recommendations that hold the words, and
reads them as every other list does (word forms, phrases, `or`, `-word`)."""

import importlib

from django.db import migrations

search = importlib.import_module("osce_docs.migrations.0005_search")
vectors = importlib.import_module("osce_docs.migrations.0007_search_vectors")

FTS = "decisions_recommendation_fts"
TABLE = "decisions_recommendation"

POSTGRESQL_FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS ({vectors.WORDS}(text)) STORED",
    f"CREATE INDEX decisions_recommendation_vector ON {TABLE} USING gin (vector)",
    # Statistics of the new column at once: without them the planner took a
    # common word for a rare one (a list filtered by "trafficking": 1.4 s
    # instead of 41 ms at 100,000 documents), until autovacuum came by.
    f"ANALYZE {TABLE}",
]
POSTGRESQL_BACKWARD = [f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector"]

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='{TABLE}', content_rowid='id', {search._TOKENIZE})",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    # Not when only the status kept from the follow-ups changes.
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, text ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0009_report_representative_listing"),
        ("osce_docs", "0016_search_word_pairs"),
    ]

    operations = [
        migrations.RunPython(
            search._run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            search._run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]

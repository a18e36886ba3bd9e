"""SQLite: a document's own insert or delete changes the kept public counts
(0008) only through rows that refer to it at that moment: its ties to
States (links, the report's country, the event's host), its topic links,
its recommendations. The ORM writes a document before those rows and
deletes them before it, so the triggers' three grouped upserts ran and
found nothing: 0.12 ms of the 0.15 ms a document's insert cost (measured
on 4,000 inserts into the 10,000-document corpus), a fifth of the corpus
generator's document writes. Each trigger now runs only WHEN such a row
exists (an index probe per table): the counts are the same whatever the
order of the writes (the tests of 0008 write in both orders).
PostgreSQL's statement-level triggers are unchanged."""

import importlib

from django.db import migrations

counts = importlib.import_module("osce_docs.migrations.0008_public_counts")

# Each table whose rows a document's counts are read through, by the column naming the document.
REFERRING = [
    *((table, document_column) for table, (document_column, _state_column) in counts.TIES.items()),
    (counts.TOPIC_LINKS, "document_id"),
    (counts.RECOMMENDATIONS, "report_id"),
]
TABLE, NAME, COLUMNS, CHANGES = next(entry for entry in counts.WATCHED if entry[0] == counts.DOCUMENTS)


def _referred(row):
    return " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE {column} = {row}.id)" for table, column in REFERRING)


def _triggers(guarded):
    statements = []
    for event, row in (("INSERT", "new"), ("DELETE", "old")):
        statements += [
            f"DROP TRIGGER IF EXISTS osce_public_count_{NAME}_{event.lower()}",
            counts.sqlite_trigger(TABLE, NAME, COLUMNS, CHANGES, event, when=_referred(row) if guarded else ""),
        ]
    return statements


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _triggers(guarded=True):
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _triggers(guarded=False):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0018_sqlite_search_pairs"),
    ]

    operations = [migrations.RunPython(forward, backward)]

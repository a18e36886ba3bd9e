"""Each search entry knows its document's kind, and on PostgreSQL its pairs
of words say it too (the lexeme ' kind report', which no word can be), so
that a list of one kind asks the pairs' GIN index for a phrase's pairs held
by documents of that kind: the index intersects the two itself.

Without it, a phrase common in other kinds but absent from the list's
("national referral mechanism" on the reports' list: 6,576 documents of
100,000 hold it, no report does) was read for the list one report at a time,
each one's large vector checked: every report read to find none (2.5-3 s
at a million). The same pairs ANDed with the kind's lexeme are few, and the
planner sees that they are.

The kind is written with the entry (osce_docs/search_index.py) and never
changes: a document's kind is its model's."""

import importlib

from django.db import migrations, models

vectors = importlib.import_module("osce_docs.migrations.0007_search_vectors")
pairs = importlib.import_module("osce_docs.migrations.0016_search_word_pairs")

KIND_PREFIX = " kind "


def _pairs_column(expression):
    return [
        "DROP INDEX IF EXISTS osce_search_pairs",
        "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS pairs",
        f"ALTER TABLE osce_docs_searchentry ADD COLUMN pairs tsvector GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX osce_search_pairs ON osce_docs_searchentry USING gin (pairs)",
        "ALTER TABLE osce_docs_searchentry ALTER COLUMN pairs SET STATISTICS 1000",
    ]


WORD_PAIRS = f"{pairs.WORD_PAIRS}({pairs._vector()})"
WITH_KIND = f"{WORD_PAIRS} || array_to_tsvector(ARRAY['{KIND_PREFIX}' || kind])"

# The pairs are dropped before the kinds are written: rewriting every entry
# with its pairs' GIN index in place costs that index's upkeep for each row.
FORWARD = _pairs_column(WITH_KIND)
FORWARD.insert(2, "UPDATE osce_docs_searchentry e SET kind = d.kind FROM osce_docs_document d WHERE d.id = e.document_id")
BACKWARD = _pairs_column(WORD_PAIRS)


def fill_kinds_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(
            "UPDATE osce_docs_searchentry SET kind = "
            "(SELECT d.kind FROM osce_docs_document d WHERE d.id = osce_docs_searchentry.document_id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0016_search_word_pairs"),
    ]

    operations = [
        # Added in place: Django's AddField would rebuild the table on SQLite,
        # and the FTS5 triggers on it (migration 0005) would go with it.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE osce_docs_searchentry ADD COLUMN kind varchar(12) NOT NULL DEFAULT ''",
                    "ALTER TABLE osce_docs_searchentry DROP COLUMN kind",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="searchentry",
                    name="kind",
                    field=models.CharField(
                        choices=[
                            ("decision", "decision"),
                            ("report", "country-visit report"),
                            ("event", "Alliance event"),
                            ("statement", "Alliance statement"),
                        ],
                        default="",
                        editable=False,
                        max_length=12,
                        verbose_name="kind",
                    ),
                )
            ],
        ),
        migrations.RunPython(fill_kinds_on_sqlite, migrations.RunPython.noop),
        migrations.RunPython(vectors._on_postgresql(FORWARD), vectors._on_postgresql(BACKWARD)),
    ]

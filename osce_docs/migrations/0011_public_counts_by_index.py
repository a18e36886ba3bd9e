"""PostgreSQL: the public counts' trigger functions (0008) look the changed
rows up through the indexes, whatever the statistics say.

As plain joins between a statement's transition table and the big tables,
the planner, working from statistics a step behind a growing table, scanned a
whole table per statement (hash joins over every recommendation) or, worse,
the transition table once per Alliance event: during a bulk load each insert
of 1,000 documents took 4 s at 120,000 documents and kept growing. 0008 now
writes the joins as LATERAL subqueries that cannot be flattened; this
migration replaces the functions of databases migrated before. SQLite's row
triggers are unchanged."""

import importlib

from django.db import migrations

public_counts = importlib.import_module("osce_docs.migrations.0008_public_counts")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _event, _function, create in public_counts.postgresql_functions("CREATE OR REPLACE"):
        schema_editor.execute(create, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0010_contentversion"),
    ]

    # Going back keeps the new functions: they count the same rows.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

"""SQLite: the recommendations' own pairs of neighbouring words (see
osce_docs 0018 and osce_docs/sqlite/pairs.py), so that the recommendations
list reads a phrase of common words from its pairs: "national referral
mechanism" is rare in the recommendations' texts, and FTS5 read it through
the whole lists of its three words (1.4 million recommendations at a million
documents). PostgreSQL reads such phrases from the recommendations' GIN
index (0010)."""

import importlib

from django.db import migrations

search = importlib.import_module("osce_docs.migrations.0005_search")
pairs = importlib.import_module("osce_docs.migrations.0018_sqlite_search_pairs")

FORWARD, BACKWARD = pairs.pairs_index(
    "decisions_recommendation_pairs_fts", "decisions_recommendation", "id", ["text"]
)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0010_recommendation_search"),
        ("osce_docs", "0018_sqlite_search_pairs"),
    ]

    operations = [
        migrations.RunPython(search._run({"sqlite": FORWARD}), search._run({"sqlite": BACKWARD})),
    ]

"""PostgreSQL: the recommendations' own pairs of neighbouring words, as the
search entries have theirs (osce_docs 0016), so that the recommendations
list reads a phrase from the pairs' GIN index instead of intersecting the
lists of its words. "national referral mechanism" is rare in the
recommendations' texts but each of its words is common: the words' index
handed over the recommendations holding all three (89 at a million
documents, 4 ms of reading their lists; 0.2 ms at 10,000), to find the phrase
in none. SQLite has had such pairs since 0011.

A generated column cannot be computed from another, so the text is parsed
a second time (recommendations are a few hundred bytes)."""

import importlib

from django.db import migrations

vectors = importlib.import_module("osce_docs.migrations.0007_search_vectors")
pairs = importlib.import_module("osce_docs.migrations.0016_search_word_pairs")

TABLE = "decisions_recommendation"
INDEX = "decisions_recommendation_pairs"

FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN pairs tsvector "
    f"GENERATED ALWAYS AS ({pairs.WORD_PAIRS}({vectors.WORDS}(text))) STORED",
    f"CREATE INDEX {INDEX} ON {TABLE} USING gin (pairs)",
    f"ANALYZE {TABLE}",
]
BACKWARD = [f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS pairs"]


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0011_recommendation_search_pairs"),
    ]

    operations = [
        migrations.RunPython(vectors._on_postgresql(FORWARD), vectors._on_postgresql(BACKWARD)),
    ]

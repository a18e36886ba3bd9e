"""PostgreSQL: the pairs of words of the smaller kinds (reports, Alliance
events and statements) in GIN indexes of their own, so that a list of one
of them reads a phrase's pairs among its own kind's entries only.

Asked for a phrase's pairs ANDed with the kind's lexeme (0017), the whole
library's index walks the list of the phrase's rarer pair and looks each
entry up in the kind's: "national referral mechanism" on the reports' list,
held by 65,000 documents at a million and by no report, read 65,000 entries
to find none (about 5 ms; 0.05 at 10,000). A partial index holds the
kind's entries alone, so its lists are as long as the phrase is common in
the kind. Decisions (most of the library) keep to the whole index, which
their lists would barely shorten."""

import importlib

from django.db import migrations

vectors = importlib.import_module("osce_docs.migrations.0007_search_vectors")

SMALL_KINDS = ["report", "event", "statement"]


def _index(kind):
    return f"osce_search_pairs_{kind}"


FORWARD = [
    f"CREATE INDEX {_index(kind)} ON osce_docs_searchentry USING gin (pairs) WHERE kind = '{kind}'"
    for kind in SMALL_KINDS
]
BACKWARD = [f"DROP INDEX IF EXISTS {_index(kind)}" for kind in SMALL_KINDS]


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0020_search_texts_apart"),
    ]

    operations = [
        migrations.RunPython(vectors._on_postgresql(FORWARD), vectors._on_postgresql(BACKWARD)),
    ]

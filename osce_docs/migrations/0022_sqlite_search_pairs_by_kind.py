"""SQLite: the pairs of words of the smaller kinds (reports, Alliance events
and statements) in FTS5 indexes of their own, as PostgreSQL's partial
indexes (0021), so that a list of one of them reads a phrase's pairs among
its own kind's documents only.

Asked for a phrase's pairs ANDed with the kind's word (0018), FTS5 reads the
lists of the phrase's pairs and of the kind through the whole library:
"national referral mechanism" on the reports' list, held by 65,000
documents at a million and by no report, cost about as much as the rest of
the page. An index of the kind's documents alone holds lists as long as the
phrase is common in the kind. Decisions (most of the library) keep to the
whole index, which their lists would barely shorten."""

import importlib

from django.db import migrations

search = importlib.import_module("osce_docs.migrations.0005_search")
pairs = importlib.import_module("osce_docs.migrations.0018_sqlite_search_pairs")
SMALL_KINDS = importlib.import_module("osce_docs.migrations.0021_search_pairs_by_kind").SMALL_KINDS


def kind_pairs_fts(kind):
    return f"osce_search_pairs_{kind}_fts"


FORWARD, BACKWARD = [], []
for _kind in SMALL_KINDS:
    _forward, _backward = pairs.pairs_index(
        kind_pairs_fts(_kind),
        "osce_docs_searchentry",
        "document_id",
        ["a_text", "b_text", "c_text"],
        of_kind=("kind", _kind),
    )
    FORWARD += _forward
    BACKWARD += _backward


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0021_search_pairs_by_kind"),
    ]

    operations = [
        migrations.RunPython(search._run({"sqlite": FORWARD}), search._run({"sqlite": BACKWARD})),
    ]

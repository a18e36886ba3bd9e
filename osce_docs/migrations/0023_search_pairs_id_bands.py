"""PostgreSQL: each entry's pairs of words also say which band of 4,096
document ids it lies in (the lexeme ' ids 244' for ids 999,424-1,003,519,
which no word can be), so that the search page asks the pairs' GIN index
for a phrase's pairs among the newest ids, and the index intersects the
two itself.

Asked for the pairs and, beside them, a range of ids, PostgreSQL read the
whole list of the phrase's rarer pair from the GIN index and then kept the
newest: "national referral mechanism", held by 65,660 documents at a
million, took 17.7 ms to find the 650 among the newest 10,000 ids (0.2 at
10,000 documents). The newest bands' lists are short, and the index skips
through the pairs' long lists to the entries they hold, so the same answer
costs what the newest bands hold, at any size of library.

The column is written anew, with its indexes (the small kinds' own, 0021,
too): on a large library this migration rewrites every search entry's pairs
once."""

import importlib

from django.db import migrations

vectors = importlib.import_module("osce_docs.migrations.0007_search_vectors")
pairs = importlib.import_module("osce_docs.migrations.0016_search_word_pairs")
kinds = importlib.import_module("osce_docs.migrations.0017_search_entry_kind")
apart = importlib.import_module("osce_docs.migrations.0020_search_texts_apart")
own_kinds = importlib.import_module("osce_docs.migrations.0021_search_pairs_by_kind")

# osce_docs.search.id_bands_sql asks for these; changing them means writing
# every entry's pairs again.
BAND_PREFIX = " ids "
BAND_BITS = 12

EVERYTHING = (
    f"{vectors._words('a_text', 'A')} || {apart._apart('b_text', 'B')} || {apart._apart('c_text', 'C')}"
)
WITH_KIND = f"{pairs.WORD_PAIRS}({EVERYTHING}) || array_to_tsvector(ARRAY['{kinds.KIND_PREFIX}' || kind])"
WITH_BAND = f"{WITH_KIND} || array_to_tsvector(ARRAY['{BAND_PREFIX}' || (document_id >> {BAND_BITS})])"


def _pairs_column(expression):
    # 0017's column and index, with the small kinds' own indexes around them.
    return [
        *own_kinds.BACKWARD,
        *kinds._pairs_column(expression),
        *own_kinds.FORWARD,
        "ANALYZE osce_docs_searchentry",
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0022_sqlite_search_pairs_by_kind"),
    ]

    operations = [
        migrations.RunPython(
            vectors._on_postgresql(_pairs_column(WITH_BAND)), vectors._on_postgresql(_pairs_column(WITH_KIND))
        ),
    ]

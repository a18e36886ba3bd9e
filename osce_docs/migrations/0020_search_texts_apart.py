"""PostgreSQL: a phrase never spans two of an entry's texts.

An entry's vectors join its texts (A the symbol and title, B the summary and
record texts, C the files' text), and PostgreSQL numbers the words of a
joined vector on from the last position before it: the title's last word
and the summary's first stood side by side, so "forced labour" matched a
document titled "Labour that is forced" whose summary began "Labour ...".
SQLite keeps the texts in separate FTS5 columns, where a phrase cannot span
two, and its pairs of words are cut per text: the two engines now agree.

Each text after the first is parsed behind five stop words, which take
positions and leave no word: its first word lands six positions after the
last word before it, past any phrase's reach (a phrase's words are at most a
few stop words apart) and past the pairs of words (0016: the next position
or the one after). The columns are written anew, with their indexes: on a
large library this migration rewrites every search entry once (as 0007 did).
"""

import importlib

from django.db import migrations

vectors = importlib.import_module("osce_docs.migrations.0007_search_vectors")
pairs = importlib.import_module("osce_docs.migrations.0016_search_word_pairs")
kinds = importlib.import_module("osce_docs.migrations.0017_search_entry_kind")

GAP = "the the the the the "


def _apart(column, weight):
    return f"setweight({vectors.WORDS}('{GAP}' || coalesce({column}, '')), '{weight}')"


def _columns(after):
    """The vectors and pairs, each text after the first parsed by AFTER(column, weight)."""
    title = vectors._words("a_text", "A")
    title_and_summary = f"{title} || {after('b_text', 'B')}"
    everything = f"{title_and_summary} || {after('c_text', 'C')}"
    with_kind = f"{pairs.WORD_PAIRS}({everything}) || array_to_tsvector(ARRAY['{kinds.KIND_PREFIX}' || kind])"
    return [
        "DROP INDEX IF EXISTS osce_search_pairs",
        "DROP INDEX IF EXISTS osce_search_vector",
        "DROP INDEX IF EXISTS osce_search_vector_ab",
        "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS pairs, DROP COLUMN IF EXISTS vector, "
        "DROP COLUMN IF EXISTS vector_ab",
        # One rewrite of the table for the three columns.
        f"ALTER TABLE osce_docs_searchentry ADD COLUMN vector_ab tsvector GENERATED ALWAYS AS ({title_and_summary}) STORED, "
        f"ADD COLUMN vector tsvector GENERATED ALWAYS AS ({everything}) STORED, "
        f"ADD COLUMN pairs tsvector GENERATED ALWAYS AS ({with_kind}) STORED",
        "CREATE INDEX osce_search_vector_ab ON osce_docs_searchentry USING gin (vector_ab)",
        "CREATE INDEX osce_search_vector ON osce_docs_searchentry USING gin (vector)",
        "CREATE INDEX osce_search_pairs ON osce_docs_searchentry USING gin (pairs)",
        "ALTER TABLE osce_docs_searchentry ALTER COLUMN pairs SET STATISTICS 1000",
        "ANALYZE osce_docs_searchentry",
    ]


FORWARD = _columns(_apart)
BACKWARD = _columns(vectors._words)


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0019_sqlite_document_count_guard"),
    ]

    operations = [
        migrations.RunPython(vectors._on_postgresql(FORWARD), vectors._on_postgresql(BACKWARD)),
    ]

"""PostgreSQL: every text is parsed once, with the English configuration only.

Migration 0005 indexed each text twice, as English stems and as the words
written ('simple'), and the files' text twice more for the pages. Parsing is
most of what storing a document costs (about 2 ms per 5 kB of text per
configuration), and the English configuration alone already finds words of
other languages: it keeps words it has no stemmer for (Cyrillic, accented
letters) as they are written, and queries are parsed the same way. One
IMMUTABLE function, used by every generated column and by nothing else, says
how a text becomes words. SQLite is unchanged."""

from django.db import migrations

WORDS = "osce_search_words"
# Dots and slashes between letters or digits split words, as in SQLite's unicode61 tokenizer, so that
# "PC.DEC/557/Rev.1" is the words pc dec 557 rev 1 on both engines.
CREATE_FUNCTION = f"""
    CREATE FUNCTION {WORDS}(text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT to_tsvector('english'::regconfig,
                           regexp_replace(coalesce($1, ''), '(?<=[[:alnum:]])[./](?=[[:alnum:]])', ' ', 'g'))
    $$"""


def _words(column, weight):
    return f"setweight({WORDS}({column}), '{weight}')"


DROP_COLUMNS = [
    "ALTER TABLE osce_docs_attachmentpage DROP COLUMN IF EXISTS vector",
    "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS vector",
    "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS vector_ab",
    "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS vector_a",
]


def _add_columns(words):
    return [
        f"ALTER TABLE osce_docs_searchentry ADD COLUMN vector_a tsvector GENERATED ALWAYS AS ({words('a_text', 'A')}) STORED",
        "ALTER TABLE osce_docs_searchentry ADD COLUMN vector_ab tsvector GENERATED ALWAYS AS "
        f"({words('a_text', 'A')} || {words('b_text', 'B')}) STORED",
        "ALTER TABLE osce_docs_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS "
        f"({words('a_text', 'A')} || {words('b_text', 'B')} || {words('c_text', 'C')}) STORED",
        "CREATE INDEX osce_search_vector_a ON osce_docs_searchentry USING gin (vector_a)",
        "CREATE INDEX osce_search_vector_ab ON osce_docs_searchentry USING gin (vector_ab)",
        "CREATE INDEX osce_search_vector ON osce_docs_searchentry USING gin (vector)",
        # Pages are searched only within the documents of one result page (for
        # the snippet), so their vector needs no index.
        f"ALTER TABLE osce_docs_attachmentpage ADD COLUMN vector tsvector GENERATED ALWAYS AS ({words('text', 'D')}) STORED",
    ]


def _both_configurations(column, weight):
    """Migration 0005's expression, for going back."""
    text = f"regexp_replace(coalesce({column}, ''), '(?<=[[:alnum:]])[./](?=[[:alnum:]])', ' ', 'g')"
    return (
        f"setweight(to_tsvector('english'::regconfig, {text}), '{weight}') || "
        f"setweight(to_tsvector('simple'::regconfig, {text}), '{weight}')"
    )


FORWARD = [*DROP_COLUMNS, CREATE_FUNCTION, *_add_columns(_words)]
BACKWARD = [*DROP_COLUMNS, f"DROP FUNCTION IF EXISTS {WORDS}(text)", *_add_columns(_both_configurations)]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0006_document_counts"),
    ]

    operations = [
        migrations.RunPython(
            _on_postgresql(FORWARD),
            _on_postgresql(BACKWARD),
        ),
    ]

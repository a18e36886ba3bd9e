"""Search: per-page text of attached files and one search entry per document,
and each engine's index over them, maintained by the database itself:
generated tsvector columns with GIN indexes on PostgreSQL, FTS5 tables with
triggers on SQLite (no index on other databases, where search is not
supported)."""

import django.db.models.deletion
from django.db import migrations, models


# Both languages' words: English stems ("trafficked" finds "trafficking") and
# every word as written ("торговля", "traite"), so other languages are found too.
# Dots and slashes between letters or digits split words, as in SQLite's unicode61 tokenizer, so that
# "PC.DEC/557/Rev.1" is the words pc dec 557 rev 1 on both engines.
def _both(column, weight):
    text = f"regexp_replace(coalesce({column}, ''), '(?<=[[:alnum:]])[./](?=[[:alnum:]])', ' ', 'g')"
    return (
        f"setweight(to_tsvector('english'::regconfig, {text}), '{weight}') || "
        f"setweight(to_tsvector('simple'::regconfig, {text}), '{weight}')"
    )


POSTGRESQL_FORWARD = [
    f"ALTER TABLE osce_docs_searchentry ADD COLUMN vector_a tsvector GENERATED ALWAYS AS ({_both('a_text', 'A')}) STORED",
    f"ALTER TABLE osce_docs_searchentry ADD COLUMN vector_ab tsvector GENERATED ALWAYS AS "
    f"({_both('a_text', 'A')} || {_both('b_text', 'B')}) STORED",
    f"ALTER TABLE osce_docs_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS "
    f"({_both('a_text', 'A')} || {_both('b_text', 'B')} || {_both('c_text', 'C')}) STORED",
    "CREATE INDEX osce_search_vector_a ON osce_docs_searchentry USING gin (vector_a)",
    "CREATE INDEX osce_search_vector_ab ON osce_docs_searchentry USING gin (vector_ab)",
    "CREATE INDEX osce_search_vector ON osce_docs_searchentry USING gin (vector)",
    # Pages are only searched within the few documents of a result page (for
    # the snippet), so their vector needs no index of its own.
    f"ALTER TABLE osce_docs_attachmentpage ADD COLUMN vector tsvector GENERATED ALWAYS AS ({_both('text', 'D')}) STORED",
]
POSTGRESQL_BACKWARD = [
    "ALTER TABLE osce_docs_attachmentpage DROP COLUMN IF EXISTS vector",
    "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS vector",
    "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS vector_ab",
    "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS vector_a",
]

# Porter stemming over Unicode words; diacritics kept, as PostgreSQL keeps them.
_TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 0'"
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE osce_search_fts USING fts5(a_text, b_text, c_text, "
    f"content='osce_docs_searchentry', content_rowid='document_id', {_TOKENIZE})",
    """CREATE TRIGGER osce_search_fts_insert AFTER INSERT ON osce_docs_searchentry BEGIN
        INSERT INTO osce_search_fts(rowid, a_text, b_text, c_text)
        VALUES (new.document_id, new.a_text, new.b_text, new.c_text);
    END""",
    """CREATE TRIGGER osce_search_fts_delete AFTER DELETE ON osce_docs_searchentry BEGIN
        INSERT INTO osce_search_fts(osce_search_fts, rowid, a_text, b_text, c_text)
        VALUES ('delete', old.document_id, old.a_text, old.b_text, old.c_text);
    END""",
    """CREATE TRIGGER osce_search_fts_update AFTER UPDATE ON osce_docs_searchentry BEGIN
        INSERT INTO osce_search_fts(osce_search_fts, rowid, a_text, b_text, c_text)
        VALUES ('delete', old.document_id, old.a_text, old.b_text, old.c_text);
        INSERT INTO osce_search_fts(rowid, a_text, b_text, c_text)
        VALUES (new.document_id, new.a_text, new.b_text, new.c_text);
    END""",
    "CREATE VIRTUAL TABLE osce_search_page_fts USING fts5(text, "
    f"content='osce_docs_attachmentpage', content_rowid='id', {_TOKENIZE})",
    """CREATE TRIGGER osce_search_page_fts_insert AFTER INSERT ON osce_docs_attachmentpage BEGIN
        INSERT INTO osce_search_page_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER osce_search_page_fts_delete AFTER DELETE ON osce_docs_attachmentpage BEGIN
        INSERT INTO osce_search_page_fts(osce_search_page_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER osce_search_page_fts_update AFTER UPDATE ON osce_docs_attachmentpage BEGIN
        INSERT INTO osce_search_page_fts(osce_search_page_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO osce_search_page_fts(rowid, text) VALUES (new.id, new.text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS osce_search_page_fts_update",
    "DROP TRIGGER IF EXISTS osce_search_page_fts_delete",
    "DROP TRIGGER IF EXISTS osce_search_page_fts_insert",
    "DROP TABLE IF EXISTS osce_search_page_fts",
    "DROP TRIGGER IF EXISTS osce_search_fts_update",
    "DROP TRIGGER IF EXISTS osce_search_fts_delete",
    "DROP TRIGGER IF EXISTS osce_search_fts_insert",
    "DROP TABLE IF EXISTS osce_search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('osce_docs', '0004_roles_and_first_versions'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('document', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='osce_docs.document', verbose_name='document')),
                ('a_text', models.TextField(blank=True, verbose_name='symbol and title')),
                ('b_text', models.TextField(blank=True, verbose_name='summary and record texts')),
                ('c_text', models.TextField(blank=True, verbose_name='text of the files')),
            ],
            options={
                'verbose_name': 'search entry',
                'verbose_name_plural': 'search entries',
                'ordering': ['document_id'],
            },
        ),
        migrations.CreateModel(
            name='AttachmentPage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='page')),
                ('text', models.TextField(blank=True, verbose_name='text')),
                ('attachment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pages', to='osce_docs.attachment', verbose_name='attached file')),
            ],
            options={
                'verbose_name': 'page of text',
                'verbose_name_plural': 'pages of text',
                'ordering': ['attachment_id', 'number'],
                'constraints': [models.UniqueConstraint(fields=('attachment', 'number'), name='attachment_page_unique_number')],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]

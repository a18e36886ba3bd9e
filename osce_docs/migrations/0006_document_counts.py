"""Counts of documents by kind and status, kept by triggers on the document
table: statement-level with transition tables on PostgreSQL (one grouped
update per INSERT/UPDATE/DELETE statement, so bulk inserts stay fast), row
triggers on SQLite. The counts start from the rows that exist."""

from django.db import migrations, models

COUNTS = "osce_docs_documentcount"
DOCUMENTS = "osce_docs_document"


def _pg_apply(rows, sign):
    return f"""
        INSERT INTO {COUNTS} (kind, status, count)
        SELECT kind, status, {sign}COUNT(*) FROM {rows} GROUP BY kind, status
        ON CONFLICT (kind, status) DO UPDATE SET count = {COUNTS}.count + EXCLUDED.count;"""


POSTGRESQL_FORWARD = [
    f"""CREATE FUNCTION osce_document_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_pg_apply("new_rows", "")} RETURN NULL; END $$""",
    f"""CREATE FUNCTION osce_document_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_pg_apply("old_rows", "-")} RETURN NULL; END $$""",
    f"""CREATE FUNCTION osce_document_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_pg_apply("old_rows", "-")} {_pg_apply("new_rows", "")} RETURN NULL; END $$""",
    f"""CREATE TRIGGER osce_document_count_insert AFTER INSERT ON {DOCUMENTS}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION osce_document_count_insert()""",
    f"""CREATE TRIGGER osce_document_count_delete AFTER DELETE ON {DOCUMENTS}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION osce_document_count_delete()""",
    f"""CREATE TRIGGER osce_document_count_update AFTER UPDATE ON {DOCUMENTS}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION osce_document_count_update()""",
]
POSTGRESQL_BACKWARD = [
    f"DROP TRIGGER IF EXISTS osce_document_count_update ON {DOCUMENTS}",
    f"DROP TRIGGER IF EXISTS osce_document_count_delete ON {DOCUMENTS}",
    f"DROP TRIGGER IF EXISTS osce_document_count_insert ON {DOCUMENTS}",
    "DROP FUNCTION IF EXISTS osce_document_count_update()",
    "DROP FUNCTION IF EXISTS osce_document_count_delete()",
    "DROP FUNCTION IF EXISTS osce_document_count_insert()",
]


def _sqlite_add(row, sign):
    return f"""INSERT INTO {COUNTS} (kind, status, count) VALUES ({row}.kind, {row}.status, {sign}1)
        ON CONFLICT (kind, status) DO UPDATE SET count = count + excluded.count;"""


SQLITE_FORWARD = [
    f"CREATE TRIGGER osce_document_count_insert AFTER INSERT ON {DOCUMENTS} BEGIN {_sqlite_add('new', '')} END",
    f"CREATE TRIGGER osce_document_count_delete AFTER DELETE ON {DOCUMENTS} BEGIN {_sqlite_add('old', '-')} END",
    f"""CREATE TRIGGER osce_document_count_update AFTER UPDATE OF kind, status ON {DOCUMENTS}
    WHEN old.kind IS NOT new.kind OR old.status IS NOT new.status
    BEGIN {_sqlite_add('old', '-')} {_sqlite_add('new', '')} END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS osce_document_count_update",
    "DROP TRIGGER IF EXISTS osce_document_count_delete",
    "DROP TRIGGER IF EXISTS osce_document_count_insert",
]

INITIAL_COUNTS = (
    f"INSERT INTO {COUNTS} (kind, status, count) SELECT kind, status, COUNT(*) FROM {DOCUMENTS} GROUP BY kind, status"
)


def _run(statements_by_vendor, initial=None):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            return
        if initial:
            schema_editor.execute(initial)
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('osce_docs', '0005_search'),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('decision', 'decision'), ('report', 'country-visit report'), ('event', 'Alliance event'), ('statement', 'Alliance statement')], max_length=12, verbose_name='kind')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('published', 'published')], max_length=10, verbose_name='status')),
                ('count', models.BigIntegerField(default=0, verbose_name='documents')),
            ],
            options={
                'verbose_name': 'document count',
                'verbose_name_plural': 'document counts',
                'ordering': ['kind', 'status'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'status'), name='document_count_one_per_kind_and_status')],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}, initial=INITIAL_COUNTS),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]

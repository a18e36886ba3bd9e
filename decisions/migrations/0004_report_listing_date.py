"""Lists read their order from indexes instead of sorting a set that grows
with the library.

A country-visit report's publication date is on the document table and its
country on the report table; `listing_date` copies the date next to the
country (the earliest date when there is none). The database keeps the copy:
a report row takes its document's date when inserted or updated, and a
change of a document's date reaches its report. Any write path (the admin,
services, imports, bulk inserts) keeps it right, as with the document counts
(osce_docs 0006).

The column and its unique indexes are added without rebuilding the report
table on SQLite (Django's way for a column with a default and for unique
constraints there): a rebuild drops the table's triggers (the kept counts of
osce_docs 0008 watch it) and fails while a trigger on another table names it.
A later migration that rebuilds it on SQLite must drop those triggers, and
decisions_document_listing_date, first and create them again after."""

import datetime

from django.db import migrations, models

REPORTS = "decisions_countryvisitreport"
DOCUMENTS = "osce_docs_document"
UNDATED = "'0001-01-01'"

POSTGRESQL_FORWARD = [
    f"""CREATE FUNCTION decisions_report_listing_date() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.listing_date := COALESCE(
            (SELECT published_on FROM {DOCUMENTS} WHERE id = NEW.document_ptr_id), DATE {UNDATED});
        RETURN NEW;
    END $$""",
    f"""CREATE TRIGGER decisions_report_listing_date BEFORE INSERT OR UPDATE ON {REPORTS}
    FOR EACH ROW EXECUTE FUNCTION decisions_report_listing_date()""",
    f"""CREATE FUNCTION decisions_document_listing_date() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {REPORTS} SET listing_date = COALESCE(NEW.published_on, DATE {UNDATED})
        WHERE document_ptr_id = NEW.id;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER decisions_document_listing_date AFTER UPDATE OF published_on ON {DOCUMENTS}
    FOR EACH ROW WHEN (OLD.published_on IS DISTINCT FROM NEW.published_on)
    EXECUTE FUNCTION decisions_document_listing_date()""",
]
POSTGRESQL_BACKWARD = [
    f"DROP TRIGGER IF EXISTS decisions_document_listing_date ON {DOCUMENTS}",
    f"DROP TRIGGER IF EXISTS decisions_report_listing_date ON {REPORTS}",
    "DROP FUNCTION IF EXISTS decisions_document_listing_date()",
    "DROP FUNCTION IF EXISTS decisions_report_listing_date()",
]

_SQLITE_DATE_OF = f"COALESCE((SELECT published_on FROM {DOCUMENTS} WHERE id = new.document_ptr_id), {UNDATED})"
_SQLITE_COPY = f"UPDATE {REPORTS} SET listing_date = {_SQLITE_DATE_OF} WHERE document_ptr_id = new.document_ptr_id;"
SQLITE_FORWARD = [
    # SQLite's triggers cannot change the row being written: they correct it just after.
    f"CREATE TRIGGER decisions_report_listing_date_insert AFTER INSERT ON {REPORTS} BEGIN {_SQLITE_COPY} END",
    f"""CREATE TRIGGER decisions_report_listing_date_update AFTER UPDATE OF listing_date, document_ptr_id ON {REPORTS}
    WHEN new.listing_date IS NOT {_SQLITE_DATE_OF} BEGIN {_SQLITE_COPY} END""",
    f"""CREATE TRIGGER decisions_document_listing_date AFTER UPDATE OF published_on ON {DOCUMENTS}
    WHEN old.published_on IS NOT new.published_on
    BEGIN
        UPDATE {REPORTS} SET listing_date = COALESCE(new.published_on, {UNDATED}) WHERE document_ptr_id = new.id;
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS decisions_document_listing_date",
    "DROP TRIGGER IF EXISTS decisions_report_listing_date_update",
    "DROP TRIGGER IF EXISTS decisions_report_listing_date_insert",
]

COPY_EXISTING = f"""UPDATE {REPORTS} SET listing_date = COALESCE(
    (SELECT published_on FROM {DOCUMENTS} WHERE {DOCUMENTS}.id = {REPORTS}.document_ptr_id), {{undated}})"""


def _run(statements_by_vendor, initial=False):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = statements_by_vendor.get(vendor)
        if statements is None:
            return
        if initial:
            undated = f"DATE {UNDATED}" if vendor == "postgresql" else UNDATED
            schema_editor.execute(COPY_EXISTING.format(undated=undated))
        for statement in statements:
            schema_editor.execute(statement)

    return run


ADD_COLUMN = {
    "postgresql": f"ALTER TABLE {REPORTS} ADD COLUMN listing_date date NOT NULL DEFAULT DATE {UNDATED}",
    "sqlite": f"ALTER TABLE {REPORTS} ADD COLUMN listing_date date NOT NULL DEFAULT {UNDATED}",
}
UNIQUE_ORDERS = {"report_listing_order": "listing_date, document_ptr_id"}
UNIQUE_ORDERS["report_country_listing_order"] = "country_id, listing_date, document_ptr_id"


def _add_column(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(ADD_COLUMN[vendor])
    for name, columns in UNIQUE_ORDERS.items():
        if vendor == "postgresql":
            # What Django's AddConstraint runs there.
            schema_editor.execute(f"ALTER TABLE {REPORTS} ADD CONSTRAINT {name} UNIQUE ({columns})")
        else:
            schema_editor.execute(f"CREATE UNIQUE INDEX {name} ON {REPORTS} ({columns})")


def _remove_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in UNIQUE_ORDERS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute(f"ALTER TABLE {REPORTS} DROP COLUMN listing_date")


def _analyze(apps, schema_editor):
    # Statistics for the new indexes (and, on SQLite, the rebuilt report
    # table, whose statistics went with the old one): without them SQLite
    # plans these lists from the smallest table joined instead of the index.
    for table in (REPORTS, "decisions_decision", "decisions_followup"):
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0003_audit_trail'),
        ('osce_docs', '0007_search_vectors'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='countryvisitreport',
            options={'ordering': ['-listing_date', '-pk'], 'verbose_name': 'country-visit report', 'verbose_name_plural': 'country-visit reports'},
        ),
        migrations.AlterModelOptions(
            name='decision',
            options={'ordering': ['-adopted_on', '-number', '-pk'], 'verbose_name': 'decision', 'verbose_name_plural': 'decisions'},
        ),
        migrations.RemoveIndex(
            model_name='decision',
            name='decision_adopted',
        ),
        migrations.AddIndex(
            model_name='decision',
            index=models.Index(fields=['adopted_on', 'number', 'document_ptr'], name='decision_adopted_order'),
        ),
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(fields=['recommendation', 'assessed_on', 'id'], name='followup_latest'),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(_add_column, _remove_column)],
            state_operations=[
                migrations.AddField(
                    model_name='countryvisitreport',
                    name='listing_date',
                    field=models.DateField(default=datetime.date(1, 1, 1), editable=False, help_text='The publication date, copied by the database for ordering lists.', verbose_name='listing date'),
                ),
                migrations.AddConstraint(
                    model_name='countryvisitreport',
                    constraint=models.UniqueConstraint(fields=('listing_date', 'document_ptr'), name='report_listing_order'),
                ),
                migrations.AddConstraint(
                    model_name='countryvisitreport',
                    constraint=models.UniqueConstraint(fields=('country', 'listing_date', 'document_ptr'), name='report_country_listing_order'),
                ),
            ],
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}, initial=True),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(_analyze, migrations.RunPython.noop),
    ]

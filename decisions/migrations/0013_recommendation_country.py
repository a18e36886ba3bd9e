"""Each recommendation's country (its report's), kept by the database.

The explorer's count (osce_docs/pagination.py) samples runs of consecutive
recommendation ids. With a country, area and status, SQLite read each run's
recommendations of the area and joined each to its report to check the
country: about 2,000 a count at a million documents, where the country alone
leaves a few dozen. With the country on the recommendation, one index holds
all three filters (migration 0014, SQLite).

The column copies the report's country: a recommendation takes it when
inserted or moved to another report (or written back with a stale value), and
a report's change of country, or its insertion after its recommendations
(foreign keys are checked at commit), reaches its recommendations. Any write
path (the admin, imports, the demo load's bulk inserts) keeps it right.

Added without rebuilding the recommendation table on SQLite (a nullable
column is added in place): a rebuild drops the table's triggers. A later
migration that rebuilds the recommendation or report table on SQLite must
drop the decisions_recommendation_country_* and decisions_report_country
triggers first and create them again after (see also 0004 and 0005)."""

import django.db.models.deletion
from django.db import migrations, models

RECOMMENDATIONS = "decisions_recommendation"
REPORTS = "decisions_countryvisitreport"


def _country_of(report_id):
    return f"(SELECT country_id FROM {REPORTS} WHERE document_ptr_id = {report_id})"


def _reach_recommendations(report):
    return (
        f"UPDATE {RECOMMENDATIONS} SET country_id = {report}.country_id "
        f"WHERE report_id = {report}.document_ptr_id AND country_id IS DISTINCT FROM {report}.country_id;"
    )


POSTGRESQL_FORWARD = [
    f"""CREATE FUNCTION decisions_recommendation_country() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.country_id := {_country_of("NEW.report_id")}; RETURN NEW; END $$""",
    f"""CREATE TRIGGER decisions_recommendation_country BEFORE INSERT OR UPDATE OF report_id, country_id
    ON {RECOMMENDATIONS} FOR EACH ROW EXECUTE FUNCTION decisions_recommendation_country()""",
    f"""CREATE FUNCTION decisions_report_country() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_reach_recommendations("NEW")} RETURN NULL; END $$""",
    f"""CREATE TRIGGER decisions_report_country AFTER INSERT OR UPDATE OF country_id ON {REPORTS}
    FOR EACH ROW EXECUTE FUNCTION decisions_report_country()""",
]
POSTGRESQL_BACKWARD = [
    f"DROP TRIGGER IF EXISTS decisions_report_country ON {REPORTS}",
    f"DROP TRIGGER IF EXISTS decisions_recommendation_country ON {RECOMMENDATIONS}",
    "DROP FUNCTION IF EXISTS decisions_report_country()",
    "DROP FUNCTION IF EXISTS decisions_recommendation_country()",
]

_SQLITE_COPY = (
    f"UPDATE {RECOMMENDATIONS} SET country_id = {_country_of('new.report_id')} WHERE id = new.id;"
)
_SQLITE_STALE = f"new.country_id IS NOT {_country_of('new.report_id')}"
_SQLITE_REACH = _reach_recommendations("new").replace("IS DISTINCT FROM", "IS NOT")
SQLITE_FORWARD = [
    # SQLite's triggers cannot change the row being written: they correct it just after.
    f"""CREATE TRIGGER decisions_recommendation_country_insert AFTER INSERT ON {RECOMMENDATIONS}
    WHEN {_SQLITE_STALE} BEGIN {_SQLITE_COPY} END""",
    f"""CREATE TRIGGER decisions_recommendation_country_update AFTER UPDATE OF report_id, country_id
    ON {RECOMMENDATIONS} WHEN {_SQLITE_STALE} BEGIN {_SQLITE_COPY} END""",
    f"CREATE TRIGGER decisions_report_country_insert AFTER INSERT ON {REPORTS} BEGIN {_SQLITE_REACH} END",
    f"""CREATE TRIGGER decisions_report_country_update AFTER UPDATE OF country_id ON {REPORTS}
    WHEN old.country_id IS NOT new.country_id BEGIN {_SQLITE_REACH} END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS decisions_report_country_update",
    "DROP TRIGGER IF EXISTS decisions_report_country_insert",
    "DROP TRIGGER IF EXISTS decisions_recommendation_country_update",
    "DROP TRIGGER IF EXISTS decisions_recommendation_country_insert",
]

COPY_EXISTING = f"UPDATE {RECOMMENDATIONS} SET country_id = {_country_of(f'{RECOMMENDATIONS}.report_id')}"


def _run(statements_by_vendor, initial=False):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            return
        if initial:
            schema_editor.execute(COPY_EXISTING)
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0012_recommendation_pairs_postgresql"),
        ("osce_docs", "0022_sqlite_search_pairs_by_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="country",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="Kept by the database from the report.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="osce_docs.state",
                verbose_name="country",
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}, initial=True),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]

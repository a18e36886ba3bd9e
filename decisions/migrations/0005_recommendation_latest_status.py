"""Each recommendation's latest follow-up status, kept by the database.

Filtering the recommendations by it used to work it out from the follow-ups
for every recommendation read (a correlated subquery), so a count of those
with a given status read the whole library. The column is set by triggers on
every insert, update and delete of a follow-up (statement-level with
transition tables on PostgreSQL, so bulk inserts cost one update each; row
triggers on SQLite), and a recommendation written back with a stale value
gets the right one again.

On SQLite a later migration that rebuilds the recommendation table must drop
the decisions_followup_latest_* triggers first and create them again after
(SQLite refuses to rename a table into place while a trigger on another table
names it)."""

from django.db import migrations, models

RECOMMENDATIONS = "decisions_recommendation"
FOLLOW_UPS = "decisions_followup"


def _latest(recommendation_id):
    return (
        f"(SELECT status FROM {FOLLOW_UPS} WHERE recommendation_id = {recommendation_id} "
        "ORDER BY assessed_on DESC, id DESC LIMIT 1)"
    )


def _pg_refresh(rows):
    return f"""UPDATE {RECOMMENDATIONS} SET latest_status = {_latest(f"{RECOMMENDATIONS}.id")}
        WHERE id IN (SELECT recommendation_id FROM {rows});"""


POSTGRESQL_FORWARD = [
    f"""CREATE FUNCTION decisions_followup_latest_new() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_pg_refresh("new_rows")} RETURN NULL; END $$""",
    f"""CREATE FUNCTION decisions_followup_latest_old() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_pg_refresh("old_rows")} RETURN NULL; END $$""",
    f"""CREATE FUNCTION decisions_followup_latest_both() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_pg_refresh("old_rows")} {_pg_refresh("new_rows")} RETURN NULL; END $$""",
    f"""CREATE TRIGGER decisions_followup_latest_insert AFTER INSERT ON {FOLLOW_UPS}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION decisions_followup_latest_new()""",
    f"""CREATE TRIGGER decisions_followup_latest_delete AFTER DELETE ON {FOLLOW_UPS}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION decisions_followup_latest_old()""",
    f"""CREATE TRIGGER decisions_followup_latest_update AFTER UPDATE ON {FOLLOW_UPS}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_followup_latest_both()""",
    f"""CREATE FUNCTION decisions_recommendation_latest() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.latest_status := {_latest("NEW.id")}; RETURN NEW; END $$""",
    f"""CREATE TRIGGER decisions_recommendation_latest BEFORE UPDATE OF latest_status ON {RECOMMENDATIONS}
    FOR EACH ROW WHEN (OLD.latest_status IS DISTINCT FROM NEW.latest_status)
    EXECUTE FUNCTION decisions_recommendation_latest()""",
]
POSTGRESQL_BACKWARD = [
    f"DROP TRIGGER IF EXISTS decisions_recommendation_latest ON {RECOMMENDATIONS}",
    f"DROP TRIGGER IF EXISTS decisions_followup_latest_update ON {FOLLOW_UPS}",
    f"DROP TRIGGER IF EXISTS decisions_followup_latest_delete ON {FOLLOW_UPS}",
    f"DROP TRIGGER IF EXISTS decisions_followup_latest_insert ON {FOLLOW_UPS}",
    "DROP FUNCTION IF EXISTS decisions_recommendation_latest()",
    "DROP FUNCTION IF EXISTS decisions_followup_latest_both()",
    "DROP FUNCTION IF EXISTS decisions_followup_latest_old()",
    "DROP FUNCTION IF EXISTS decisions_followup_latest_new()",
]


def _sqlite_refresh(row):
    latest = _latest(f"{row}.recommendation_id")
    return f"UPDATE {RECOMMENDATIONS} SET latest_status = {latest} WHERE id = {row}.recommendation_id;"


SQLITE_FORWARD = [
    f"CREATE TRIGGER decisions_followup_latest_insert AFTER INSERT ON {FOLLOW_UPS} BEGIN {_sqlite_refresh('new')} END",
    f"CREATE TRIGGER decisions_followup_latest_delete AFTER DELETE ON {FOLLOW_UPS} BEGIN {_sqlite_refresh('old')} END",
    f"""CREATE TRIGGER decisions_followup_latest_update AFTER UPDATE OF recommendation_id, assessed_on, status
    ON {FOLLOW_UPS} BEGIN {_sqlite_refresh('old')} {_sqlite_refresh('new')} END""",
    # SQLite's triggers cannot change the row being written: they correct it just after.
    f"""CREATE TRIGGER decisions_recommendation_latest AFTER UPDATE OF latest_status ON {RECOMMENDATIONS}
    WHEN new.latest_status IS NOT {_latest("new.id")}
    BEGIN UPDATE {RECOMMENDATIONS} SET latest_status = {_latest("new.id")} WHERE id = new.id; END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS decisions_recommendation_latest",
    "DROP TRIGGER IF EXISTS decisions_followup_latest_update",
    "DROP TRIGGER IF EXISTS decisions_followup_latest_delete",
    "DROP TRIGGER IF EXISTS decisions_followup_latest_insert",
]

FILL_EXISTING = (
    f"UPDATE {RECOMMENDATIONS} SET latest_status = {_latest(f'{RECOMMENDATIONS}.id')} "
    f"WHERE id IN (SELECT recommendation_id FROM {FOLLOW_UPS})"
)


def _run(statements_by_vendor, initial=False):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            return
        if initial:
            schema_editor.execute(FILL_EXISTING)
        for statement in statements:
            schema_editor.execute(statement)

    return run


def _analyze(apps, schema_editor):
    # Statistics for the new indexes: SQLite plans without them otherwise.
    schema_editor.execute(f"ANALYZE {RECOMMENDATIONS}")


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0004_report_listing_date'),
    ]

    operations = [
        migrations.AddField(
            model_name='recommendation',
            name='latest_status',
            field=models.CharField(blank=True, choices=[('implemented', 'implemented'), ('partial', 'partially implemented'), ('not_implemented', 'not implemented'), ('no_information', 'no information')], editable=False, help_text='Kept by the database from the follow-up assessments; empty when none.', max_length=16, null=True, verbose_name='latest follow-up status'),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}, initial=True),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.AddIndex(
            model_name='recommendation',
            index=models.Index(fields=['report', 'latest_status', 'area'], name='recommendation_report_status'),
        ),
        migrations.RunPython(_analyze, migrations.RunPython.noop),
    ]

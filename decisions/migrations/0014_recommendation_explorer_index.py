"""The explorer's three filters (area, latest status, country) in one SQLite
index, with the id after them; a report's recommendations' index with the
country too.

The sampled count (osce_docs/pagination.py) reads fifty runs of consecutive
ids. With a country, area and status SQLite read each run's recommendations of
the area from `recommendation_area` and each one's row for its status and
country (the row holds the text): about 2,000 rows a count at a million
documents. From this index it reads only the few dozen that match all three,
and from the index alone (the count at a million, on one connection: 4.9-7.3 -> 1.2-1.6 ms).
SQLite only: PostgreSQL's explorer is flat without it (its runs are read from
`recommendation_id_filters`), and there the filter asks for the report's
country alone (RecommendationQuerySet.for_country).

The count up to the window walks the country's reports and their
recommendations from `recommendation_report_status`; the copy of the country
is checked there too, so the index holds it (or each match reads its row)."""

from django.db import migrations, models

EXPLORER_INDEX = "recommendation_explorer"
RECOMMENDATIONS = "decisions_recommendation"


def _create_explorer_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX {EXPLORER_INDEX} ON {RECOMMENDATIONS} (area, latest_status, country_id, id, report_id)"
        )


def _drop_explorer_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {EXPLORER_INDEX}")


def _analyze(apps, schema_editor):
    # Statistics for the new indexes: SQLite plans without them otherwise.
    schema_editor.execute(f"ANALYZE {RECOMMENDATIONS}")


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0013_recommendation_country"),
    ]

    operations = [
        migrations.RunPython(_create_explorer_index, _drop_explorer_index),
        migrations.RemoveIndex(model_name="recommendation", name="recommendation_report_status"),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(
                fields=["report", "latest_status", "area", "country"], name="recommendation_report_status"
            ),
        ),
        migrations.RunPython(_analyze, migrations.RunPython.noop),
    ]

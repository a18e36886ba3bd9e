"""The recommendations' filters beside their id, for the sampled count.

The sampled count (osce_docs/pagination.py) reads fifty runs of consecutive
ids; a recommendation's row holds its text, so each run read a few hundred
rows from the table. From this index PostgreSQL reads them without the rows
(the explorer with a country, area and status at a million documents: 28 ->
20 ms). SQLite keeps taking its `recommendation_area` index for the runs."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0006_decision_body_adopted_order"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["id", "area", "latest_status", "report"], name="recommendation_id_filters"),
        ),
    ]

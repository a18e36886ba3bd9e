"""A Representative's reports in listing order, as a country's are.

The reports list filtered by a Representative walked every report newest
first checking whom it was by, and its count read each of her reports' rows
for the date; from this index both read one range (at a million documents on
SQLite, medians of 9: her reports 24-31 -> 13-23 ms, her reports on a topic
since 2010 44 -> 28-32 ms)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0008_report_id_filters"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="countryvisitreport",
            index=models.Index(
                fields=["representative", "listing_date", "document_ptr"], name="report_representative_listing"
            ),
        ),
    ]

"""Documents of every kind newest first (the latest feed, a topic's page) from
an index instead of a sort of the whole library (or of a topic's share)."""

from django.conf import settings
from django.db import migrations, models


def _analyze(apps, schema_editor):
    # Statistics for the new index: SQLite plans without them otherwise.
    schema_editor.execute("ANALYZE osce_docs_document")


class Migration(migrations.Migration):

    dependencies = [
        ('osce_docs', '0008_public_counts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['status', 'published_on', 'id'], name='document_published_order'),
        ),
        migrations.RunPython(_analyze, migrations.RunPython.noop),
    ]

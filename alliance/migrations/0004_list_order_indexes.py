"""Indexes that give the events' and statements' newest-first orders (with
their ties) without a sort, also within one kind."""

from django.db import migrations, models


def _analyze(apps, schema_editor):
    # Statistics for the new indexes: SQLite plans without them otherwise.
    for table in ("alliance_allianceevent", "alliance_alliancestatement"):
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):

    dependencies = [
        ('alliance', '0003_audit_trail'),
        ('osce_docs', '0007_search_vectors'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='allianceevent',
            name='alliance_event_kind_start',
        ),
        migrations.AddIndex(
            model_name='allianceevent',
            index=models.Index(fields=['start_on', 'document_ptr'], name='alliance_event_start_order'),
        ),
        migrations.AddIndex(
            model_name='allianceevent',
            index=models.Index(fields=['event_kind', 'start_on', 'document_ptr'], name='alliance_event_kind_order'),
        ),
        migrations.AddIndex(
            model_name='alliancestatement',
            index=models.Index(fields=['issued_on', 'document_ptr'], name='alliance_statement_order'),
        ),
        migrations.AddIndex(
            model_name='alliancestatement',
            index=models.Index(fields=['statement_kind', 'issued_on', 'document_ptr'], name='alliance_statement_kind_order'),
        ),
        migrations.RunPython(_analyze, migrations.RunPython.noop),
    ]

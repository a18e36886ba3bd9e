"""The content version that keys the page cache (osce_docs/pagecache.py).
Its triggers are installed after every migrate, not here: SQLite drops a
table's triggers whenever a later migration rebuilds that table."""

from django.db import migrations, models


def _first_version(apps, schema_editor):
    apps.get_model("osce_docs", "ContentVersion").objects.get_or_create(pk=1, defaults={"token": "initial"})


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0009_document_published_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(default="initial", max_length=40)),
            ],
            options={
                "verbose_name": "content version",
                "verbose_name_plural": "content version",
            },
        ),
        migrations.RunPython(_first_version, migrations.RunPython.noop),
    ]

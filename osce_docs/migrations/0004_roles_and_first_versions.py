"""The Editors and Publishers groups, and a first version in the audit trail
of every record that existed before it (the initial data), so that its first
change shows what it changed from."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

AUDITED = [
    ("decisions", "Decision", ["topics", "states"]),
    ("decisions", "CountryVisitReport", ["topics", "states"]),
    ("alliance", "AllianceEvent", ["topics", "states"]),
    ("alliance", "AllianceStatement", ["topics", "states", "endorsed_by"]),
    ("decisions", "VisitPeriod", []),
    ("decisions", "Recommendation", []),
    ("decisions", "FollowUp", []),
    ("osce_docs", "DocumentRelation", []),
    ("osce_docs", "Attachment", []),
]


def create_roles(apps, schema_editor):
    from osce_docs.roles import sync_role_groups

    # Permissions are normally created after all migrations have run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps)


def record_first_versions(apps, schema_editor):
    now = timezone.now()
    for app_label, model_name, m2m_fields in AUDITED:
        model = apps.get_model(app_label, model_name)
        history = apps.get_model(app_label, f"Historical{model_name}")
        tracked = [field for field in history._meta.fields if not field.name.startswith("history_")]
        for row in model.objects.all():
            if history.objects.filter(**{model._meta.pk.attname: row.pk}).exists():
                continue
            version = history.objects.create(
                history_date=now,
                history_type="+",
                history_change_reason="initial data",
                **{field.attname: getattr(row, field.attname) for field in tracked},
            )
            for field_name in m2m_fields:
                snapshot = apps.get_model(app_label, f"Historical{model_name}_{field_name}")
                m2m = model._meta.get_field(field_name)
                through = m2m.remote_field.through
                copied = [field for field in snapshot._meta.fields if field.name not in {"m2m_history_id", "history"}]
                for link in through.objects.filter(**{m2m.m2m_field_name(): row.pk}):
                    snapshot.objects.create(
                        history=version, **{field.attname: getattr(link, field.attname) for field in copied}
                    )


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0003_audit_trail_and_publish_permission"),
        ("decisions", "0003_audit_trail"),
        ("alliance", "0003_audit_trail"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(record_first_versions, migrations.RunPython.noop),
    ]

"""The audit trail: every version of every document, relation, visit period,
recommendation, follow-up and attached file, with who changed it and when
(django-simple-history; see the README's "Audit trail")."""

from simple_history.models import HistoricalRecords

_recorders = {}


class AuditedHistory(HistoricalRecords):
    """HistoricalRecords that the admin can ask for one version after a save
    and its many-to-many changes, rather than one version per step.

    Every kind of document shares the topic and State tables, so the
    many-to-many signal reaches every kind's recorder: each records only
    changes made through its own kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # HistoricalRecords keeps this map on the class, keyed by field; every
        # kind shares Document's topics field, so each recorder needs its own.
        self.m2m_models = {}

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            _recorders[sender] = self

    def get_history_model_name(self, model):
        if model._meta.auto_created:
            # Every kind shares Document's topics and States tables; each
            # kind's snapshot of them needs a name of its own.
            field_name = model._meta.object_name.split("_", 1)[1]
            return f"{self.DEFAULT_MODEL_NAME_PREFIX}{self.cls._meta.object_name}_{field_name}"
        return super().get_history_model_name(model)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if reverse or type(instance) is not self.cls:
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)


def record_version(instance, *, user, created=False):
    """Record INSTANCE as it is now (fields and many-to-many), by USER."""
    instance._history_user = user
    _recorders[type(instance)].create_historical_record(instance, "+" if created else "~")


def is_audited(model):
    return model in _recorders

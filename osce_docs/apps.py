from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "osce_docs"
    verbose_name = _("Library core")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_save

        from .search_index import connect_receivers

        connect_receivers()
        post_migrate.connect(_index_missing_documents, sender=self)
        post_migrate.connect(_install_change_triggers, sender=self)
        pre_save.connect(_count_row_loaded, sender="osce_docs.DocumentCount")


def _index_missing_documents(sender, using="default", **kwargs):
    """Documents created by data migrations (which send no signals) get their search entries."""
    from django.db import connections

    from .search_index import index_missing_documents

    if "osce_docs_searchentry" in connections[using].introspection.table_names():
        index_missing_documents()


def _install_change_triggers(sender, using="default", **kwargs):
    from .pagecache import install_change_triggers

    install_change_triggers(using)


def _count_row_loaded(sender, instance, raw=False, using="default", **kwargs):
    """A DocumentCount row loaded from a fixture or a test's serialized
    database replaces the row the triggers made for its kind and status while
    the documents loaded (the same count, under another id)."""
    if raw:
        sender._base_manager.using(using).filter(kind=instance.kind, status=instance.status).exclude(
            pk=instance.pk
        ).delete()

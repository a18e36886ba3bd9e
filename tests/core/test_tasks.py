"""Text extraction runs as a django-tasks task: immediately by default, queued
in the database with its worker in production."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from osce_docs import services
from osce_docs.models import Document, TextStatus
from tests import files
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db


def test_production_backend_queues_extraction_and_the_worker_runs_it(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.management.commands import db_worker

    # The worker closes connections between tasks (conn_max_age=0 here), which
    # would close the test's own transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Document.objects.all().delete()
    document = DecisionFactory(published=True, title="Decision")
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_create(
            document=document, uploaded_file=files.pdf_upload("a.pdf", ["Debt bondage"]), kind="full_text", language="en"
        )
    attachment.refresh_from_db()
    assert attachment.text_status == TextStatus.PENDING
    assert DBTaskResult.objects.filter(status="READY").exists()
    assert not Document.objects.published().search("bondage").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    attachment.refresh_from_db()
    assert attachment.text_status == TextStatus.EXTRACTED
    assert list(Document.objects.published().search("bondage")) == [document.document_ptr]

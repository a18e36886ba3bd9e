"""Nothing lost: a document and its files are saved together or not at all,
bytes go only after their row's deletion commits, check_files finds what
does not match, and a backup restores the same documents and the same bytes."""

import hashlib
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from decisions.models import Decision
from osce_docs import services
from osce_docs.admin import DocumentAdminMixin
from osce_docs.models import Attachment, Document
from tests import files
from tests.core.test_roles import decision_form
from tests.factories import (
    AttachmentFactory,
    DecisionFactory,
    RecommendationFactory,
    ReportFactory,
    StateFactory,
    TopicFactory,
)
from tests.scale.test_public_counts import assert_kept_counts_match_the_rows

pytestmark = pytest.mark.django_db


def stored_files(media_root):
    folder = Path(media_root) / "attachments"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_crash_after_the_files_are_stored_leaves_neither_rows_nor_files(staff_client, settings, monkeypatch):
    template = DecisionFactory.build(number=777)
    data = decision_form(template)
    data.update(
        {
            "attachments-TOTAL_FORMS": 2,
            "attachments-0-file": files.pdf_upload("en.pdf"),
            "attachments-0-kind": "full_text",
            "attachments-0-language": "en",
            "attachments-1-file": files.pdf_upload("ru.pdf"),
            "attachments-1-kind": "full_text",
            "attachments-1-language": "ru",
        }
    )
    original = DocumentAdminMixin.save_related

    def crash_after_saving_the_inlines(self, request, form, formsets, change):
        original(self, request, form, formsets, change)
        assert len(stored_files(settings.MEDIA_ROOT)) == 2  # the bytes were written...
        raise RuntimeError("the process dies half-way")

    monkeypatch.setattr(DocumentAdminMixin, "save_related", crash_after_saving_the_inlines)
    with pytest.raises(RuntimeError):
        staff_client.post(reverse("admin:decisions_decision_add"), data)
    assert not Decision.objects.filter(number=777).exists()
    assert not Attachment.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []  # ...and removed with the rolled-back rows


def test_a_service_call_inside_a_failed_transaction_leaves_no_file(settings):
    decision = DecisionFactory()
    with pytest.raises(RuntimeError):
        with services.atomic_with_files():
            services.attachment_create(
                document=decision, uploaded_file=files.pdf_upload(), kind="full_text", language="en"
            )
            raise RuntimeError("a later row fails")
    assert not Attachment.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_refused_row_leaves_no_file(settings):
    attachment = AttachmentFactory()
    with pytest.raises(Exception):
        services.attachment_create(
            document=attachment.document, uploaded_file=files.pdf_upload(), kind="full_text", language="en"
        )
    assert stored_files(settings.MEDIA_ROOT) == [Path(settings.MEDIA_ROOT) / attachment.file.name]


def test_a_row_that_fails_to_save_takes_its_new_bytes_with_it(settings, monkeypatch):
    decision = DecisionFactory()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attachment, "save", fail)
    with pytest.raises(RuntimeError):
        services.attachment_create(document=decision, uploaded_file=files.pdf_upload(), kind="full_text", language="en")
    assert stored_files(settings.MEDIA_ROOT) == []


def test_bytes_go_only_after_the_rows_deletion_commits(settings, django_capture_on_commit_callbacks):
    pk = AttachmentFactory().pk
    path = Path(settings.MEDIA_ROOT) / Attachment.objects.get(pk=pk).file.name
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.attachment_delete(attachment=Attachment.objects.get(pk=pk))
            raise RuntimeError("rolled back")
    assert path.exists()
    assert Attachment.objects.filter(pk=pk).exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attachment_delete(attachment=Attachment.objects.get(pk=pk))
        assert path.exists()  # not yet committed
    for callback in callbacks:
        callback()
    assert not path.exists()


class TestCheckFiles:
    def run(self, *args):
        out = StringIO()
        try:
            call_command("check_files", *args, stdout=out)
        except CommandError:
            return out.getvalue(), 1
        return out.getvalue(), 0

    def test_a_healthy_store_passes(self):
        AttachmentFactory()
        output, code = self.run()
        assert code == 0
        assert "1 files checked: 0 missing, 0 changed, 0 orphans." in output

    def test_a_missing_file_and_a_changed_file_are_reported(self):
        missing = AttachmentFactory(language="en")
        changed = AttachmentFactory(language="fr")
        missing.file.storage.delete(missing.file.name)
        with open(changed.file.path, "ab") as stored:
            stored.write(b"tampered")
        output, code = self.run()
        assert code == 1
        assert f"MISSING  attachment {missing.pk}" in output
        assert f"CHANGED  attachment {changed.pk}" in output

    def test_fix_removes_old_orphans_only(self, settings):
        owned = AttachmentFactory()
        folder = Path(settings.MEDIA_ROOT) / "attachments" / "zz"
        folder.mkdir(parents=True)
        old_orphan, new_orphan = folder / "old.pdf", folder / "new.pdf"
        old_orphan.write_bytes(b"left by a killed process")
        new_orphan.write_bytes(b"an upload still in progress")
        two_hours_ago = time.time() - 7200
        os.utime(old_orphan, (two_hours_ago, two_hours_ago))
        output, code = self.run()
        assert code == 1
        assert "ORPHAN   attachments/zz/old.pdf" in output
        assert "RECENT   attachments/zz/new.pdf" in output
        output, code = self.run("--fix")
        assert code == 0
        assert not old_orphan.exists()
        assert new_orphan.exists()
        assert (Path(settings.MEDIA_ROOT) / owned.file.name).exists()

    def test_fix_never_touches_rows_whose_file_is_missing(self):
        missing = AttachmentFactory()
        missing.file.storage.delete(missing.file.name)
        _output, code = self.run("--fix")
        assert code == 1
        assert Attachment.objects.filter(pk=missing.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restored_onto_an_empty_site_gives_the_same_documents_and_bytes(tmp_path, settings):
    decision = DecisionFactory(
        published=True, title="Decision kept in the backup", states=[StateFactory()], topics=[TopicFactory()]
    )
    english = AttachmentFactory(document=decision, language="en", content=files.pdf_bytes(["English"]))
    russian = AttachmentFactory(document=decision, language="ru", content=files.pdf_bytes(["Русский"]))
    report = ReportFactory(title="A draft report")
    RecommendationFactory(report=report, text="Train labour inspectors.")
    decision.title = "Decision kept in the backup, changed"
    decision.save()
    documents_before = sorted(Document.objects.values_list("slug", "title", "status"))
    bytes_before = {a.pk: hashlib.sha256(Path(a.file.path).read_bytes()).hexdigest() for a in (english, russian)}
    versions_before = Decision.history.filter(id=decision.pk).count()

    call_command("backup", str(tmp_path / "backup"), stdout=StringIO())

    # An empty site: no documents, no files (the migrations' reference data stays).
    Document.objects.all().delete()
    Decision.history.all().delete()
    for path in stored_files(settings.MEDIA_ROOT):
        path.unlink()
    DecisionFactory(title="Only on the new site")

    call_command("restore", str(tmp_path / "backup"), "--no-input", stdout=StringIO())

    assert sorted(Document.objects.values_list("slug", "title", "status")) == documents_before
    for attachment in Attachment.objects.all():
        assert hashlib.sha256(Path(attachment.file.path).read_bytes()).hexdigest() == bytes_before[attachment.pk]
    assert Decision.history.filter(id=decision.pk).count() == versions_before
    assert report.recommendations.get().text == "Train labour inspectors."
    # The kept counts are not in the backup: the triggers counted the rows as they loaded.
    assert_kept_counts_match_the_rows()
    _output = StringIO()
    call_command("check_files", stdout=_output)


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path):
    AttachmentFactory()
    call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    copy = next((tmp_path / "backup" / "media").rglob("*.pdf"))
    copy.write_bytes(b"damaged")
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore", str(tmp_path / "backup"), "--no-input", stdout=StringIO())
    assert Attachment.objects.count() == 1


def test_a_backup_goes_into_a_new_folder(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "backup"), stdout=StringIO())

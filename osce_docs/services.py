"""Writes that span several rows or touch stored files. The admin, the
import and the tests all go through these."""

from django.db import transaction
from django.utils import timezone

from .filetypes import check_upload, clean_original_name
from .models import Attachment, Document, Status


def _delete_stored_file_after_commit(storage, name):
    """Bytes go only once the row that owned them is gone for good."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def attachment_create(*, document, uploaded_file, kind, language, is_original=False, user=None, original_name=None):
    """Check an upload and attach it to DOCUMENT under a generated name.

    Raises ValidationError (the reason, for the form or the import) when the
    file is refused or clashes with an existing file of the same kind and
    language."""
    checked = check_upload(uploaded_file)
    attachment = Attachment(
        document=document,
        kind=kind,
        language=language,
        is_original=is_original,
        original_name=clean_original_name(original_name or getattr(uploaded_file, "name", "") or "file"),
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        uploaded_by=user,
    )
    attachment.validate_constraints()
    return attachment_store(attachment=attachment, uploaded_file=uploaded_file)


def attachment_store(*, attachment, uploaded_file):
    """Write the bytes and the row together: if the row cannot be saved, the
    bytes just written are removed again, so no file is left without its row."""
    storage = attachment.file.storage
    uploaded_file.seek(0)
    attachment.file.save("upload", uploaded_file, save=False)
    stored_name = attachment.file.name
    try:
        with transaction.atomic():
            attachment.save()
            transaction.on_commit(lambda: _after_attachment_saved(attachment.pk))
    except BaseException:
        storage.delete(stored_name)
        raise
    return attachment


def attachment_delete(*, attachment):
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        attachment.delete()
        _delete_stored_file_after_commit(storage, name)


def attachment_replace_file(*, attachment, uploaded_file, user=None, original_name=None):
    """New bytes for an existing attachment; the old bytes go after commit."""
    checked = check_upload(uploaded_file)
    old_storage, old_name = attachment.file.storage, attachment.file.name
    attachment.content_type = checked.content_type
    attachment.size = checked.size
    attachment.sha256 = checked.sha256
    attachment.original_name = clean_original_name(original_name or getattr(uploaded_file, "name", "") or "file")
    attachment.uploaded_by = user
    attachment.uploaded_at = timezone.now()
    attachment.text_status = attachment._meta.get_field("text_status").default
    attachment.page_count = None
    attachment.text_error = ""
    with transaction.atomic():
        attachment_store(attachment=attachment, uploaded_file=uploaded_file)
        _delete_stored_file_after_commit(old_storage, old_name)
    return attachment


def _after_attachment_saved(attachment_pk):
    """Hook for work that follows a new file (text extraction is queued here)."""
    from . import signals

    signals.attachment_committed.send(sender=Attachment, attachment_pk=attachment_pk)


def document_set_status(*, document, status, user=None):
    Document.objects.filter(pk=document.pk).update(status=status, updated_by=user, updated_at=timezone.now())
    document.status = status
    return document


def document_publish(*, document, user=None):
    if not document.published_on:
        document.published_on = timezone.localdate()
        Document.objects.filter(pk=document.pk).update(published_on=document.published_on)
    return document_set_status(document=document, status=Status.PUBLISHED, user=user)


def document_unpublish(*, document, user=None):
    return document_set_status(document=document, status=Status.DRAFT, user=user)

"""Writes that span several rows or touch stored files. The admin, the
import and the tests all go through these."""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .filetypes import check_upload, clean_original_name
from .models import Attachment, Document, Status
from .roles import can_edit, require_publisher

logger = logging.getLogger(__name__)
_written = threading.local()


@contextmanager
def atomic_with_files():
    """A transaction that owns the files written inside it: when it fails,
    the bytes written for rows that are rolled back are deleted too, so no
    file is left without its row. (A killed process can still leave some:
    ``manage.py check_files --fix`` removes them.)"""
    stack = _written.__dict__.setdefault("stack", [])
    written = []
    stack.append(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("could not delete a file after a failed save", extra={"file": name})
        raise
    else:
        if len(stack) > 1:
            # Written inside an outer transaction: it still owns them until it commits.
            stack[-2].extend(written)
    finally:
        stack.pop()


def file_written(storage, name):
    """Tell the enclosing atomic_with_files() about bytes just stored."""
    stack = getattr(_written, "stack", None)
    if stack:
        stack[-1].append((storage, name))


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
    uploaded_file.seek(0)
    with atomic_with_files():
        attachment.file.save("upload", uploaded_file, save=False)
        file_written(attachment.file.storage, attachment.file.name)
        attachment.save()
    return attachment


def document_delete(*, document, user=None):
    """Delete DOCUMENT with its parts; its files' bytes go once that has
    committed. Only Publishers may."""
    require_publisher(user)
    with transaction.atomic():
        for attachment in document.attachments.all():
            _delete_stored_file_after_commit(attachment.file.storage, attachment.file.name)
        document._history_user = user
        document.delete()


def attachment_save_from_form(*, attachment):
    """Save an attachment edited in a form (a new upload was already checked
    by AttachmentForm). New bytes belong to the enclosing atomic_with_files();
    replaced bytes go once the new row has committed."""
    storage = attachment.file.storage
    new_upload = bool(attachment.file) and not attachment.file._committed
    old_name = None
    if new_upload and attachment.pk:
        old_name = Attachment.objects.filter(pk=attachment.pk).values_list("file", flat=True).first()
    with transaction.atomic():
        try:
            attachment.save()
        except BaseException:
            if new_upload and attachment.file._committed:
                storage.delete(attachment.file.name)
            raise
        if new_upload:
            file_written(storage, attachment.file.name)
            if old_name and old_name != attachment.file.name:
                _delete_stored_file_after_commit(storage, old_name)
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


def document_set_status(*, document, status, user=None, stamp_date=True):
    """Publish or withdraw DOCUMENT. Only Publishers may (USER None is the
    system itself); the change is saved through the document's own kind so
    that its audit trail records it, with USER."""
    require_publisher(user)
    if type(document) is Document:
        document = document.specific()
    document.status = status
    if stamp_date and status == Status.PUBLISHED and not document.published_on:
        document.published_on = timezone.localdate()
    document.updated_by = user
    document._history_user = user
    document.save(update_fields=["status", "published_on", "updated_by", "updated_at"])
    return document


def document_publish(*, document, user=None, stamp_date=True):
    """Publish DOCUMENT; without a publication date it gets today's unless
    STAMP_DATE is false (a record copied from elsewhere whose date is unknown)."""
    return document_set_status(document=document, status=Status.PUBLISHED, user=user, stamp_date=stamp_date)


def document_unpublish(*, document, user=None):
    return document_set_status(document=document, status=Status.DRAFT, user=user)


def document_unique_slug(*, base, exclude_pk=None, max_length=200):
    """BASE as an ASCII slug, with -2, -3 ... added when another document has it."""
    from django.utils.text import slugify
    from unidecode import unidecode

    stem = slugify(unidecode(str(base or "")))[: max_length - 6].strip("-") or "document"
    taken = Document.objects.filter(slug__startswith=stem)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    slug, counter = stem, 1
    while slug in taken:
        counter += 1
        slug = f"{stem}-{counter}"
    return slug


def document_status_change(*, document, status, user=None, stamp_date=True):
    """The one way a service moves a document between draft and published, so
    that a rule on who may publish applies to the admin, the import and the tests."""
    if status == document.status:
        return document
    if status == Status.PUBLISHED:
        return document_publish(document=document, user=user, stamp_date=stamp_date)
    return document_unpublish(document=document, user=user)


def document_save_new(*, document, status, user=None, topics=(), states=()):
    """Validate and save a new document as a draft with its topics and States,
    then give it STATUS through document_status_change (keeping an empty
    publication date empty: the caller gave the dates it knows)."""
    document.status = Status.DRAFT
    document.created_by = document.updated_by = user
    document._history_user = user
    document.full_clean()
    document.save()
    document.topics.set(topics)
    document.states.set(states)
    return document_status_change(document=document, status=status, user=user, stamp_date=False)


def document_save_changes(*, document, user=None, status=None, topics=None, states=None):
    """Validate and save DOCUMENT's changed fields (already set on it), replace
    topics/States when given, and change the status through document_status_change.
    Editors change drafts only (see roles.can_edit); USER None is the system."""
    if user is not None and not can_edit(user, document):
        raise PermissionDenied(_("Only Publishers may change a published document."))
    document.updated_by = user
    document._history_user = user
    document.full_clean(exclude=["status"])
    document.save()
    if topics is not None:
        document.topics.set(topics)
    if states is not None:
        document.states.set(states)
    if status is not None:
        document_status_change(document=document, status=status, user=user, stamp_date=False)
    return document


def attachment_extract_text(*, attachment_pk, force=False):
    """Read the text of an attached file into its pages, record how it went
    (text_status, page_count, text_error) and update the document's search
    entry. Returns the attachment, or None when it no longer exists or (unless
    FORCE) its text was read already.

    The slow part, reading the file, happens outside any transaction; the
    result is stored only if the file is still the one that was read."""
    from .extraction import ExtractedText, extract_text
    from .models import AttachmentPage, TextStatus
    from .search_index import search_index_update

    attachment = Attachment.objects.filter(pk=attachment_pk).first()
    if attachment is None or (not force and attachment.text_status != TextStatus.PENDING):
        return None
    max_bytes = settings.TEXT_EXTRACTION_MAX_BYTES
    if attachment.size > max_bytes:
        result = ExtractedText(status=TextStatus.NO_TEXT, error="The file is too large to read its text.")
    else:
        try:
            with attachment.file.open("rb") as stored:
                data = stored.read(max_bytes + 1)
        except OSError as error:
            result = ExtractedText(status=TextStatus.FAILED, error=f"The stored file cannot be read: {error}"[:300])
        else:
            result = extract_text(data, attachment.content_type)
    with transaction.atomic():
        current = Attachment.objects.select_for_update().filter(pk=attachment_pk, sha256=attachment.sha256).first()
        if current is None:
            return None
        AttachmentPage.objects.filter(attachment=current).delete()
        AttachmentPage.objects.bulk_create(
            [
                AttachmentPage(attachment=current, number=number, text=text)
                for number, text in enumerate(result.pages, start=1)
            ],
            batch_size=500,
        )
        current.text_status = result.status
        current.page_count = result.page_count
        current.text_error = result.error
        # update(), not save(): the receivers of a saved file would queue it again.
        Attachment.objects.filter(pk=current.pk).update(
            text_status=current.text_status, page_count=current.page_count, text_error=current.text_error
        )
        search_index_update(current.document_id, with_files=True)
    return current


def attachments_queue_text_extraction(*, attachments):
    """Read the text of ATTACHMENTS again (the admin's "Re-extract text")."""
    from .models import TextStatus
    from .search_index import queue_text_extraction

    pks = list(attachments.values_list("pk", flat=True))
    with transaction.atomic():
        Attachment.objects.filter(pk__in=pks).update(text_status=TextStatus.PENDING, page_count=None, text_error="")
        for pk in pks:
            queue_text_extraction(pk)
    return len(pks)

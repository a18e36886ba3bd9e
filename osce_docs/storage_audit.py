"""Comparing the attached-file rows with the stored bytes: rows whose file is
missing or changed, and stored files no row owns (used by check_files and
backup)."""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Attachment

# Folders in the storage that hold no attached files.
IGNORED_FOLDERS = (".healthz",)
ATTACHMENT_FOLDER = "attachments"


def stored_names(storage=default_storage, folder=ATTACHMENT_FOLDER):
    """Every file name under FOLDER in STORAGE, recursively."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{folder}/{name}"
    for sub in folders:
        if sub not in IGNORED_FOLDERS:
            yield from stored_names(storage, f"{folder}/{sub}")


def sha256_of(fileobj):
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def file_sha256(storage, name):
    with storage.open(name, "rb") as stored:
        return sha256_of(stored)


@dataclass
class FileReport:
    missing: list = field(default_factory=list)  # attachments whose bytes are gone
    changed: list = field(default_factory=list)  # attachments whose bytes no longer match their SHA-256
    orphans: list = field(default_factory=list)  # stored names no row owns
    young_orphans: list = field(default_factory=list)  # the same, but perhaps an upload in progress
    checked: int = 0

    @property
    def healthy(self):
        return not (self.missing or self.changed or self.orphans)


def check_stored_files(*, storage=default_storage, verify_checksums=True, orphan_min_age=timedelta(hours=1)):
    report = FileReport()
    owned = set()
    for attachment in Attachment.objects.order_by("pk").iterator():
        report.checked += 1
        name = attachment.file.name
        owned.add(name)
        if not name or not storage.exists(name):
            report.missing.append(attachment)
        elif verify_checksums and file_sha256(storage, name) != attachment.sha256:
            report.changed.append(attachment)
    cutoff = timezone.now() - orphan_min_age
    for name in stored_names(storage):
        if name in owned:
            continue
        if storage.get_modified_time(name) > cutoff:
            report.young_orphans.append(name)
        else:
            report.orphans.append(name)
    return report

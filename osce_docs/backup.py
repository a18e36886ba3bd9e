"""Backup and restore of the whole library: the database (every table our
apps and Django's auth and admin own, with natural keys so that it loads
into any freshly migrated site) and the attached files' bytes, checked
against their SHA-256 on the way in."""

import json
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from .models import Attachment
from .storage_audit import file_sha256, sha256_of

DATA_FILE = "data.json"
MANIFEST_FILE = "files.json"
MEDIA_FOLDER = "media"
# Transient or rebuilt by migrate: never restored from a backup. The counts
# are kept by database triggers as the documents and their links load.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "admin.logentry",
    "osce_docs.DocumentCount",
    "osce_docs.StateDocumentCount",
    "osce_docs.TopicDocumentCount",
    "osce_docs.RecommendationCount",
    # Rewritten by triggers whenever content changes; a restore changes it anyway.
    "osce_docs.ContentVersion",
]


class BackupError(Exception):
    pass


def backup_create(*, folder):
    """Write the database and the attached files into FOLDER (new or empty).
    Returns the number of files copied."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder.")
    (folder / MEDIA_FOLDER).mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            output=str(folder / DATA_FILE),
            verbosity=0,
        )
        attachments = list(Attachment.objects.values_list("file", "sha256"))
    manifest = {}
    for name, sha256 in attachments:
        target = folder / MEDIA_FOLDER / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as stored, open(target, "wb") as copy:
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                copy.write(chunk)
        manifest[name] = sha256
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return len(manifest)


def _verified_files(folder):
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    for name, sha256 in manifest.items():
        path = (folder / MEDIA_FOLDER / name).resolve()
        if not path.is_relative_to((folder / MEDIA_FOLDER).resolve()):
            raise BackupError(f"{name}: a file name outside the backup's media folder.")
        if not path.is_file():
            raise BackupError(f"{name} is listed but missing from the backup.")
        with open(path, "rb") as copy:
            if sha256_of(copy) != sha256:
                raise BackupError(f"{name} does not match its SHA-256: the backup is damaged.")
        yield name, sha256, path


def backup_restore(*, folder):
    """Replace this site's database with FOLDER's and put its files back.
    Files first (checked against the manifest), so that no restored row
    points to a missing file. Returns the number of files restored."""
    folder = Path(folder)
    if not (folder / DATA_FILE).is_file() or not (folder / MANIFEST_FILE).is_file():
        raise BackupError(f"{folder} is not a backup made by manage.py backup.")
    files = list(_verified_files(folder))
    for name, sha256, path in files:
        if default_storage.exists(name):
            if file_sha256(default_storage, name) == sha256:
                continue
            default_storage.delete(name)
        with open(path, "rb") as copy:
            saved = default_storage.save(name, File(copy))
        if saved != name:
            raise BackupError(f"The storage stored {name} as {saved}.")
    with transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(folder / DATA_FILE), verbosity=0)
    return len(files)

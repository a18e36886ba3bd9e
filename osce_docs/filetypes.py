"""What an uploaded file really is, judged by its content, never by its name.

Only document formats are accepted: PDF, Word, OpenDocument, spreadsheets,
presentations and plain text. HTML, SVG, scripts and executables are refused
whatever they are called, and archives (every Office and OpenDocument file is
a ZIP) are refused when they would unpack into something huge.
"""

import hashlib
import zipfile
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLS = "application/vnd.ms-excel"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPT = "application/vnd.ms-powerpoint"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
TEXT = "text/plain"
CSV = "text/csv"

ALLOWED_TYPES = {
    PDF: (".pdf", "PDF"),
    DOC: (".doc", "Word"),
    DOCX: (".docx", "Word"),
    XLS: (".xls", "Excel"),
    XLSX: (".xlsx", "Excel"),
    PPT: (".ppt", "PowerPoint"),
    PPTX: (".pptx", "PowerPoint"),
    ODT: (".odt", "OpenDocument text"),
    ODS: (".ods", "OpenDocument spreadsheet"),
    ODP: (".odp", "OpenDocument presentation"),
    TEXT: (".txt", "Text"),
    CSV: (".csv", "CSV"),
}

# OOXML parts that tell the three Office formats apart.
_OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}

# An archive unpacking to more than this, or compressing better than this
# ratio, is a "zip bomb" rather than a document.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ARCHIVE_MEMBERS = 10_000

_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def extension_for(content_type):
    return ALLOWED_TYPES.get(content_type, (".bin", ""))[0]


def format_label(content_type):
    return ALLOWED_TYPES.get(content_type, ("", content_type))[1]


def _detect_zip_document(fileobj):
    """The OOXML or OpenDocument type of a ZIP, after refusing bombs."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("The file looks like an archive but cannot be opened: it may be damaged."))
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise ValidationError(_("The archive holds too many parts to be a document."))
        unpacked = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members) or 1
        if unpacked > MAX_UNPACKED_BYTES or (unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_COMPRESSION_RATIO):
            raise ValidationError(_("The archive would unpack into far more data than a document holds."))
        names = {member.filename for member in members}
        if "mimetype" in names:
            declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
            if declared in (ODT, ODS, ODP):
                return declared
        if "[Content_Types].xml" in names:
            for part, content_type in _OOXML_MAIN_PARTS.items():
                if part in names:
                    return content_type
    return None


def detect_content_type(fileobj):
    """The MIME type of the file's content (never its name)."""
    fileobj.seek(0)
    head = fileobj.read(_SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip_document(fileobj) or "application/zip"
    detected = magic.from_buffer(head, mime=True)
    if detected == TEXT and b"\x00" in head:
        return "application/octet-stream"
    return detected


def check_upload(fileobj, *, max_bytes=None):
    """Validate an upload against the size limit and the allowlist; returns
    its content type, size and SHA-256. Raises ValidationError saying why."""
    max_bytes = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(
                _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(max_bytes)}
            )
        digest.update(chunk)
    if size == 0:
        raise ValidationError(_("The file is empty."))
    content_type = detect_content_type(fileobj)
    fileobj.seek(0)
    if content_type not in ALLOWED_TYPES:
        allowed = ", ".join(sorted({label for _ext, label in ALLOWED_TYPES.values()}))
        raise ValidationError(
            _("Files of this type (%(type)s) are not accepted. Accepted: %(allowed)s.")
            % {"type": content_type, "allowed": allowed}
        )
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())


def clean_original_name(name, *, max_length=200):
    """The uploaded name as data: no folders, no control characters, not
    over-long (the extension is kept when shortening)."""
    import os
    import unicodedata

    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > max_length:
        stem, ext = os.path.splitext(name)
        ext = ext[:16]
        name = stem[: max_length - len(ext)] + ext
    return name or "file"

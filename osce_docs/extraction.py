"""Reading the text out of attached files, page by page where the format has
pages (PDF), in sections of a few thousand characters where it has none
(Word, OpenDocument, plain text).

Pure functions of the file's bytes: nothing here touches the database (the
service `attachment_extract_text` stores what they return). A file whose text
cannot be read is never an error for the caller: the result says why
(no text layer, encrypted, damaged, a format without text)."""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import filetypes

logger = logging.getLogger(__name__)

# Files without pages are cut into sections of about this many characters, so
# that a snippet can still point at a part of a long text.
SECTION_CHARS = 4000
# No page keeps more than this (a "page" of a broken PDF can be megabytes of
# garbage), nor a file more than this in all.
MAX_PAGE_CHARS = 50_000
MAX_FILE_CHARS = 5_000_000
# Word and OpenDocument files are archives: their main part is read only when
# it unpacks to less than this.
MAX_XML_BYTES = 100 * 1024 * 1024

# Control characters (a NUL byte cannot even be stored in PostgreSQL), and the
# private-use characters search uses to mark matches in snippets.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass
class ExtractedText:
    """What extraction found: the pages' text (empty when none), and when
    there is none the status to record and why."""

    pages: list = field(default_factory=list)
    # Pages of a paged format (PDF), also when none of them holds text.
    page_count: int | None = None
    status: str = "extracted"
    error: str = ""


class ExtractionProblem(Exception):
    """The file's text cannot be read; the message says why, for staff."""

    def __init__(self, message, status="failed", page_count=None):
        super().__init__(message)
        self.status = status
        self.page_count = page_count


def clean_text(text):
    text = _UNWANTED.sub(" ", text or "")
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _sections(text):
    """Cut a long text into sections at paragraph or word boundaries."""
    text = clean_text(text)[:MAX_FILE_CHARS]
    sections = []
    while text:
        if len(text) <= SECTION_CHARS:
            sections.append(text)
            break
        cut = text.rfind("\n", SECTION_CHARS // 2, SECTION_CHARS)
        if cut == -1:
            cut = text.rfind(" ", SECTION_CHARS // 2, SECTION_CHARS)
        if cut == -1:
            cut = SECTION_CHARS
        sections.append(text[:cut].strip())
        text = text[cut:].strip()
    return [section for section in sections if section]


def _extract_pdf(data):
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty password only to restrict printing.
            try:
                if not reader.decrypt(""):
                    raise ExtractionProblem(_("The PDF is encrypted with a password."))
            except (FileNotDecryptedError, NotImplementedError) as error:
                raise ExtractionProblem(_("The PDF is encrypted: %(reason)s") % {"reason": error}) from None
        pages, total = [], 0
        for page in reader.pages:
            text = clean_text(page.extract_text() or "")[:MAX_PAGE_CHARS]
            total += len(text)
            if total > MAX_FILE_CHARS:
                text = ""
            pages.append(text)
    except ExtractionProblem:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError) as error:
        raise ExtractionProblem(_("The PDF is damaged and cannot be read (%(reason)s).") % {"reason": error}) from None
    if not any(pages):
        raise ExtractionProblem(
            _("The PDF has no text layer (scanned pages?): %(count)d page(s) of images only.") % {"count": len(pages)},
            status="no_text",
            page_count=len(pages),
        )
    return ExtractedText(pages=pages, page_count=len(pages))


def _check_archive(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractionProblem(_("The file is damaged: it is not a readable archive.")) from None
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_XML_BYTES:
        raise ExtractionProblem(_("The file would unpack into too much data to read its text."))
    return archive


def _extract_docx(data):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ExtractionProblem(_("The Word file is damaged (%(reason)s).") % {"reason": error}) from None
    except Exception as error:  # lxml raises its own XMLSyntaxError for broken parts
        raise ExtractionProblem(_("The Word file is damaged (%(reason)s).") % {"reason": error}) from None
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return _text_result("\n".join(parts))


def _extract_odt(data):
    from odf import teletype
    from odf.opendocument import load

    _check_archive(data)
    try:
        document = load(io.BytesIO(data))
    except Exception as error:  # odfpy surfaces XML and archive errors of every kind
        raise ExtractionProblem(_("The OpenDocument file is damaged (%(reason)s).") % {"reason": error}) from None
    # Top-level blocks in document order; extractText reads nested ones.
    parts = [
        teletype.extractText(element)
        for element in document.text.childNodes
        if element.qname[1] in {"h", "p", "list", "table", "section"}
    ]
    return _text_result("\n".join(parts))


def _decode(data):
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    # Not UTF-8: Western European text is the most likely; never fails.
    return data.decode("cp1252", errors="replace")


def _extract_plain(data):
    return _text_result(_decode(data))


def _text_result(text):
    sections = _sections(text)
    if not sections:
        raise ExtractionProblem(_("The file contains no text."), status="no_text")
    return ExtractedText(pages=sections)


EXTRACTORS = {
    filetypes.PDF: _extract_pdf,
    filetypes.DOCX: _extract_docx,
    filetypes.ODT: _extract_odt,
    filetypes.TEXT: _extract_plain,
    filetypes.CSV: _extract_plain,
}


def can_extract(content_type):
    return content_type in EXTRACTORS


def extract_text(data, content_type):
    """The text of a file's bytes (see ExtractedText); never raises for a bad file."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        label = filetypes.format_label(content_type) or content_type
        return ExtractedText(
            status="no_text", error=_("Text is not read from %(format)s files.") % {"format": label}
        )
    try:
        return extractor(data)
    except ExtractionProblem as problem:
        return ExtractedText(status=problem.status, error=str(problem)[:300], page_count=problem.page_count)
    except RecursionError:
        return ExtractedText(status="failed", error=_("The file is damaged: its structure loops."))
    except Exception as error:  # a reader library's own bug must not stop the upload
        logger.exception("Text extraction failed for a %s file", content_type)
        return ExtractedText(status="failed", error=(_("The file could not be read: %(reason)s") % {"reason": error})[:300])

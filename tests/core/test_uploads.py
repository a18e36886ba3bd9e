"""Uploads are checked before anything is stored: the size limit while the
request is read, the type by content, generated storage names, and the
original name kept only as cleaned data."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from osce_docs import services
from osce_docs.filetypes import DOCX, ODT, PDF, TEXT, check_upload, clean_original_name
from osce_docs.models import Attachment
from osce_docs.uploads import SizeLimitUploadHandler
from tests import files
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class FakeRequest:
    pass


def test_an_oversized_upload_is_never_read_whole(settings):
    settings.ATTACHMENT_MAX_BYTES = 100_000
    body = encode_multipart(BOUNDARY, {"file": files.upload("big.pdf", b"%PDF-1.4\n" + b"0" * 5_000_000), "after": "x"})
    stream = CountingStream(body)
    request = FakeRequest()
    handlers = [SizeLimitUploadHandler(request)]
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    post, uploaded = MultiPartParser(meta, stream, handlers).parse()
    assert "file" not in uploaded
    assert request.refused_upload == "big.pdf"
    # Read no further than the limit plus one of the parser's chunks (64 KB).
    assert stream.bytes_read < settings.ATTACHMENT_MAX_BYTES + 2 * 65_536
    assert stream.bytes_read < len(body) / 10


def test_an_upload_within_the_limit_reaches_the_next_handler(settings):
    settings.ATTACHMENT_MAX_BYTES = 100_000
    from django.core.files.uploadhandler import MemoryFileUploadHandler

    content = files.pdf_bytes()
    body = encode_multipart(BOUNDARY, {"file": files.upload("small.pdf", content)})
    request = FakeRequest()
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    _post, uploaded = MultiPartParser(
        meta, io.BytesIO(body), [SizeLimitUploadHandler(request), MemoryFileUploadHandler(request)]
    ).parse()
    assert uploaded["file"].read() == content
    assert not hasattr(request, "refused_upload")


def test_the_admin_says_why_an_oversized_upload_was_refused(staff_client, settings):
    settings.ATTACHMENT_MAX_BYTES = 50_000
    decision = DecisionFactory()
    url = reverse("admin:osce_docs_attachment_add")
    response = staff_client.post(
        url,
        {"document": decision.pk, "file": files.upload("huge.pdf", b"%PDF-1.4\n" + b"0" * 400_000), "kind": "annex"},
        follow=True,
    )
    assert "The file huge.pdf is larger than the limit" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not (settings.MEDIA_ROOT / "attachments").exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", HTML),
        ("diagram.svg", SVG),
        ("diagram.pdf", SVG),
        ("tool.pdf", ELF_EXECUTABLE),
        ("setup.docx", WINDOWS_EXECUTABLE),
        ("notes.txt", b"#!/bin/sh\nrm -rf /\n"),
    ],
    ids=["renamed-html", "svg", "renamed-svg", "elf-executable", "windows-executable", "shell-script"],
)
def test_dangerous_content_is_refused_whatever_its_name(name, content):
    with pytest.raises(ValidationError) as error:
        check_upload(files.upload(name, content))
    assert "are not accepted" in error.value.messages[0]


def test_an_archive_that_would_unpack_into_far_more_than_a_document_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(files.upload("bomb.docx", files.zip_bomb_bytes(unpacked_mb=20)))
    assert "unpack" in error.value.messages[0]


def test_a_plain_zip_is_not_a_document():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError):
        check_upload(files.upload("archive.docx", buffer.getvalue()))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(files.upload("empty.pdf", b""))
    assert "empty" in error.value.messages[0]


@pytest.mark.parametrize(
    "content, expected",
    [
        (files.pdf_bytes(), PDF),
        (files.docx_bytes(), DOCX),
        (files.odt_bytes(), ODT),
        ("Разговорный текст, plain text.\n".encode(), TEXT),
    ],
    ids=["pdf", "docx", "odt", "text"],
)
def test_documents_are_accepted_by_their_content_even_when_misnamed(content, expected):
    assert check_upload(files.upload("no-extension", content)).content_type == expected


def test_a_stored_file_gets_a_generated_name_and_keeps_the_cleaned_original_as_data():
    attachment = services.attachment_create(
        document=DecisionFactory(),
        uploaded_file=files.pdf_upload("../../etc/passwd\u202egpj.pdf"),
        kind="full_text",
        language="en",
    )
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.name.endswith(".pdf")
    assert "passwd" not in attachment.file.name
    assert attachment.original_name == "passwdgpj.pdf"


@pytest.mark.parametrize(
    "uploaded, cleaned",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\officer\\Desktop\\report.pdf", "report.pdf"),
        ("/var/www/report.pdf", "report.pdf"),
        ("report\x00.pdf", "report.pdf"),
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u200bzero\u200dwidth.pdf", "zerowidth.pdf"),
        ("..", "file"),
        (".htaccess", "htaccess"),
        ("", "file"),
        ("Доклад по Италии.pdf", "Доклад по Италии.pdf"),
    ],
)
def test_original_names_are_cleaned(uploaded, cleaned):
    assert clean_original_name(uploaded) == cleaned


def test_over_long_original_names_are_shortened_keeping_the_extension():
    cleaned = clean_original_name("a" * 5000 + ".pdf")
    assert len(cleaned) == 200
    assert cleaned.endswith(".pdf")


def test_the_admin_import_page_says_why_an_oversized_upload_was_refused(staff_client, settings):
    settings.ATTACHMENT_MAX_BYTES = 50_000
    response = staff_client.post(
        reverse("admin:decisions_decision_import"),
        {"csv_file": files.upload("data.csv", b"symbol,title\n" * 10), "files_zip": files.upload("files.zip", b"PK" + b"0" * 200_000)},
        follow=True,
    )
    assert "The file files.zip is larger than the limit" in response.content.decode()
    assert not (settings.MEDIA_ROOT / "import-uploads").exists()

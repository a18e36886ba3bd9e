"""Text extraction from real generated files: pages, languages, and the files
whose text cannot be read (which are still accepted)."""

from unittest import mock

import pytest

from osce_docs import search_index, services
from osce_docs.extraction import extract_text
from osce_docs.filetypes import DOCX, ODT, PDF, TEXT
from osce_docs.models import Attachment, AttachmentPage, TextStatus
from tests import files
from tests.factories import AttachmentFactory, DecisionFactory


def test_pdf_text_is_read_page_by_page_including_cyrillic():
    result = extract_text(files.pdf_bytes(["Trafficked persons, first page", "Торговля людьми на второй странице"]), PDF)
    assert result.status == TextStatus.EXTRACTED
    assert result.page_count == 2
    assert "Trafficked persons" in result.pages[0]
    assert "Торговля людьми" in result.pages[1]


def test_docx_paragraphs_are_read():
    result = extract_text(files.docx_bytes(["Domestic servitude", "Second paragraph"]), DOCX)
    assert result.status == TextStatus.EXTRACTED
    assert result.page_count is None
    assert result.pages == ["Domestic servitude\nSecond paragraph"]


def test_odt_paragraphs_are_read():
    result = extract_text(files.odt_bytes(["Traite des êtres humains", "Deuxième paragraphe"]), ODT)
    assert result.pages == ["Traite des êtres humains\nDeuxième paragraphe"]


def test_long_plain_text_is_cut_into_sections():
    text = ("Labour exploitation in supply chains. " * 400).encode()
    result = extract_text(text, TEXT)
    assert len(result.pages) > 2
    assert all(len(section) <= 4000 for section in result.pages)


def test_pdf_without_text_layer_says_so_and_counts_its_pages():
    result = extract_text(files.pdf_bytes(["one", "two", "three"], with_text=False), PDF)
    assert result.status == TextStatus.NO_TEXT
    assert result.page_count == 3
    assert "no text layer" in result.error


def test_damaged_pdf_says_it_is_damaged():
    result = extract_text(files.pdf_bytes(["Some text"])[:400], PDF)
    assert result.status == TextStatus.FAILED
    assert "damaged" in result.error


def test_encrypted_pdf_says_it_is_encrypted():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Confidential")
    result = extract_text(bytes(pdf.output()), PDF)
    assert result.status == TextStatus.FAILED
    assert "encrypted" in result.error


def test_damaged_word_file_says_it_is_damaged():
    result = extract_text(b"PK\x03\x04 not really an archive", DOCX)
    assert result.status == TextStatus.FAILED
    assert "damaged" in result.error


def test_nul_bytes_and_control_characters_never_reach_the_database():
    result = extract_text("Trafficking\x00 in\x07 persons".encode(), TEXT)
    assert result.pages == ["Trafficking in persons"]


def test_formats_without_text_are_recorded_not_refused():
    result = extract_text(b"whatever", "application/vnd.ms-excel")
    assert result.status == TextStatus.NO_TEXT
    assert "Excel" in result.error


@pytest.mark.django_db
def test_uploading_a_file_stores_its_pages_once_committed(django_capture_on_commit_callbacks):
    document = DecisionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_create(
            document=document,
            uploaded_file=files.pdf_upload("plan.pdf", ["First page", "Second page", "Third page"]),
            kind="full_text",
            language="en",
        )
    attachment.refresh_from_db()
    assert attachment.text_status == TextStatus.EXTRACTED
    assert attachment.page_count == 3
    assert list(attachment.pages.values_list("number", "text")) == [
        (1, "First page"),
        (2, "Second page"),
        (3, "Third page"),
    ]


@pytest.mark.django_db
def test_a_stored_file_is_queued_for_extraction_once(django_capture_on_commit_callbacks):
    document = DecisionFactory()
    with mock.patch.object(
        search_index, "queue_text_extraction", wraps=search_index.queue_text_extraction
    ) as queue, django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_create(
            document=document, uploaded_file=files.pdf_upload(), kind="full_text", language="en"
        )
    queue.assert_called_once_with(attachment.pk)


@pytest.mark.django_db
def test_a_scanned_pdf_is_accepted_and_the_reason_recorded(django_capture_on_commit_callbacks):
    document = DecisionFactory()
    upload = files.upload("scan.pdf", files.pdf_bytes(["x", "y"], with_text=False), "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_create(document=document, uploaded_file=upload, kind="full_text", language="en")
    attachment.refresh_from_db()
    assert attachment.text_status == TextStatus.NO_TEXT
    assert attachment.page_count == 2
    assert "scanned" in attachment.text_error
    assert not attachment.pages.exists()


@pytest.mark.django_db
def test_extraction_of_a_deleted_file_does_nothing():
    from osce_docs.tasks import extract_attachment_text

    attachment = AttachmentFactory()
    pk = attachment.pk
    attachment.delete()
    result = extract_attachment_text.enqueue(pk)
    assert result.return_value is None
    assert not AttachmentPage.objects.filter(attachment_id=pk).exists()


@pytest.mark.django_db
def test_re_extract_action_reads_the_text_again(staff_client, django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(content=files.pdf_bytes(["Forced labour"]))
    Attachment.objects.filter(pk=attachment.pk).update(text_status=TextStatus.FAILED, text_error="old error")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/osce_docs/attachment/",
            {"action": "reextract_attachment_text", "_selected_action": [attachment.pk]},
            follow=True,
        )
    assert response.status_code == 200
    attachment.refresh_from_db()
    assert attachment.text_status == TextStatus.EXTRACTED
    assert attachment.text_error == ""
    assert list(attachment.pages.values_list("text", flat=True)) == ["Forced labour"]


@pytest.mark.django_db
def test_re_extract_action_on_documents_covers_their_files(staff_client, django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(content=files.pdf_bytes(["Child victims"]))
    Attachment.objects.filter(pk=attachment.pk).update(text_status=TextStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/admin/decisions/decision/",
            {"action": "reextract_document_text", "_selected_action": [attachment.document_id]},
        )
    attachment.refresh_from_db()
    assert attachment.text_status == TextStatus.EXTRACTED


@pytest.mark.django_db
def test_attachment_changelist_shows_each_files_text_status(staff_client):
    attachment = AttachmentFactory()
    Attachment.objects.filter(pk=attachment.pk).update(
        text_status=TextStatus.NO_TEXT, text_error="The PDF has no text layer (scanned pages?)"
    )
    response = staff_client.get("/admin/osce_docs/attachment/")
    assert "no text found" in response.content.decode()
    assert "no text layer" in response.content.decode()

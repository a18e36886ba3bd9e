"""Files: /files/<id>/<original name>, streamed with the headers a download needs."""

import hashlib
from urllib.parse import quote

import pytest

from osce_docs.fileserving import content_disposition
from tests import files
from tests.factories import AttachmentFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content)


def test_a_published_documents_file_comes_back_byte_for_byte_with_its_headers(client):
    content = files.pdf_bytes(["Decision text"])
    attachment = AttachmentFactory(document=DecisionFactory(published=True), content=content, original_name="pc557.pdf")
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    # PDFs open in the browser's viewer (sandboxed); other types download.
    assert response["Content-Disposition"] == 'inline; filename="pc557.pdf"'
    assert response["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_russian_name_is_encoded_per_rfc_6266_with_an_ascii_fallback(client):
    name = "Решение № 557 о торговле людьми.pdf"
    content = files.pdf_bytes(["Решение"])
    attachment = AttachmentFactory(
        document=DecisionFactory(published=True), language="ru", content=content, original_name=name
    )
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert body(response) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="Reshenie No.  557 o torgovle liud')
    assert disposition.endswith(f"; filename*=UTF-8''{quote(name, safe='')}")
    assert disposition.isascii()


def test_a_drafts_file_is_a_404(client):
    attachment = AttachmentFactory(document=DecisionFactory())
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_an_unknown_file_is_a_404(client):
    assert client.get("/files/999999/nothing.pdf").status_code == 404


def test_a_wrong_name_redirects_to_the_files_real_address(client):
    attachment = AttachmentFactory(document=DecisionFactory(published=True), original_name="right-name.pdf")
    response = client.get(f"/files/{attachment.pk}/wrong-name.pdf")
    assert response.status_code == 301
    assert response["Location"] == attachment.get_absolute_url()


def test_a_file_missing_from_storage_is_a_404_not_a_500(client):
    attachment = AttachmentFactory(document=DecisionFactory(published=True))
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_writes_are_refused(client):
    attachment = AttachmentFactory(document=DecisionFactory(published=True))
    assert client.post(attachment.get_absolute_url()).status_code == 405


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plain.pdf", 'attachment; filename="plain.pdf"'),
        ('quote"d.pdf', "attachment; filename=\"quote'd.pdf\"; filename*=UTF-8''quote%22d.pdf"),
        ("Bericht über Menschenhandel.pdf", "attachment; filename=\"Bericht uber Menschenhandel.pdf\"; "
         "filename*=UTF-8''Bericht%20%C3%BCber%20Menschenhandel.pdf"),
    ],
)
def test_content_disposition_quotes_and_encodes_names(name, expected):
    assert content_disposition(name) == expected

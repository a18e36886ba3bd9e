"""Files are served so that they never run in the site's origin, can be
resumed (Range) and revalidated (ETag / Last-Modified), and in production can
be handed to the web server to send."""

import pytest
from django.utils.http import http_date

from tests import files
from tests.factories import AttachmentFactory, DecisionFactory

pytestmark = pytest.mark.django_db

CONTENT = files.pdf_bytes(["A decision of the Permanent Council"] * 3)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def pdf():
    return AttachmentFactory(document=DecisionFactory(published=True), content=CONTENT, original_name="pc557.pdf")


@pytest.fixture
def docx():
    content = files.docx_bytes()
    return AttachmentFactory(
        document=DecisionFactory(published=True),
        content=content,
        original_name="annex.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def test_a_file_can_never_run_in_the_sites_origin(client, docx):
    response = client.get(docx.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_pdf_opens_inline_but_sandboxed(client, pdf):
    response = client.get(pdf.get_absolute_url())
    assert response["Content-Disposition"] == 'inline; filename="pc557.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert body(response) == CONTENT


def test_a_range_request_gets_exactly_those_bytes(client, pdf):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE="bytes=100-299")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-299/{len(CONTENT)}"
    assert response["Content-Length"] == "200"
    assert body(response) == CONTENT[100:300]


def test_an_open_ended_range_resumes_to_the_end(client, pdf):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE="bytes=1000-")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-{len(CONTENT) - 1}/{len(CONTENT)}"
    assert body(response) == CONTENT[1000:]


def test_a_suffix_range_gets_the_last_bytes(client, pdf):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE="bytes=-50")
    assert response.status_code == 206
    assert body(response) == CONTENT[-50:]


def test_a_range_past_the_end_is_clipped(client, pdf):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE=f"bytes=10-{len(CONTENT) * 2}")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-{len(CONTENT) - 1}/{len(CONTENT)}"
    assert body(response) == CONTENT[10:]


def test_a_range_starting_past_the_end_is_unsatisfiable(client, pdf):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE=f"bytes={len(CONTENT)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=0-10,20-30", "lines=1-2", "bytes=50-10", "bytes=-"])
def test_a_range_we_do_not_serve_gets_the_whole_file(client, pdf, header):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == CONTENT


def test_a_range_for_a_changed_file_gets_the_whole_new_file(client, pdf):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"an-old-etag"')
    assert response.status_code == 200
    assert body(response) == CONTENT


def test_a_range_for_the_same_file_is_honoured(client, pdf):
    response = client.get(pdf.get_absolute_url(), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{pdf.sha256}"')
    assert response.status_code == 206


def test_an_unchanged_file_is_not_sent_again(client, pdf):
    first = client.get(pdf.get_absolute_url())
    again = client.get(pdf.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(pdf.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_changed_file_is_sent_in_full(client, pdf):
    response = client.get(
        pdf.get_absolute_url(),
        HTTP_IF_NONE_MATCH='"0000"',
        HTTP_IF_MODIFIED_SINCE=http_date(pdf.uploaded_at.timestamp() - 3600),
    )
    assert response.status_code == 200
    assert body(response) == CONTENT


def test_head_gives_the_headers_without_the_bytes(client, pdf):
    response = client.head(pdf.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(CONTENT))
    assert response.content == b""


def test_nginx_sends_the_bytes_when_configured(client, pdf, settings):
    settings.FILES_ACCEL_REDIRECT = "nginx"
    response = client.get(pdf.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-media/{pdf.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"


def test_apache_sends_the_bytes_when_configured(client, pdf, settings):
    settings.FILES_ACCEL_REDIRECT = "sendfile"
    response = client.get(pdf.get_absolute_url())
    assert response["X-Sendfile"] == pdf.file.path
    assert response.content == b""


def test_a_drafts_file_is_not_handed_to_the_web_server(client, settings):
    settings.FILES_ACCEL_REDIRECT = "nginx"
    attachment = AttachmentFactory(document=DecisionFactory())
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_a_file_missing_from_storage_is_a_404(client, pdf):
    pdf.file.storage.delete(pdf.file.name)
    assert client.get(pdf.get_absolute_url()).status_code == 404

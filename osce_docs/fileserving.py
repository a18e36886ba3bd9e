"""Sending an attached file's bytes safely: a file can never run in the
site's origin (nosniff, a sandboxing Content-Security-Policy, downloaded
rather than shown unless it is a PDF), large files can be resumed (Range,
206/416), unchanged files are not sent again (ETag / Last-Modified, 304), and
in production the web server can send the bytes itself while Django only
decides whether the file is public (FILES_ACCEL_REDIRECT)."""

import re
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from unidecode import unidecode

from .filetypes import PDF

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_disposition(filename, *, as_attachment=True):
    """RFC 6266: an ASCII `filename` for old clients and the exact name as
    RFC 5987 `filename*` (UTF-8, percent-encoded) for everyone else."""
    fallback = unidecode(filename).replace("\\", "_").replace('"', "'").strip() or "file"
    fallback = "".join(ch if 32 <= ord(ch) < 127 else "_" for ch in fallback)
    disposition = "attachment" if as_attachment else "inline"
    value = f'{disposition}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def requested_range(request, size, etag, last_modified):
    """(start, end) inclusive for a single satisfiable byte range; None to
    send the whole file (no Range, one we do not serve, or an If-Range that
    no longer matches); "unsatisfiable" when it starts past the end."""
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None  # absent, malformed or several ranges: the whole file
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag and parse_http_date_safe(if_range) != last_modified:
        return None
    first, last = match.groups()
    if first == "":
        # "bytes=-N": the last N bytes.
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None
    return start, end


def _stream(fieldfile, start, length):
    with fieldfile.open("rb") as stored:
        stored.seek(start)
        remaining = length
        while remaining > 0:
            chunk = stored.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def _accelerated(attachment):
    """A body-less answer telling nginx or Apache which file to send."""
    response = HttpResponse()
    mode = settings.FILES_ACCEL_REDIRECT
    if mode == "nginx":
        response["X-Accel-Redirect"] = settings.FILES_ACCEL_PREFIX + quote(attachment.file.name)
    elif mode == "sendfile":
        response["X-Sendfile"] = attachment.file.path
    # The web server sets the length and answers Range requests itself.
    del response["Content-Type"]
    return response


def serve_attachment(request, attachment):
    """The response for a public ATTACHMENT (the caller checked it is public)."""
    etag = f'"{attachment.sha256}"'
    last_modified = int(attachment.uploaded_at.timestamp())
    headers = {
        "Content-Type": attachment.content_type,
        "Content-Disposition": content_disposition(
            attachment.original_name, as_attachment=attachment.content_type != PDF
        ),
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Accept-Ranges": "bytes",
        # Revalidated every time, so a withdrawn document's file stops at once.
        "Cache-Control": "public, no-cache",
        "X-Content-Type-Options": "nosniff",
        # Even if a browser shows it, the file runs no script and has no origin.
        "Content-Security-Policy": "sandbox",
    }

    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        for name in ("ETag", "Last-Modified", "Cache-Control", "X-Content-Type-Options", "Content-Security-Policy"):
            not_modified[name] = headers[name]
        return not_modified

    if settings.FILES_ACCEL_REDIRECT:
        response = _accelerated(attachment)
        for name, value in headers.items():
            if name != "Accept-Ranges":
                response[name] = value
        return response

    size = attachment.file.size
    byte_range = requested_range(request, size, etag, last_modified)
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    start, end = byte_range or (0, size - 1)
    length = end - start + 1 if size else 0
    if request.method == "HEAD":
        response = HttpResponse(status=206 if byte_range else 200)
    else:
        response = StreamingHttpResponse(_stream(attachment.file, start, length), status=206 if byte_range else 200)
    for name, value in headers.items():
        response[name] = value
    response["Content-Length"] = str(length)
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response

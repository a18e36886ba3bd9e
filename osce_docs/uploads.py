"""The size limit for uploads, enforced while the request is read: a file
larger than ATTACHMENT_MAX_BYTES is never read whole, stored or checked."""

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts each file's bytes as they arrive
    and stops reading the request as soon as one file passes the limit. The
    request then says which file was refused (``request.refused_upload``)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.ATTACHMENT_MAX_BYTES:
            self.request.refused_upload = self.file_name
            # Stop here: the rest of the body is not read at all.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        # The next handler (memory or temporary file) builds the file.
        return None


def refused_upload_message(request):
    """The reason to show when this request's upload was cut off, else None."""
    name = getattr(request, "refused_upload", None)
    if name is None:
        return None
    return _("The file %(name)s is larger than the limit of %(limit)s: it was not uploaded.") % {
        "name": name,
        "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }


def redirect_if_upload_refused(request):
    """For a form view: when an upload was cut off, the rest of the form was
    not read either, so show the form again with the reason."""
    if request.method != "POST":
        return None
    request.POST  # reading the body is what runs the upload handlers
    message = refused_upload_message(request)
    if message is None:
        return None
    messages.error(request, message)
    return HttpResponseRedirect(request.get_full_path())

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .filetypes import check_upload, clean_original_name
from .models import Attachment, TextStatus


class AttachmentForm(forms.ModelForm):
    """An attached file: the upload is checked by its content and its
    checksum, size and type recorded before anything is stored."""

    class Meta:
        model = Attachment
        fields = ["file", "kind", "language", "is_original"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Only a new upload needs checking; an unchanged file was checked before.
        if upload and "file" in self.changed_data:
            self.checked_upload = check_upload(upload)
        elif upload and self.instance.pk and not upload.storage.exists(upload.name):
            # Restoring an old version whose bytes were replaced or deleted since.
            raise ValidationError(
                _("The bytes of this version of the file are no longer stored: upload the file again.")
            )
        return upload

    def save(self, commit=True):
        checked = getattr(self, "checked_upload", None)
        if checked:
            upload = self.cleaned_data["file"]
            self.instance.content_type = checked.content_type
            self.instance.size = checked.size
            self.instance.sha256 = checked.sha256
            self.instance.original_name = clean_original_name(upload.name)
            # New bytes: their text is read again (see osce_docs/search_index.py).
            self.instance.text_status = TextStatus.PENDING
            self.instance.page_count = None
            self.instance.text_error = ""
        return super().save(commit=commit)


class AttachmentInlineFormSet(forms.BaseInlineFormSet):
    """Catches clashes between the rows of one form (two English full texts,
    two originals of one kind) before the database would."""

    def clean(self):
        # Before Django's own unique check, whose generic message would hide this clearer one.
        self.check_versions()
        super().clean()

    def check_versions(self):
        seen_versions, seen_originals = set(), set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            kind, language = form.cleaned_data.get("kind"), form.cleaned_data.get("language")
            if (kind, language) in seen_versions:
                raise ValidationError(
                    _("Two files have the same kind and language (%(kind)s, %(language)s): keep one.")
                    % {"kind": kind, "language": language}
                )
            seen_versions.add((kind, language))
            if form.cleaned_data.get("is_original"):
                if kind in seen_originals:
                    raise ValidationError(_("Only one language version of each kind can be the original."))
                seen_originals.add(kind)


class DocumentImportForm(forms.Form):
    """A CSV to import and, optionally, a ZIP of the files its rows name."""

    csv_file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, with the header row the import documentation lists.")
    )
    files_zip = forms.FileField(
        label=_("ZIP of the files"),
        required=False,
        help_text=_("Only when the CSV's files column names files: paths in the CSV are paths inside the ZIP."),
    )

    def clean_csv_file(self):
        from .importing import MAX_CSV_BYTES

        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The CSV is larger than 20 MB; split it into several files."))
        return upload

    def clean_files_zip(self):
        import zipfile

        upload = self.cleaned_data.get("files_zip")
        if upload and not zipfile.is_zipfile(upload):
            raise ValidationError(_("This is not a ZIP archive."))
        if upload:
            upload.seek(0)
        return upload

import secrets
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import F, Func, OuterRef, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_lists import (
    ActionCheckboxMixin,
    FullTextSearchMixin,
    WindowedChangeListMixin,
    kept_document_total,
    year_filter,
)
from .filetypes import ALLOWED_TYPES
from .forms import AttachmentForm, AttachmentInlineFormSet, DocumentImportForm
from .history import record_version
from .importing import ImportFailed, NoFiles, ZipFiles
from .languages import language_name
from .models import (
    Attachment,
    Document,
    DocumentRelation,
    SpecialRepresentative,
    State,
    Status,
    Topic,
)
from .roles import can_edit, can_publish
from .uploads import redirect_if_upload_refused


class EditorRulesMixin:
    """Editors change drafts only: a published document, and every part of
    it, is read-only (and cannot be deleted) for whoever may not publish.
    ``governing_document`` names the document an object belongs to."""

    def governing_document(self, obj):
        return obj

    def is_locked(self, request, obj):
        return obj is not None and not can_edit(request.user, self.governing_document(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_locked(request, obj)

    def has_publish_permission(self, request):
        return can_publish(request.user)


class HistoryAdmin(SimpleHistoryAdmin):
    """The "History" page of a record: every version, who and when, what
    changed field by field; a version can be viewed and restored."""

    object_history_list_template = "admin/osce_docs/object_history_list.html"


class DocumentPartAdmin(ActionCheckboxMixin, WindowedChangeListMixin, EditorRulesMixin, HistoryAdmin):
    """A part of a document edited on its own page (a recommendation, a
    relation …). DOCUMENT_PATH leads from the part to its document, e.g.
    "report" or "recommendation.report"; editors may pick drafts only.
    Listed latest first: the key's index gives that order, where the
    models' own (a follow-up's date) would sort every row of the table."""

    ordering = ["-pk"]

    document_path = None

    def governing_document(self, obj):
        for name in self.document_path.split("."):
            obj = getattr(obj, name)
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        first, *rest = self.document_path.split(".")
        if db_field.name == first and not can_publish(request.user):
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                **{"__".join([*rest, "status"]): Status.DRAFT}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HiddenFromIndexMixin:
    """Registered for its history and restore pages; edited inline elsewhere."""

    def get_model_perms(self, request):
        return {}


class DocumentPartInlineMixin(EditorRulesMixin):
    """For inlines, the object asked about is the parent document."""

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and not self.is_locked(request, obj)


class StoredFilesCleanupMixin:
    """The whole admin save (the record, its inlines and their uploads) is one
    transaction that also owns the uploaded bytes: a failure half-way leaves
    neither rows nor files. An upload cut off at the size limit shows the
    form again with the reason."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        refused = redirect_if_upload_refused(request)
        if refused:
            return refused
        with services.atomic_with_files():
            return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso2", "group", "joined_year", "document_count"]
    list_filter = ["group"]
    search_fields = ["name", "iso2"]
    ordering = ["name"]

    def get_queryset(self, request):
        # Kept by the database (StateDocumentCount), not counted over every link.
        return super().get_queryset(request).with_document_counts()

    @admin.display(description=_("published documents"), ordering="document_total")
    def document_count(self, obj):
        return obj.document_total


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "document_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        # Kept by the database (TopicDocumentCount), not counted over every link.
        return super().get_queryset(request).with_document_counts()

    @admin.display(description=_("published documents"), ordering="document_total")
    def document_count(self, obj):
        return obj.document_total


@admin.register(SpecialRepresentative)
class SpecialRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["name", "term_start", "term_end", "note"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        (_("Term"), {"fields": [("term_start", "term_start_precision"), ("term_end", "term_end_precision"), "note"]}),
    ]


class AttachmentInline(DocumentPartInlineMixin, admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    formset = AttachmentInlineFormSet
    extra = 1
    fields = ["file", "kind", "language", "is_original", "file_facts", "text_facts"]
    readonly_fields = ["file_facts", "text_facts"]
    verbose_name_plural = _("attached files (one per kind and language)")

    @admin.display(description=_("file"))
    def file_facts(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            "{}<br><small>{} · {} · SHA-256 {}…</small>",
            obj.original_name,
            filesizeformat(obj.size),
            obj.content_type,
            obj.sha256[:12],
        )

    @admin.display(description=_("text"))
    def text_facts(self, obj):
        if not obj.pk:
            return "–"
        detail = obj.get_text_status_display()
        if obj.page_count:
            detail = f"{detail} ({obj.page_count} p.)"
        if obj.text_error:
            detail = f"{detail}: {obj.text_error}"
        return detail


class RelationOutInline(DocumentPartInlineMixin, admin.TabularInline):
    model = DocumentRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["kind", "target", "note"]
    verbose_name = _("relation from this document")
    verbose_name_plural = _("relations from this document (this document revises / adds to / cites …)")


class RelationInInline(DocumentPartInlineMixin, admin.TabularInline):
    model = DocumentRelation
    fk_name = "target"
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "kind", "note"]
    verbose_name = _("relation to this document")
    verbose_name_plural = _("relations to this document (… revises / adds to / cites this document)")


@admin.action(description=_("Publish the selected documents"), permissions=["publish"])
def publish_documents(modeladmin, request, queryset):
    count = 0
    for document in queryset.exclude(status=Status.PUBLISHED):
        services.document_publish(document=document, user=request.user)
        count += 1
    modeladmin.message_user(
        request, ngettext("%d document published.", "%d documents published.", count) % count, messages.SUCCESS
    )


@admin.action(description=_("Unpublish the selected documents (back to draft)"), permissions=["publish"])
def unpublish_documents(modeladmin, request, queryset):
    count = 0
    for document in queryset.filter(status=Status.PUBLISHED):
        services.document_unpublish(document=document, user=request.user)
        count += 1
    modeladmin.message_user(
        request, ngettext("%d document unpublished.", "%d documents unpublished.", count) % count, messages.SUCCESS
    )


@admin.action(description=_("Re-extract text"), permissions=["change"])
def reextract_attachment_text(modeladmin, request, queryset):
    count = services.attachments_queue_text_extraction(attachments=queryset)
    modeladmin.message_user(
        request,
        ngettext("Text extraction queued for %d file.", "Text extraction queued for %d files.", count) % count,
        messages.SUCCESS,
    )


@admin.action(description=_("Re-extract text of the files"), permissions=["change"])
def reextract_document_text(modeladmin, request, queryset):
    attachments = Attachment.objects.filter(document__in=queryset.values("pk"))
    count = services.attachments_queue_text_extraction(attachments=attachments)
    modeladmin.message_user(
        request,
        ngettext("Text extraction queued for %d file.", "Text extraction queued for %d files.", count) % count,
        messages.SUCCESS,
    )


class DocumentAdminMixin(
    ActionCheckboxMixin,
    FullTextSearchMixin,
    WindowedChangeListMixin,
    EditorRulesMixin,
    StoredFilesCleanupMixin,
    HistoryAdmin,
):
    """What every kind of document's admin shares: the inlines, the publish
    actions (Publishers only), the editors' rules, and the audit trail (the
    "History" button: every version, field by field, restorable)."""

    object_history_template = "admin/osce_docs/document_history.html"

    inlines = [AttachmentInline, RelationOutInline, RelationInInline]
    actions = [publish_documents, unpublish_documents, reextract_document_text]
    autocomplete_fields = ["topics", "states"]
    list_filter = ["status", "topics"]
    list_per_page = 50
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    save_on_top = True
    history_fieldset = (
        _("Record"),
        {"classes": ["collapse"], "fields": [("created_at", "created_by"), ("updated_at", "updated_by")]},
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly.append("status")
        return readonly

    def save_model(self, request, obj, form, change):
        if not can_publish(request.user):
            # Whatever was posted, or whichever old version is restored, an
            # editor's save keeps the stored status (a new record is a draft).
            stored = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
            obj.status = stored or Status.DRAFT
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        # One version in the audit trail per save, recorded once the
        # many-to-many fields are saved too (see log_addition/log_change).
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def _record_version(self, request, obj, created):
        if hasattr(obj, "skip_history_when_saving"):
            del obj.skip_history_when_saving
        record_version(obj, user=request.user, created=created)

    def log_addition(self, request, obj, message):
        self._record_version(request, obj, created=True)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record_version(request, obj, created=False)
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        services.document_delete(document=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.document_delete(document=document, user=request.user)

    def history_view(self, request, object_id, extra_context=None):
        from .audit import part_versions

        extra_context = {**(extra_context or {}), "part_versions": part_versions(object_id)}
        return super().history_view(request, object_id, extra_context)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Attachment):
                self._save_attachment(request, instance)
            else:
                instance.save()
        for deleted in formset.deleted_objects:
            if isinstance(deleted, Attachment):
                services.attachment_delete(attachment=deleted)
            else:
                deleted.delete()
        formset.save_m2m()

    @staticmethod
    def _save_attachment(request, attachment):
        if attachment.uploaded_by_id is None:
            attachment.uploaded_by = request.user
        services.attachment_save_from_form(attachment=attachment)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("files"))
    def file_count(self, obj):
        return obj.attachment_total

    def get_queryset(self, request):
        # Counted for each row shown, not joined and grouped over the whole list.
        files = Attachment.objects.filter(document=OuterRef("pk")).order_by().values(n=Func(F("pk"), function="COUNT"))
        return super().get_queryset(request).annotate(attachment_total=Subquery(files))

    def kept_total(self, request, filters):
        return kept_document_total(request, filters, kind=self.model.DOCUMENT_KIND)


@admin.action(description=_("Export selected as CSV"), permissions=["view"])
def export_selected_csv(modeladmin, request, queryset):
    importer = modeladmin.importer_class(user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{importer.kind}.csv"'
    importer.export(queryset, response)
    return response


class DocumentImportMixin:
    """An "Import CSV" page (upload, preview, confirm) and an export action,
    for a document admin whose importer_class reads its kind's CSV."""

    importer_class = None
    actions = [publish_documents, unpublish_documents, reextract_document_text, export_selected_csv]
    session_key = "document_imports"
    upload_folder = "import-uploads"
    upload_max_age = timedelta(days=1)

    def changelist_view(self, request, extra_context=None):
        can_import = self.has_add_permission(request) and self.has_change_permission(request)
        return super().changelist_view(request, extra_context={**(extra_context or {}), "can_import": can_import})

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
            *super().get_urls(),
        ]

    def import_url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        refused = redirect_if_upload_refused(request)
        if refused:
            return refused
        if request.method == "POST" and "token" in request.POST:
            return self.import_confirm(request, request.POST["token"], cancel="cancel" in request.POST)
        form = DocumentImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            token = secrets.token_urlsafe(16)
            entry = self.store_upload(token, form.cleaned_data["csv_file"], form.cleaned_data.get("files_zip"))
            try:
                report = self.run_import(request, entry, dry_run=True)
            except ImportFailed as error:
                self.discard_upload(entry)
                form.add_error(None, str(error))
            else:
                if report.ok:
                    request.session.setdefault(self.session_key, {})[token] = entry
                    request.session.modified = True
                else:
                    self.discard_upload(entry)
                return self.render_import(request, form=None, report=report, token=token if report.ok else None)
        return self.render_import(request, form=form)

    def import_confirm(self, request, token, *, cancel=False):
        entry = request.session.get(self.session_key, {}).get(token)
        if entry is None or entry.get("kind") != self.importer_class.kind:
            self.message_user(
                request, _("This import preview has expired or was already used: upload the CSV again."), messages.ERROR
            )
            return HttpResponseRedirect(self.import_url())
        del request.session[self.session_key][token]
        request.session.modified = True
        try:
            if cancel:
                self.message_user(request, _("Import cancelled: nothing was written."), messages.INFO)
                return HttpResponseRedirect(self.import_url())
            report = self.run_import(request, entry, dry_run=False)
        except ImportFailed as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self.import_url())
        except FileNotFoundError:
            self.message_user(request, _("The uploaded files are gone: upload the CSV again."), messages.ERROR)
            return HttpResponseRedirect(self.import_url())
        finally:
            self.discard_upload(entry)
        if not report.ok:
            # Something changed since the preview; nothing was written.
            return self.render_import(request, form=None, report=report)
        self.message_user(request, _("Imported: %(summary)s.") % {"summary": report.summary()}, messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def store_upload(self, token, csv_file, files_zip):
        # Kept in the file storage so that any app server can finish the import.
        self.discard_stale_uploads()
        folder = f"{self.upload_folder}/{token}"
        entry = {"kind": self.importer_class.kind, "csv": default_storage.save(f"{folder}/data.csv", csv_file), "zip": ""}
        if files_zip:
            entry["zip"] = default_storage.save(f"{folder}/files.zip", files_zip)
        return entry

    def discard_stale_uploads(self):
        """Previews nobody confirmed or cancelled are dropped after a day."""
        try:
            tokens, _names = default_storage.listdir(self.upload_folder)
        except FileNotFoundError:
            return
        cutoff = timezone.now() - self.upload_max_age
        for token in tokens:
            for name in default_storage.listdir(f"{self.upload_folder}/{token}")[1]:
                path = f"{self.upload_folder}/{token}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)

    def discard_upload(self, entry):
        for name in (entry.get("csv"), entry.get("zip")):
            if name:
                default_storage.delete(name)

    def run_import(self, request, entry, *, dry_run):
        zip_file = default_storage.open(entry["zip"], "rb") if entry["zip"] else None
        try:
            files = ZipFiles(zip_file) if zip_file else NoFiles()
            importer = self.importer_class(files=files, user=request.user)
            with default_storage.open(entry["csv"], "rb") as csv_file:
                return importer.run(csv_file, dry_run=dry_run)
        finally:
            if zip_file:
                zip_file.close()

    def render_import(self, request, *, form, report=None, token=None):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Import %(name)s from CSV") % {"name": opts.verbose_name_plural},
            "form": form,
            "report": report,
            "token": token,
            "columns": ",".join(self.importer_class.columns),
            "required_columns": ", ".join(self.importer_class.required_columns),
            "import_url": self.import_url(),
        }
        return TemplateResponse(request, "admin/osce_docs/document_import.html", context)


@admin.register(Document)
class DocumentAdmin(ActionCheckboxMixin, FullTextSearchMixin, WindowedChangeListMixin, admin.ModelAdmin):
    """All documents of every kind in one list: the quick way to find any
    record, and what relation fields search through."""

    def kept_total(self, request, filters):
        return kept_document_total(request, filters)

    list_display = ["title_link", "kind", "status", "published_on", "updated_at"]
    list_display_links = None
    list_filter = ["kind", "status"]
    search_fields = ["title", "slug", "decision__symbol"]
    # Latest created first, from the key's index. By date it sorted every
    # document; an index on the date alone (drafts and published together)
    # lured PostgreSQL's newest-first public lists into reading the undated
    # drafts first (the latest feed 11 -> 135 ms at a million).
    ordering = ["-pk"]
    actions = [publish_documents, unpublish_documents, reextract_document_text]

    def has_add_permission(self, request):
        # Documents are added as a decision, report, event or statement.
        return False

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def delete_model(self, request, obj):
        services.document_delete(document=obj.specific(), user=request.user)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.document_delete(document=document.specific(), user=request.user)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description=_("title"), ordering="title")
    def title_link(self, obj):
        opts = Document.model_for_kind(obj.kind)._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.title)


class FileFormatFilter(admin.SimpleListFilter):
    """The accepted formats: Django's own filter for the field would read the
    type of every file (SELECT DISTINCT over millions of rows)."""

    title = _("format")
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        return [(content_type, f"{label} ({extension})") for content_type, (extension, label) in ALLOWED_TYPES.items()]

    def queryset(self, request, queryset):
        return queryset.filter(content_type=self.value()) if self.value() else queryset


@admin.register(Attachment)
class AttachmentAdmin(StoredFilesCleanupMixin, DocumentPartAdmin):
    list_display = [
        "original_name",
        "document",
        "kind",
        "language_display",
        "is_original",
        "size_display",
        "text_status",
        "page_count",
        "text_error",
    ]
    actions = [reextract_attachment_text]
    list_filter = [
        "kind",
        "language",
        "is_original",
        "text_status",
        FileFormatFilter,
        year_filter("uploaded_at", _("year uploaded")),
    ]
    search_fields = ["original_name", "sha256", "document__title"]
    list_select_related = ["document"]
    autocomplete_fields = ["document"]
    form = AttachmentForm
    readonly_fields = [
        "original_name",
        "size",
        "sha256",
        "content_type",
        "uploaded_at",
        "uploaded_by",
        "text_status",
        "page_count",
        "text_error",
    ]

    def get_fields(self, request, obj=None):
        return ["document", "file", "kind", "language", "is_original", *self.readonly_fields]

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("language"), ordering="language")
    def language_display(self, obj):
        # Django's own display rebuilds the field's 180 choices for every row.
        return language_name(obj.language)

    document_path = "document"

    def save_model(self, request, obj, form, change):
        if obj.uploaded_by_id is None:
            obj.uploaded_by = request.user
        obj._history_user = request.user
        services.attachment_save_from_form(attachment=obj)

    def delete_model(self, request, obj):
        services.attachment_delete(attachment=obj)

    def delete_queryset(self, request, queryset):
        for attachment in queryset:
            services.attachment_delete(attachment=attachment)


@admin.register(DocumentRelation)
class DocumentRelationAdmin(HiddenFromIndexMixin, DocumentPartAdmin):
    list_display = ["source", "kind", "target"]
    autocomplete_fields = ["source", "target"]
    document_path = "source"

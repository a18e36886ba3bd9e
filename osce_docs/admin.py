from django.contrib import admin, messages
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import AttachmentForm, AttachmentInlineFormSet
from .models import Attachment, Document, DocumentRelation, SpecialRepresentative, Status, State, Topic


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso2", "group", "joined_year", "document_count"]
    list_filter = ["group"]
    search_fields = ["name", "iso2"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_total=Count("documents"))

    @admin.display(description=_("documents"), ordering="document_total")
    def document_count(self, obj):
        return obj.document_total


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "document_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_total=Count("documents"))

    @admin.display(description=_("documents"), ordering="document_total")
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


class AttachmentInline(admin.TabularInline):
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


class RelationOutInline(admin.TabularInline):
    model = DocumentRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["kind", "target", "note"]
    verbose_name = _("relation from this document")
    verbose_name_plural = _("relations from this document (this document revises / adds to / cites …)")


class RelationInInline(admin.TabularInline):
    model = DocumentRelation
    fk_name = "target"
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "kind", "note"]
    verbose_name = _("relation to this document")
    verbose_name_plural = _("relations to this document (… revises / adds to / cites this document)")


@admin.action(description=_("Publish the selected documents"), permissions=["change"])
def publish_documents(modeladmin, request, queryset):
    count = 0
    for document in queryset.exclude(status=Status.PUBLISHED):
        services.document_publish(document=document, user=request.user)
        count += 1
    modeladmin.message_user(
        request, ngettext("%d document published.", "%d documents published.", count) % count, messages.SUCCESS
    )


@admin.action(description=_("Unpublish the selected documents (back to draft)"), permissions=["change"])
def unpublish_documents(modeladmin, request, queryset):
    count = 0
    for document in queryset.filter(status=Status.PUBLISHED):
        services.document_unpublish(document=document, user=request.user)
        count += 1
    modeladmin.message_user(
        request, ngettext("%d document unpublished.", "%d documents unpublished.", count) % count, messages.SUCCESS
    )


class DocumentAdminMixin:
    """What every kind of document's admin shares."""

    inlines = [AttachmentInline, RelationOutInline, RelationInInline]
    actions = [publish_documents, unpublish_documents]
    autocomplete_fields = ["topics", "states"]
    list_filter = ["status", "topics"]
    list_per_page = 50
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    save_on_top = True
    history_fieldset = (
        _("Record"),
        {"classes": ["collapse"], "fields": [("created_at", "created_by"), ("updated_at", "updated_by")]},
    )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Attachment) and instance.uploaded_by_id is None:
                instance.uploaded_by = request.user
            instance.save()
        for deleted in formset.deleted_objects:
            if isinstance(deleted, Attachment):
                services.attachment_delete(attachment=deleted)
            else:
                deleted.delete()
        formset.save_m2m()

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("files"))
    def file_count(self, obj):
        return obj.attachment_total

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attachment_total=Count("attachments", distinct=True))


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """All documents of every kind in one list: the quick way to find any
    record, and what relation fields search through."""

    list_display = ["title_link", "kind", "status", "published_on", "updated_at"]
    list_display_links = None
    list_filter = ["kind", "status"]
    search_fields = ["title", "slug", "decision__symbol"]
    date_hierarchy = "published_on"
    actions = [publish_documents, unpublish_documents]

    def has_add_permission(self, request):
        # Documents are added as a decision, report, event or statement.
        return False

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description=_("title"), ordering="title")
    def title_link(self, obj):
        specific_model = next(m for m in Document.__subclasses__() if m.DOCUMENT_KIND == obj.kind)
        opts = specific_model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.title)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "document", "kind", "language", "is_original", "size_display", "text_status"]
    list_filter = ["kind", "language", "is_original", "text_status", "content_type"]
    search_fields = ["original_name", "sha256", "document__title"]
    date_hierarchy = "uploaded_at"
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

    def save_model(self, request, obj, form, change):
        if obj.uploaded_by_id is None:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.attachment_delete(attachment=obj)

    def delete_queryset(self, request, queryset):
        for attachment in queryset:
            services.attachment_delete(attachment=attachment)

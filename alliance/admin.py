from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from osce_docs.admin import DocumentAdminMixin, DocumentImportMixin
from osce_docs.admin_lists import year_filter

from .importing import EventImporter
from .models import AllianceEvent, AllianceStatement, PartnerOrganisation


@admin.register(AllianceEvent)
class AllianceEventAdmin(DocumentImportMixin, DocumentAdminMixin, admin.ModelAdmin):
    importer_class = EventImporter
    list_display = ["title", "event_kind", "ordinal", "start_on", "venue", "status", "file_count"]
    list_filter = ["event_kind", "status", "topics", "host_country", year_filter("start_on")]
    search_fields = ["title", "theme", "summary", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["host_country", *DocumentAdminMixin.autocomplete_fields]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("event_kind", "ordinal"), "theme", "status", "published_on", "summary"]}),
        (_("When and where"), {"fields": [("start_on", "end_on", "date_precision"), "venue", "host_country"]}),
        (_("Classification"), {"fields": ["topics", "states"]}),
        DocumentAdminMixin.history_fieldset,
    ]


@admin.register(AllianceStatement)
class AllianceStatementAdmin(DocumentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "statement_kind", "issued_on", "status", "file_count"]
    list_filter = ["statement_kind", "status", "topics", year_filter("issued_on")]
    search_fields = ["title", "summary", "endorsed_by__name", "endorsed_by__acronym"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["endorsed_by", *DocumentAdminMixin.autocomplete_fields]
    fieldsets = [
        (None, {"fields": ["title", "slug", "statement_kind", "status", "published_on", "summary"]}),
        (_("Issued"), {"fields": [("issued_on", "date_precision"), "endorsed_by"]}),
        (_("Classification"), {"fields": ["topics", "states"]}),
        DocumentAdminMixin.history_fieldset,
    ]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}

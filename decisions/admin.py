from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from osce_docs.admin import (
    DocumentAdminMixin,
    DocumentImportMixin,
    DocumentPartAdmin,
    DocumentPartInlineMixin,
    HiddenFromIndexMixin,
)
from osce_docs.admin_lists import year_filter

from .forms import VisitPeriodInlineFormSet
from .importing import DecisionImporter, ReportImporter
from .models import CountryVisitReport, Decision, FollowUp, Recommendation, VisitPeriod


@admin.register(Decision)
class DecisionAdmin(DocumentImportMixin, DocumentAdminMixin, admin.ModelAdmin):
    importer_class = DecisionImporter
    list_display = ["symbol", "title", "body", "adopted_on", "place", "status", "file_count"]
    list_display_links = ["symbol", "title"]
    list_filter = ["body", "status", "original_language", "topics", year_filter("adopted_on", _("year adopted"))]
    search_fields = ["symbol", "title", "summary", "meeting", "place"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["symbol", *DocumentAdminMixin.readonly_fields]
    fieldsets = [
        (
            _("Symbol"),
            {
                "fields": ["symbol", ("body", "number", "year"), ("revision", "addendum", "corrigendum")],
                "description": _(
                    "The symbol is built from these parts, e.g. PC.DEC/557/Rev.1 or MC.DEC/8/07; it must be unique."
                ),
            },
        ),
        (None, {"fields": ["title", "slug", "summary", "status", "published_on"]}),
        (_("Adoption"), {"fields": ["adopted_on", "meeting", "place", "original_language"]}),
        (_("Classification"), {"fields": ["topics", "states"]}),
        DocumentAdminMixin.history_fieldset,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-adopted_on", "-number")


class VisitPeriodInline(DocumentPartInlineMixin, admin.TabularInline):
    model = VisitPeriod
    formset = VisitPeriodInlineFormSet
    extra = 1
    min_num = 1
    verbose_name_plural = _("visit periods")


class RecommendationInline(DocumentPartInlineMixin, admin.StackedInline):
    model = Recommendation
    extra = 1
    fields = [("number", "area"), "text"]
    show_change_link = True


@admin.register(CountryVisitReport)
class CountryVisitReportAdmin(DocumentImportMixin, DocumentAdminMixin, admin.ModelAdmin):
    importer_class = ReportImporter
    list_display = ["title", "country", "representative", "published_on", "status", "file_count"]
    list_filter = ["status", "representative", "country", "topics", year_filter("listing_date", _("year published"))]
    search_fields = ["title", "summary", "country__name", "representative__name", "recommendations__text"]
    autocomplete_fields = ["country", *DocumentAdminMixin.autocomplete_fields]
    list_select_related = ["country", "representative"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VisitPeriodInline, RecommendationInline, *DocumentAdminMixin.inlines]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("country", "representative"), "status", "published_on", "summary"]}),
        (_("Findings"), {"fields": ["promising_practices", "challenges"]}),
        (_("Classification"), {"fields": ["topics", "states"]}),
        DocumentAdminMixin.history_fieldset,
    ]


class FollowUpInline(DocumentPartInlineMixin, admin.TabularInline):
    model = FollowUp
    extra = 1
    autocomplete_fields = ["source"]

    def governing_document(self, recommendation):
        return recommendation.report


@admin.register(Recommendation)
class RecommendationAdmin(DocumentPartAdmin):
    ordering = ["report", "number"]  # the model's order, read from its index
    list_display = ["__str__", "report", "area", "latest_status"]
    list_filter = ["area", "report__country", "follow_ups__status"]
    search_fields = ["text"]
    search_help_text = _('Whole words of the recommendation, as on the site: all must match, "a phrase", -word, or.')
    list_select_related = ["report"]
    autocomplete_fields = ["report"]
    inlines = [FollowUpInline]
    document_path = "report"

    @admin.display(description=_("latest follow-up"), ordering="latest_status")
    def latest_status(self, obj):
        return obj.latest_status or "–"

    def get_search_results(self, request, queryset, search_term):
        # As the public list reads its words: narrowed through the reports'
        # full-text entries, not a LIKE over 1.4 million texts (10 s).
        return (queryset.search(search_term) if search_term.strip() else queryset), False


@admin.register(VisitPeriod)
class VisitPeriodAdmin(HiddenFromIndexMixin, DocumentPartAdmin):
    list_display = ["__str__", "report"]
    autocomplete_fields = ["report"]
    document_path = "report"


@admin.register(FollowUp)
class FollowUpAdmin(HiddenFromIndexMixin, DocumentPartAdmin):
    list_display = ["__str__", "recommendation"]
    autocomplete_fields = ["recommendation", "source"]
    document_path = "recommendation.report"

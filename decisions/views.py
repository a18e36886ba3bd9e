"""Public pages of decisions, country-visit reports and recommendations."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from osce_docs.models import RecommendationCount
from osce_docs.views import DocumentDetailView, FilteredListView, PublishedMixin

from .filters import DecisionFilter, RecommendationFilter, ReportFilter
from .models import CountryVisitReport, Decision, Recommendation
from .symbols import SymbolError, parse_symbol


class DecisionListView(FilteredListView):
    model = Decision
    filterset_class = DecisionFilter
    feed_url_name = "decisions:decision_feed"
    noun = _("decision")
    noun_plural = _("decisions")

    def get_queryset(self):
        return super().get_queryset().for_cards()


class DecisionDetailView(DocumentDetailView):
    model = Decision


class DecisionBySymbolView(PublishedMixin, View):
    """`/decisions/symbol/PC.DEC/557/Rev.1`: a symbol from a citation becomes a working link."""

    model = Decision

    def get(self, request, symbol):
        try:
            parsed = parse_symbol(symbol)
        except SymbolError as error:
            raise Http404(str(error)) from None
        decision = self.get_queryset().filter(symbol=str(parsed)).first()
        if decision is None:
            raise Http404(_("No published decision has the symbol %(symbol)s.") % {"symbol": parsed})
        return redirect(decision)


class ReportListView(FilteredListView):
    model = CountryVisitReport
    filterset_class = ReportFilter
    feed_url_name = "decisions:report_feed"
    noun = _("country-visit report")
    noun_plural = _("country-visit reports")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .for_cards()
            .select_related("country", "representative")
            .with_visit_periods()
            .newest_first()
        )


class ReportDetailView(DocumentDetailView):
    model = CountryVisitReport
    context_object_name = "report"

    def get_queryset(self):
        return super().get_queryset().select_related("country", "representative")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visit_periods"] = self.object.visit_periods.all()
        context["recommendations"] = self.object.recommendations.for_listing().order_by("number")
        return context


class RecommendationListView(FilteredListView):
    model = Recommendation
    filterset_class = RecommendationFilter
    feed_url_name = "decisions:recommendation_feed"
    template_name = "decisions/recommendation_filter.html"
    noun = _("recommendation")
    noun_plural = _("recommendations")

    def get_queryset(self):
        return super().get_queryset().for_listing().newest_first()

    def kept_total(self):
        return RecommendationCount.objects.published()

from django.utils.translation import gettext_lazy as _

from osce_docs.feeds import DocumentFeedMixin, FilteredListFeed, as_datetime

from .filters import DecisionFilter, RecommendationFilter, ReportFilter
from .models import CountryVisitReport, Decision, Recommendation


class DecisionFeed(DocumentFeedMixin, FilteredListFeed):
    model = Decision
    filterset_class = DecisionFilter
    list_url_name = "decisions:decision_list"
    list_title = _("decisions")

    def get_queryset(self):
        return super().get_queryset().for_cards()

    def item_pubdate(self, item):
        return as_datetime(item.adopted_on)


class ReportFeed(DocumentFeedMixin, FilteredListFeed):
    model = CountryVisitReport
    filterset_class = ReportFilter
    list_url_name = "decisions:report_list"
    list_title = _("country-visit reports")

    def get_queryset(self):
        return super().get_queryset().for_cards().newest_first()


class RecommendationFeed(FilteredListFeed):
    model = Recommendation
    filterset_class = RecommendationFilter
    list_url_name = "decisions:recommendation_list"
    list_title = _("recommendations")

    def get_queryset(self):
        return super().get_queryset().for_listing().newest_first()

    def item_title(self, item):
        published = item.report.published_on
        when = f", {published.year}" if published else ""
        return f"{item.report.country.name}{when}: recommendation {item.number}"

    def item_description(self, item):
        return item.text

    def item_pubdate(self, item):
        return as_datetime(item.report.published_on)

"""Filters of the decisions, country-visit reports and recommendations lists."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from osce_docs.filters import (
    ChoiceFilter,
    CountryFilter,
    FilterSet,
    OrderingChoiceFilter,
    RepresentativeFilter,
    TopicFilter,
    WordsFilter,
    YearFilter,
)

from .models import CountryVisitReport, Decision, FollowUpStatus, Recommendation, RecommendationArea

BODY_CHOICES = [("pc", _("Permanent Council")), ("mc", _("Ministerial Council"))]

DECISION_ORDERINGS = {
    "newest": (_("Newest first"), lambda qs: qs.newest_first()),
    "oldest": (_("Oldest first"), lambda qs: qs.oldest_first()),
    "symbol": (_("By symbol"), lambda qs: qs.by_symbol()),
}


class DecisionFilter(FilterSet):
    q = WordsFilter(help_text=_("Words in the symbol, title or summary."))
    body = ChoiceFilter(
        label=_("Body"), choices=BODY_CHOICES, empty_label=_("Both Councils"), method="filter_body"
    )
    year = YearFilter(field_name="adopted_on", lookup_expr="year", label=_("Year adopted"))
    year_from = YearFilter(field_name="adopted_on", lookup_expr="year__gte", label=_("From year"))
    year_to = YearFilter(field_name="adopted_on", lookup_expr="year__lte", label=_("To year"))
    topic = TopicFilter(field_name="topics")
    country = CountryFilter(field_name="states", label=_("Country named"))
    ordering = OrderingChoiceFilter(orderings=DECISION_ORDERINGS)

    class Meta:
        model = Decision
        fields = []

    def filter_body(self, queryset, name, value):
        return queryset.of_body(value.upper())

    @property
    def qs(self):
        queryset = super().qs
        if not self.is_bound or not self.form.cleaned_data.get("ordering"):
            queryset = DECISION_ORDERINGS["newest"][1](queryset)
        return queryset


class ListingYearFilter(YearFilter):
    """A year bound on a report's listing_date, its publication date copied
    onto the report's own row: filtering there spares reading each candidate's
    document row for its date (SQLite then checks the status from a small
    index instead). The earliest date stands for "no date" there, and an
    undated report falls within no year."""

    def filter(self, queryset, value):
        filtered = super().filter(queryset, value)
        if value in django_filters.constants.EMPTY_VALUES:
            return filtered
        return filtered.filter(**{f"{self.field_name}__gt": datetime.date.min})


class ReportFilter(FilterSet):
    q = WordsFilter(help_text=_("Words in the title or summary."))
    country = CountryFilter(field_name="country")
    year = ListingYearFilter(field_name="listing_date", lookup_expr="year", label=_("Year published"))
    year_from = ListingYearFilter(field_name="listing_date", lookup_expr="year__gte", label=_("From year"))
    year_to = ListingYearFilter(field_name="listing_date", lookup_expr="year__lte", label=_("To year"))
    representative = RepresentativeFilter(field_name="representative")
    topic = TopicFilter(field_name="topics")

    class Meta:
        model = CountryVisitReport
        fields = []


LATEST_STATUS_CHOICES = [*FollowUpStatus.choices, ("none", _("not yet assessed"))]


class RecommendationFilter(FilterSet):
    q = WordsFilter(help_text=_("Words in the recommendation."))
    country = CountryFilter(field_name="report__country", method="filter_country")
    area = ChoiceFilter(label=_("Area"), choices=RecommendationArea.choices, empty_label=_("Any area"))
    year = ListingYearFilter(field_name="report__listing_date", lookup_expr="year", label=_("Year of the report"))
    year_from = ListingYearFilter(field_name="report__listing_date", lookup_expr="year__gte", label=_("From year"))
    year_to = ListingYearFilter(field_name="report__listing_date", lookup_expr="year__lte", label=_("To year"))
    representative = RepresentativeFilter(field_name="report__representative")
    status = ChoiceFilter(
        label=_("Latest follow-up status"),
        choices=LATEST_STATUS_CHOICES,
        empty_label=_("Any status"),
        method="filter_status",
    )

    class Meta:
        model = Recommendation
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.for_country(value) if value else queryset

    def filter_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(latest_status__isnull=True)
        return queryset.filter(latest_status=value)

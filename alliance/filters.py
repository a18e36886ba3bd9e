"""Filters of the Alliance events and statements lists."""

from django.utils.translation import gettext_lazy as _

from osce_docs.filters import ChoiceFilter, FilterSet, ListedFilter, TopicFilter, WordsFilter, YearFilter

from .models import AllianceEvent, AllianceStatement, EventKind, PartnerOrganisation, StatementKind


class PartnerFilter(ListedFilter):
    """A partner organisation by its slug, as the partners page links to it."""

    model = PartnerOrganisation
    default_label = _("Endorsed by")
    any_label = _("Any partner")


class EventFilter(FilterSet):
    q = WordsFilter(help_text=_("Words in the title or summary."))
    kind = ChoiceFilter(
        field_name="event_kind", label=_("Kind of event"), choices=EventKind.choices, empty_label=_("Any kind")
    )
    year = YearFilter(field_name="start_on", lookup_expr="year", label=_("Year"))
    year_from = YearFilter(field_name="start_on", lookup_expr="year__gte", label=_("From year"))
    year_to = YearFilter(field_name="start_on", lookup_expr="year__lte", label=_("To year"))
    topic = TopicFilter(field_name="topics")

    class Meta:
        model = AllianceEvent
        fields = []


class StatementFilter(FilterSet):
    q = WordsFilter(help_text=_("Words in the title or summary."))
    kind = ChoiceFilter(
        field_name="statement_kind", label=_("Kind"), choices=StatementKind.choices, empty_label=_("Any kind")
    )
    year = YearFilter(field_name="issued_on", lookup_expr="year", label=_("Year"))
    year_from = YearFilter(field_name="issued_on", lookup_expr="year__gte", label=_("From year"))
    year_to = YearFilter(field_name="issued_on", lookup_expr="year__lte", label=_("To year"))
    topic = TopicFilter(field_name="topics")
    partner = PartnerFilter(field_name="endorsed_by")

    class Meta:
        model = AllianceStatement
        fields = []

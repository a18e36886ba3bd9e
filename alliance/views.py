"""Public pages of the Alliance against Trafficking in Persons."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from osce_docs.views import DocumentDetailView, FilteredListView, PublishedMixin

from .filters import EventFilter, StatementFilter
from .models import AllianceEvent, AllianceStatement, PartnerOrganisation


class EventListView(FilteredListView):
    model = AllianceEvent
    filterset_class = EventFilter
    feed_url_name = "alliance:event_feed"
    noun = _("event")
    noun_plural = _("events")

    def get_queryset(self):
        return super().get_queryset().for_cards().select_related("host_country")


class EventDetailView(DocumentDetailView):
    model = AllianceEvent
    context_object_name = "event"

    def get_queryset(self):
        return super().get_queryset().select_related("host_country")


class StatementListView(FilteredListView):
    model = AllianceStatement
    filterset_class = StatementFilter
    feed_url_name = "alliance:statement_feed"
    noun = _("statement")
    noun_plural = _("statements")

    def get_queryset(self):
        return super().get_queryset().for_cards()


class StatementDetailView(DocumentDetailView):
    model = AllianceStatement
    context_object_name = "statement"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["endorsers"] = self.object.endorsed_by.all()
        return context


class PartnerListView(PublishedMixin, ListView):
    """Partner organisations, each with the latest published statements it
    endorsed and a link to all of them (the statements list, filtered): a
    partner's statements grow with the library, the page does not."""

    model = PartnerOrganisation
    latest_statements = 3

    def get_queryset(self):
        return PartnerOrganisation.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partners = list(context["object_list"])
        # One more than shown: whether "all statements" has more to show.
        latest = self.published(AllianceStatement).latest_endorsed_by(partners, self.latest_statements + 1)
        for partner in partners:
            statements = latest[partner.pk]
            partner.latest_statements = statements[: self.latest_statements]
            partner.more_statements = len(statements) > self.latest_statements
        context["object_list"] = context["partner_list"] = partners
        return context

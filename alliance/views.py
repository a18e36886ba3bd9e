"""Public pages of the Alliance against Trafficking in Persons."""

from django.db.models import Prefetch
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
    """Partner organisations, each with the published statements it endorsed."""

    model = PartnerOrganisation

    def get_queryset(self):
        statements = self.published(AllianceStatement).order_by("-issued_on")
        return PartnerOrganisation.objects.prefetch_related(
            Prefetch("statements", queryset=statements, to_attr="published_statements")
        )

from django.utils.translation import gettext_lazy as _

from osce_docs.feeds import DocumentFeedMixin, FilteredListFeed, as_datetime

from .filters import EventFilter, StatementFilter
from .models import AllianceEvent, AllianceStatement


class EventFeed(DocumentFeedMixin, FilteredListFeed):
    model = AllianceEvent
    filterset_class = EventFilter
    list_url_name = "alliance:event_list"
    list_title = _("Alliance events")

    def get_queryset(self):
        return super().get_queryset().for_cards()

    def item_pubdate(self, item):
        return as_datetime(item.start_on)


class StatementFeed(DocumentFeedMixin, FilteredListFeed):
    model = AllianceStatement
    filterset_class = StatementFilter
    list_url_name = "alliance:statement_list"
    list_title = _("Expert Co-ordination Team statements")

    def get_queryset(self):
        return super().get_queryset().for_cards()

    def item_pubdate(self, item):
        return as_datetime(item.issued_on)

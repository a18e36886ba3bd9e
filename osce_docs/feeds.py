"""RSS feeds: the latest documents, and the feed of any filtered list (the
list's own query string narrows its feed the same way)."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cards import card_topics
from .models import Document
from .views import PublishedMixin

FEED_SIZE = 50


def as_datetime(day):
    if not day:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DocumentFeedMixin:
    def item_title(self, item):
        symbol = getattr(item, "symbol", "") or getattr(item, "card_symbol", "")
        return f"{symbol} {item.title}" if symbol else item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return as_datetime(item.published_on)

    def item_categories(self, item):
        return [name for _address, name in card_topics(item)]


class LatestDocumentsFeed(PublishedMixin, DocumentFeedMixin, Feed):
    title = _("OSCE anti-trafficking library: latest documents")
    description = _("Decisions, country-visit reports and Alliance records as they are published.")

    def link(self):
        return reverse("core:home")

    def items(self):
        return self.published(Document).for_cards().order_by("-published_on", "-pk")[:FEED_SIZE]


class FilteredListFeed(PublishedMixin, Feed):
    """The feed of a filtered list: same FilterSet, same query string.

    The Feed instance serves every request, so the request travels as the
    feed's `obj` rather than as an attribute."""

    model = None
    filterset_class = None
    list_url_name = None
    list_title = None

    def get_object(self, request, *args, **kwargs):
        return request

    def get_queryset(self):
        return self.published(self.model)

    def title(self, request):
        return _("OSCE anti-trafficking library: %(list)s") % {"list": self.list_title}

    def description(self, request):
        return self.title(request)

    def link(self, request):
        url = reverse(self.list_url_name)
        query = request.GET.urlencode()
        return f"{url}?{query}" if query else url

    def items(self, request):
        filterset = self.filterset_class(request.GET or None, queryset=self.get_queryset(), request=request)
        if filterset.is_bound and not filterset.is_valid():
            return []
        return filterset.qs[:FEED_SIZE]

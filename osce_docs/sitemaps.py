"""The sitemap: an index (/sitemap.xml) of sections, each a page of at most
`limit` addresses: the lists, countries and topics, and every published
document's page in pages of consecutive ids."""

import math

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.urls import reverse
from django.utils.functional import cached_property

from .models import Document, State, Topic
from .views import PublishedMixin


class IdRangePaginator:
    """Page N holds the rows whose id is in ((N - 1) x PER_PAGE, N x PER_PAGE].

    Each page is one range read along the primary key, as cheap at page 500
    as at page 1 (an OFFSET would read every row before it), and the number
    of pages comes from the highest id (one index read) instead of a COUNT of
    the library. A page may hold fewer rows than PER_PAGE (drafts, deleted
    documents), none at worst: still a valid sitemap."""

    def __init__(self, queryset, per_page):
        self.queryset = queryset
        self.per_page = per_page

    @cached_property
    def num_pages(self):
        highest = self.queryset.model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
        return max(1, math.ceil(highest / self.per_page))

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        rows = self.queryset.filter(pk__gt=low, pk__lte=low + self.per_page).order_by("pk")
        return Page(rows, number, self)


class DocumentSitemap(PublishedMixin, Sitemap):
    changefreq = "monthly"
    # Ids per section page: about as many addresses (fewer where drafts are).
    limit = 2000

    def items(self):
        # get_absolute_url needs only kind and slug.
        return self.published(Document).only("pk", "kind", "slug", "updated_at")

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, document):
        return document.updated_at

    def get_latest_lastmod(self):
        # The index would read every document for it: it gives none for this section.
        return None


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return [
            "core:home",
            "decisions:decision_list",
            "decisions:report_list",
            "decisions:recommendation_list",
            "alliance:event_list",
            "alliance:statement_list",
            "alliance:partner_list",
            "core:country_list",
            "core:topic_list",
        ]

    def location(self, name):
        return reverse(name)


class CountrySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return State.objects.order_by("iso2")


class TopicSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Topic.objects.order_by("slug")


sitemaps = {
    "pages": StaticPagesSitemap,
    "countries": CountrySitemap,
    "topics": TopicSitemap,
    "documents": DocumentSitemap,
}

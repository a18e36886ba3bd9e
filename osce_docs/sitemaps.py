"""The sitemap: every published document's page, the lists, countries and topics."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Document, State, Topic
from .views import PublishedMixin


class DocumentSitemap(PublishedMixin, Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        # get_absolute_url needs only kind and slug.
        return self.published(Document).only("pk", "kind", "slug", "updated_at").order_by("pk")

    def lastmod(self, document):
        return document.updated_at


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
    "documents": DocumentSitemap,
    "countries": CountrySitemap,
    "topics": TopicSitemap,
}

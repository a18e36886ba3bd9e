"""The sitemap: an index (/sitemap.xml) of sections, each a page of at most
`limit` addresses: the lists, countries and topics, and every published
document's page in pages of consecutive ids."""

import datetime
import math

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import _get_latest_lastmod, x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import http_date

from .markup import escape
from .models import Document, State, Topic
from .reversing import reverse_slug
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
        # Rows, not models: a page holds up to 2,000 of them, and building a
        # model each was a fifth of its time.
        return self.published(Document).values_list("kind", "slug", "updated_at", named=True)

    @cached_property
    def paginator(self):
        # Once per request (the view makes a sitemap for each): Django's
        # sitemap reads it several times, and each build was a new queryset.
        return IdRangePaginator(self.items(), self.limit)

    def location(self, row):
        return reverse_slug(Document.DETAIL_URL_NAMES[row.kind], row.slug)

    def lastmod(self, row):
        return row.updated_at

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


def on_site_clock(value, zone):
    """An aware time in the site's time zone, as the templates' `date` filter
    shows it; a naive time or a date as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(zone)
    return value


INDEX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
)


@x_robots_tag
def sitemap_index(request, sitemaps, sitemap_url_name):
    """django.contrib.sitemaps' index view, written out: the index holds one
    line per 2,000 document ids (500 at a million), and Django's view built
    an item for each and its template escaped each address. Here a section's
    address is escaped once and its pages follow it (`?p=2`, ...), so the
    index costs the same at any size (500 lines: 1.4-1.5 -> 1.0 ms p50,
    as 9 lines; SQLite, 7 December)."""
    domain = get_current_site(request).domain
    zone = timezone.get_current_timezone()
    lines = []
    every_lastmod, latest = True, None
    for section, site in sitemaps.items():
        site = site() if callable(site) else site
        location = escape(f"{site.protocol or request.scheme}://{domain}{reverse(sitemap_url_name, args=[section])}")
        last_mod = site.get_latest_lastmod()
        if last_mod is None:
            every_lastmod = False
            end = "</loc></sitemap>"
        else:
            latest = _get_latest_lastmod(latest, last_mod)
            # As the template's `date:"c"`.
            end = f"</loc><lastmod>{on_site_clock(last_mod, zone).isoformat()}</lastmod></sitemap>"
        lines.append(f"<sitemap><loc>{location}{end}")
        lines.extend(f"<sitemap><loc>{location}?p={page}{end}" for page in range(2, site.paginator.num_pages + 1))
    # As Django's: a Last-Modified only when every section has one (for 304s).
    headers = {"Last-Modified": http_date(latest.timestamp())} if every_lastmod and latest else None
    return HttpResponse(
        "".join([INDEX_HEAD, *lines, "</sitemapindex>\n"]), content_type="application/xml", headers=headers
    )


class UrlsetTemplate:
    """django.contrib.sitemaps' sitemap.xml, written in Python.

    A section page holds up to 2,000 addresses; through the template engine
    (four lookups, an `if` and a localised date filter per address) that was
    about 170 ms a page, 90% of its time. Given to the section view as its
    `template_name`: TemplateResponse renders any object with `render()`."""

    HEAD = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    )

    def render(self, context=None, request=None):
        zone = timezone.get_current_timezone()
        return "".join([self.HEAD, *(self.url(url, zone) for url in context["urlset"]), "</urlset>\n"])

    @staticmethod
    def day(value, zone):
        # As the template's `date:"Y-m-d"`.
        value = on_site_clock(value, zone)
        if isinstance(value, datetime.datetime):
            value = value.date()
        return value.isoformat()

    def url(self, url, zone):
        parts = [f"<url><loc>{escape(url['location'])}</loc>"]
        if url.get("lastmod"):
            parts.append(f"<lastmod>{self.day(url['lastmod'], zone)}</lastmod>")
        if url.get("changefreq"):
            parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url.get("priority"):
            parts.append(f"<priority>{escape(url['priority'])}</priority>")
        parts.extend(
            f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" href="{escape(alternate["location"])}"/>'
            for alternate in url.get("alternates", ())
        )
        parts.append("</url>\n")
        return "".join(parts)

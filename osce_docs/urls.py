from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import feeds, views
from .health import healthz
from .sitemaps import UrlsetTemplate, sitemap_index, sitemaps

admin.site.site_header = "OSCE anti-trafficking document library"
admin.site.site_title = "Document library admin"
admin.site.index_title = "Documents and reference data"

# The shared pages (home, countries, topics, files, feeds) under the `core` namespace.
core_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<str:iso2>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("files/<int:pk>/<str:name>", views.attachment_download, name="attachment_download"),
    path("feeds/latest/", feeds.LatestDocumentsFeed(), name="latest_feed"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include((core_patterns, "core"))),
    path("search/", include("osce_docs.search_urls")),
    path("", include("decisions.urls")),
    path("alliance/", include("alliance.urls")),
    # An index of sections, each paginated (?p=2): every page costs the same at any size.
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps, "template_name": UrlsetTemplate()},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

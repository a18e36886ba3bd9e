"""The public pages every kind shares: home, countries, topics, files; and
the mixins the apps' public views are built on. (The search page is in
osce_docs/search_views.py.)"""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from .fileserving import content_disposition, serve_attachment  # noqa: F401 (content_disposition kept importable here)
from .filters import active_filters
from .models import (
    Attachment,
    Document,
    DocumentCount,
    DocumentKind,
    DocumentRelation,
    RecommendationCount,
    State,
    Topic,
    TopicDocumentCount,
    attach_card_topics,
)
from .pagination import WindowPaginator

PAGE_SIZE = 25


class PublishedMixin:
    """The one place the public side narrows to published records.

    `get_queryset()` starts from the model's `.published()`; views needing a
    second list (a country's reports, a topic's documents) ask `published(Model)`."""

    def published(self, model):
        return model._default_manager.published()

    def get_queryset(self):
        return self.published(self.model)


class FilteredListView(PublishedMixin, FilterView):
    """A filtered, paginated public list with its count, active filters and feed."""

    paginate_by = PAGE_SIZE
    paginator_class = WindowPaginator
    feed_url_name = None
    noun = _("document")
    noun_plural = _("documents")

    def kept_total(self):
        """The whole published list's total, kept by the database, or None."""
        kind = getattr(self.model, "DOCUMENT_KIND", None)
        return DocumentCount.objects.total(kind=kind) if kind else None

    def get_paginator(self, *args, **kwargs):
        # The whole published list: its exact total is kept by the database
        # (DocumentCount, RecommendationCount), so it is read, not counted.
        words = self.request.GET.get("q", "").strip()
        if not active_filters(self.filterset, self.request) and not words:
            kwargs["total"] = self.kept_total()
        return super().get_paginator(*args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator, page = context.get("paginator"), context.get("page_obj")
        if paginator is not None and page is not None:
            context["page_range"] = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        params = self.request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
        if self.feed_url_name:
            feed_url = reverse(self.feed_url_name)
            context["feed_url"] = f"{feed_url}?{query}" if query else feed_url
        context.update(
            active_filters=active_filters(self.filterset, self.request),
            noun=self.noun,
            noun_plural=self.noun_plural,
        )
        return context


class DocumentDetailView(PublishedMixin, DetailView):
    """A published document's page: its files and its relations both ways."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        context["relations"] = DocumentRelation.objects.seen_from(document)
        context["attachments"] = document.attachments.all()
        return context


def newest_first(documents):
    """{kind: its documents, newest first}, from documents read in one query."""
    by_kind = {kind: [] for kind in DocumentKind.values}
    for document in sorted(documents, key=lambda d: (d.published_on or datetime.date.min, d.pk), reverse=True):
        by_kind[document.kind].append(document)
    return by_kind


class HomeView(PublishedMixin, TemplateView):
    template_name = "osce_docs/home.html"
    latest_per_kind = 4

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = DocumentCount.objects.published_by_kind()
        # The latest of every kind in one query, and their topics in one more.
        documents = self.published(Document)
        latest = list(
            documents.cards(*(documents.of_kind(kind).newest_ids(self.latest_per_kind) for kind in DocumentKind.values))
        )
        attach_card_topics(latest)
        latest = newest_first(latest)
        context.update(
            counts={
                # Kept by the database: read, not counted (DocumentCount, RecommendationCount).
                "decisions": published[DocumentKind.DECISION],
                "reports": published[DocumentKind.REPORT],
                "recommendations": RecommendationCount.objects.published(),
                "events": published[DocumentKind.EVENT],
                "statements": published[DocumentKind.STATEMENT],
            },
            latest_decisions=latest[DocumentKind.DECISION],
            latest_reports=latest[DocumentKind.REPORT],
            latest_events=latest[DocumentKind.EVENT],
            latest_statements=latest[DocumentKind.STATEMENT],
            countries=State.objects.with_document_counts().filter(document_total__gt=0).order_by("name"),
            topics=Topic.objects.with_document_counts().filter(document_total__gt=0),
        )
        return context


class CountryListView(TemplateView):
    template_name = "osce_docs/country_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        states = list(State.objects.with_document_counts())
        context["participating"] = [s for s in states if s.is_participating]
        context["partners"] = [s for s in states if not s.is_participating]
        return context


class CountryDetailView(PublishedMixin, DetailView):
    """A country's dossier: visits and reports, recommendations and what became
    of them, decisions naming it, Alliance events it hosted.

    Each section shows the latest few and links to the full filtered list. The
    same number of queries at any size (7), and no section reads more than the
    State's share of the library (see DocumentQuerySet.tied_to)."""

    model = State
    template_name = "osce_docs/country_detail.html"
    context_object_name = "country"
    section_limit = 10

    def get_object(self, queryset=None):
        return get_object_or_404(State.objects.with_counts_by_kind(), iso2=self.kwargs["iso2"].upper())

    def newest_ids(self, kind, tie):
        """The newest published documents of KIND that TIE ties to the State, as a subquery."""
        state = self.object
        tied = getattr(state, f"concerning_{kind}")
        # Naming is one link table for every kind: the State's side reads all of them.
        named = sum(getattr(state, f"concerning_{other}") for other in DocumentKind.values)
        return (
            self.published(Document)
            .of_kind(kind)
            .tied_to(
                state,
                tie,
                tied=tied,
                total=getattr(state, f"published_{kind}"),
                limit=self.section_limit,
                state_rows=named if tie == "named" else tied,
            )
            .newest_ids(self.section_limit)
        )

    def get_context_data(self, **kwargs):
        from decisions.models import CountryVisitReport, Recommendation

        context = super().get_context_data(**kwargs)
        limit = self.section_limit
        # Along the country's listing index (as the reports list), stopping
        # at the tenth published: not all of its reports, then a sort (Italy's
        # 1,435 at a million: 4.8 ms on PostgreSQL).
        reports = list(
            self.published(CountryVisitReport)
            .filter(country=self.object)
            .select_related("country", "representative")
            .with_visit_periods()
            .newest_first()[:limit]
        )
        # The recommendations of the reports shown, newest report first.
        recommendations = (
            self.published(Recommendation)
            .filter(report__in=[report.pk for report in reports])
            .for_listing()
            .order_by("-report__listing_date", "report_id", "number")[: limit * 2]
        )
        others = list(
            self.published(Document).cards(
                self.newest_ids(DocumentKind.DECISION, "named"),
                self.newest_ids(DocumentKind.EVENT, "hosted"),
                self.newest_ids(DocumentKind.STATEMENT, "named"),
            )
        )
        attach_card_topics([*reports, *others])
        others = newest_first(others)
        context.update(
            section_limit=limit,
            reports=reports,
            recommendations=recommendations,
            decisions=others[DocumentKind.DECISION],
            events=others[DocumentKind.EVENT],
            statements=others[DocumentKind.STATEMENT],
        )
        return context


class TopicListView(TemplateView):
    template_name = "osce_docs/topic_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topics"] = Topic.objects.with_document_counts()
        return context


class TopicDetailView(PublishedMixin, ListView):
    """Every published document on one topic, newest first."""

    template_name = "osce_docs/topic_detail.html"
    paginate_by = PAGE_SIZE
    paginator_class = WindowPaginator

    def get_queryset(self):
        self.topic = get_object_or_404(Topic.objects.select_related("published_count"), slug=self.kwargs["slug"])
        return self.published(Document).for_topic(self.topic).for_cards()

    def get_paginator(self, *args, **kwargs):
        # The topic's published documents are counted by the database
        # (TopicDocumentCount, read with the topic): read, not counted.
        try:
            kwargs["total"] = self.topic.published_count.count
        except TopicDocumentCount.DoesNotExist:
            pass
        return super().get_paginator(*args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topic"] = self.topic
        if context.get("page_obj"):
            context["page_range"] = context["paginator"].get_elided_page_range(context["page_obj"].number)
        return context


@require_safe
def attachment_download(request, pk, name):
    """A published document's file, streamed from storage under its original name."""
    attachment = get_object_or_404(PublishedMixin().published(Attachment), pk=pk)
    if name != attachment.original_name:
        return redirect(attachment, permanent=True)
    if not attachment.file.storage.exists(attachment.file.name):
        raise Http404(_("The file is missing from storage."))
    # Headers, ranges, conditional requests and X-Accel-Redirect: fileserving.py.
    return serve_attachment(request, attachment)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

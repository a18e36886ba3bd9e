"""Every list page runs a fixed, small number of queries, whatever the page
size and the number of documents; whole-list totals are read, not counted."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.views import EventListView, StatementListView
from decisions.views import DecisionListView, RecommendationListView, ReportListView
from osce_docs import search_views
from osce_docs.models import Document
from osce_docs.views import TopicDetailView

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8
LIST_VIEWS = [DecisionListView, ReportListView, RecommendationListView, EventListView, StatementListView]
PAGES = [
    "/decisions/",
    "/decisions/?body=pc&year_from=1990&topic=prevention",
    "/reports/",
    "/reports/?year_from=2004&topic=protection",
    "/recommendations/",
    "/recommendations/?area=protection&status=partial",
    "/alliance/",
    "/alliance/?kind=workshop&topic=prevention",
    "/alliance/statements/",
    "/alliance/statements/?partner=anti-slavery-international",
    # Words on a list: on SQLite one more query, to tell common words from rare ones.
    "/reports/?q=victims+shelter&year_from=2004",
    "/decisions/?q=trafficking",
    # A phrase: on PostgreSQL the planner's estimate of its pairs, then (when
    # few) the matches read first, which the list then holds by id.
    "/decisions/?q=%22mechanism+referral+national%22",
    "/reports/?q=%22national+referral+mechanism%22",
    "/recommendations/?q=trafficking&area=protection",
    "/recommendations/?q=%22national+referral+mechanism%22",
    "/topics/prevention/",
    "/search/?q=trafficking",
    "/search/?q=%22national+referral+mechanism%22",
    "/search/?q=national+referral+mechanism",
    "/search/?q=PC.DEC/557",
]
# Not lists: a fixed number of queries (asserted below), not bound by 8.
OTHER_PAGES = ["/", "/countries/"]
# Pages whose cost must not grow with the library: at most 8 queries, the same
# number for a small and a larger corpus (the dossier is the busiest State's).
FLAT_PAGES = ["/", "/countries/", "/topics/", "/alliance/partners/", "/sitemap.xml", "/sitemap-documents.xml", "/sitemap-documents.xml?p=2"]


@pytest.fixture
def corpus():
    call_command("seed_demo", "--documents", "400", "--seed", "5", stdout=StringIO())


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("url", PAGES)
def test_query_count_is_small_and_the_same_for_25_or_100_a_page(client, corpus, monkeypatch, url):
    at_25 = queries_for(client, url)
    for view in [*LIST_VIEWS, TopicDetailView]:
        monkeypatch.setattr(view, "paginate_by", 100)
    monkeypatch.setattr(search_views, "PER_PAGE", 100)
    at_100 = queries_for(client, url)
    assert len(at_25) <= MAX_QUERIES, "\n".join(at_25)
    assert len(at_100) == len(at_25), url


def test_query_count_does_not_grow_with_the_corpus(client):
    # Both corpora fill every section (an empty section skips its prefetch queries).
    call_command("seed_demo", "--documents", "300", "--seed", "2", stdout=StringIO())
    small = {url: len(queries_for(client, url)) for url in PAGES + OTHER_PAGES}
    call_command("seed_demo", "--clear", "--documents", "700", "--seed", "2", stdout=StringIO())
    large = {url: len(queries_for(client, url)) for url in PAGES + OTHER_PAGES}
    # Never more queries for more documents (search may take a cheaper path when many match).
    assert all(large[url] <= small[url] for url in small), (small, large)


def test_unfiltered_lists_read_their_total_instead_of_counting(client, corpus):
    from decisions.models import Recommendation
    from osce_docs.models import Topic

    for url in ("/decisions/", "/reports/", "/recommendations/", "/alliance/", "/alliance/statements/", "/topics/prevention/"):
        assert not any("COUNT(" in sql.upper() for sql in queries_for(client, url)), url
    recommendations = Recommendation.objects.published().count()
    assert f"{recommendations} recommendations match" in client.get("/recommendations/").content.decode()
    on_topic = Document.objects.published().for_topic(Topic.objects.get(slug="prevention")).count()
    assert f"{on_topic} documents" in client.get("/topics/prevention/").content.decode()


def test_filtered_lists_count_no_further_than_the_window(client, corpus, settings):
    settings.LIST_RESULT_WINDOW = 50
    sqls = queries_for(client, "/decisions/?body=pc")
    counting = [sql for sql in sqls if "COUNT(" in sql.upper()]
    assert counting and all("LIMIT 51" in sql for sql in counting)
    response = client.get("/decisions/?body=pc")
    assert "More than 50 decisions match" in response.content.decode()


def test_counting_a_filtered_list_from_a_sample_takes_no_extra_query(client, corpus, settings, monkeypatch):
    from osce_docs import pagination

    settings.LIST_RESULT_WINDOW = 50
    filtered = [url for url in PAGES if "=" in url and not url.startswith("/search/")]
    counted = {url: len(queries_for(client, url)) for url in filtered}
    # Five runs of ten ids: far fewer than the corpus spans, so every count samples.
    monkeypatch.setattr(pagination, "SAMPLE_RUNS", 5)
    monkeypatch.setattr(pagination, "SAMPLE_RUN_IDS", 10)
    sampled = {url: queries_for(client, url) for url in filtered}
    assert {url: len(sqls) for url, sqls in sampled.items()} == counted
    # A list its words showed to be empty has nothing to count (PostgreSQL reads
    # the few recommendations holding a phrase before the list).
    empty = {url for url in filtered if not client.get(url).context["page_obj"].object_list}
    assert all(any("WITH RECURSIVE" in sql for sql in sqls) for url, sqls in sampled.items() if url not in empty)
    assert len(empty) < len(filtered) / 2, empty
    response = client.get("/decisions/?body=pc")
    assert "More than 50 decisions match" in response.content.decode()


def test_a_page_beyond_the_window_is_a_404_that_says_to_narrow_the_results(client, corpus, settings):
    settings.LIST_RESULT_WINDOW = 50
    response = client.get("/decisions/?page=3")
    assert response.status_code == 404
    assert "narrow the results" in response.content.decode()
    assert client.get("/decisions/?page=2").status_code == 200


def busiest_dossier():
    """The dossier of the State with the most published reports, so that every section has rows."""
    from osce_docs.models import State

    state = max(State.objects.with_counts_by_kind(), key=lambda s: (s.concerning_report, s.concerning_decision))
    return state.get_absolute_url()


def test_public_pages_run_the_same_few_queries_for_a_small_and_a_larger_corpus(client, monkeypatch):
    from osce_docs.sitemaps import DocumentSitemap

    monkeypatch.setattr(DocumentSitemap, "limit", 150)  # a second sitemap page even for the small corpus
    call_command("seed_demo", "--documents", "300", "--seed", "3", stdout=StringIO())
    small = {url: queries_for(client, url) for url in FLAT_PAGES}
    small["dossier"] = queries_for(client, busiest_dossier())
    call_command("seed_demo", "--clear", "--documents", "900", "--seed", "3", stdout=StringIO())
    large = {url: queries_for(client, url) for url in FLAT_PAGES}
    large["dossier"] = queries_for(client, busiest_dossier())
    for page, queries in small.items():
        assert len(queries) <= MAX_QUERIES, "\n".join(queries)
        assert len(large[page]) == len(queries), page


def test_home_countries_topics_and_sitemap_read_kept_counts_instead_of_counting(client, corpus):
    for url in ("/", "/countries/", "/topics/", "/sitemap.xml"):
        counting = [sql for sql in queries_for(client, url) if "COUNT(" in sql.upper() and "osce_docs_document" in sql]
        assert not counting, (url, counting)

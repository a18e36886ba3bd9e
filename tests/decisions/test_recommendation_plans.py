"""The recommendations explorer (a country, an area and a status) as SQLite
plans it for a million documents: the sampled count's runs read only the
country's matches of the area and status from one index, and the page still
walks the country's reports in order rather than gather and sort every match
(decisions 0013 and 0014). PostgreSQL asks for the report's country alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import RecommendationArea
from tests.factories import RecommendationFactory, ReportFactory, StateFactory
from tests.sqlite_statistics import use_statistics

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_library")]

# SQLite's statistics for these tables at a million documents (seed_demo
# --documents 1000000 --seed 1, migrated to decisions 0014, then ANALYZE):
# the planner's choice depends on them.
MILLION_DOCUMENT_STATISTICS = [
    ("decisions_countryvisitreport", "decisions_countryvisitreport_country_id_374efc10", "79727 1399"),
    ("decisions_countryvisitreport", "decisions_countryvisitreport_representative_id_239ef8f4", "79727 13288"),
    ("decisions_countryvisitreport", "report_country_listing_order", "79727 1399 2 1"),
    ("decisions_countryvisitreport", "report_id_filters", "79727 1 1 1 1"),
    ("decisions_countryvisitreport", "report_listing_order", "79727 10 1"),
    ("decisions_countryvisitreport", "report_representative_listing", "79727 13288 10 1"),
    ("decisions_recommendation", "decisions_recommendation_report_id_bb4d06b1", "1394644 18"),
    ("decisions_recommendation", "recommendation_area", "1394644 199235"),
    ("decisions_recommendation", "recommendation_explorer", "1394644 199235 39847 700 1 1"),
    ("decisions_recommendation", "recommendation_id_filters", "1394644 1 1 1 1"),
    ("decisions_recommendation", "recommendation_report_status", "1394644 18 5 2 2"),
    ("osce_docs_document", "document_public_listing", "1000008 500004 125001 16"),
    ("osce_docs_document", "document_published_order", "1000008 500004 55 1"),
    ("osce_docs_document", "document_status_by_id", "1000008 1 1"),
    ("osce_docs_document", "osce_docs_document_kind_1e27368a", "1000008 250002"),
]
COPY = '"decisions_recommendation"."country_id" ='  # a condition on the copy


def _plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [str(row[-1]) for row in cursor.fetchall()]


@pytest.fixture
def explorer_queries(client):
    """The count's and the page's SQL of the explorer for one country's
    unassessed prevention recommendations."""
    austria = StateFactory(iso2="AT")
    for country in (austria, StateFactory(iso2="BE")):
        report = ReportFactory(country=country, published=True)
        RecommendationFactory(report=report, area=RecommendationArea.PREVENTION)
    if connection.vendor == "sqlite":
        use_statistics(MILLION_DOCUMENT_STATISTICS)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("decisions:recommendation_list"), {"country": "at", "area": "prevention", "status": "none"}
        )
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 1
    sqls = [query["sql"] for query in queries.captured_queries]
    count = next(sql for sql in sqls if "WITH RECURSIVE" in sql)
    page = next(sql for sql in sqls if sql.startswith('SELECT "decisions_recommendation"."id"') and "ORDER BY" in sql)
    return count, page


def test_the_counts_runs_read_only_the_countrys_matches_from_one_index(explorer_queries):
    count, _page = explorer_queries
    if connection.vendor != "sqlite":
        assert COPY not in count
        return
    runs = [step for step in _plan(count) if "rowid>?" in step or "id>?" in step]
    assert runs, _plan(count)
    explorer = (
        "COVERING INDEX recommendation_explorer (area=? AND latest_status=? AND country_id=? AND id>? AND id<?)"
    )
    assert all(explorer in step for step in runs), runs


def test_the_page_walks_the_countrys_reports_in_order_not_a_sort_of_every_match(explorer_queries):
    _count, page = explorer_queries
    if connection.vendor != "sqlite":
        assert COPY not in page
        return
    plan = _plan(page)
    assert any("report_country_listing_order" in step for step in plan), plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert not any("recommendation_explorer" in step for step in plan), plan

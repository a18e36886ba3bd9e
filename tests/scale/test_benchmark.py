"""The benchmark command runs on a small corpus and reports every scenario."""

import gc
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from osce_docs import benchmark

pytestmark = pytest.mark.django_db


def test_benchmark_reports_every_scenario_beside_the_bare_view(tmp_path):
    call_command("seed_demo", "--documents", "200", stdout=StringIO())
    out = StringIO()
    report = tmp_path / "benchmark.json"
    # A 200-document corpus has no page 2,000: the deep page scenario asks for the last page served.
    call_command("benchmark", "--requests", "2", "--download-mb", "1", "--json", str(report), stdout=out)
    text = out.getvalue()
    payload = json.loads(report.read_text())
    names = [result["scenario"] for result in payload["results"]]
    assert names[0] == "bare Django view"
    for name, _group, _address in [*benchmark.scenarios(), *benchmark.admin_scenarios()]:
        assert name in names
        assert name in text
    assert "download 1 MB file" in names
    assert payload["corpus"]["synthetic"] == 200
    bare = payload["results"][0]
    assert bare["available"] and bare["status"] == 200 and bare["queries"] == 0 and bare["ratio_p95"] == 1.0
    assert bare["cached_p95_ms"] is None  # the floor is the view alone, never a cache hit
    assert "cached/bare" in text
    minimal = payload["results"][1]
    assert minimal["scenario"] == "minimal Django list (25 rows)"
    # One query for its 25 rows, drawn as 25 lines; never a cache hit either.
    assert minimal["status"] == 200 and minimal["queries"] == 1 and minimal["cached_p95_ms"] is None
    assert minimal["ratio_p95"] > 0
    for result in payload["results"]:
        if result["available"]:
            assert result["p95_ms"] >= result["p50_ms"] > 0
            assert result["status"] == 200, result
            assert result["size"] > 0
            if result["group"] in {"list", "detail", "search"}:
                assert 0 < result["queries"] <= 20, result
                # Measured rendered (the page cache off) and again from the cache: one query, the version.
                assert result["cached_queries"] == 1, result
                assert result["cached_p95_ms"] > 0 and result["cached_ratio_p95"] > 0, result
            if result["group"] == "admin":
                # Logged in (a 200, not the redirect to the login page), never from the page cache.
                assert 0 < result["queries"] <= 20, result
                assert result["cached_p95_ms"] is None, result
        else:
            assert result["note"].startswith("not available"), result
    # The staff pages' superuser was temporary.
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username__startswith="benchmark-").exists()


def test_percentiles_interpolate_between_ordered_values():
    assert benchmark.percentile([5, 1, 3], 0.5) == 3
    assert benchmark.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 0.95) == 20
    assert benchmark.percentile([7], 0.95) == 7


def test_benchmark_refuses_zero_requests():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("benchmark", "--requests", "0", stdout=StringIO())


def test_compare_adds_each_p95_as_a_multiple_of_an_earlier_runs(tmp_path):
    call_command("seed_demo", "--documents", "50", stdout=StringIO())
    earlier = tmp_path / "earlier.json"
    earlier.write_text(
        json.dumps(
            {
                "corpus": {"database": "sqlite", "documents": 10_000},
                "results": [
                    {"scenario": "home", "available": True, "p95_ms": 0.001},
                    {"scenario": "countries", "available": False, "p95_ms": None},
                ],
            }
        )
    )
    out = StringIO()
    call_command(
        "benchmark", "--requests", "2", "--download-mb", "0", "--only", "home", "--only", "countries",
        "--compare", str(earlier), stdout=out,
    )
    text = out.getvalue()
    assert "Compared with" in text and "10,000 documents on sqlite" in text
    assert "p95/baseline" in text
    home = next(line for line in text.splitlines() if line.startswith("| home "))
    header_line = next(line for line in text.splitlines() if line.startswith("| scenario "))
    header = [cell.strip() for cell in header_line.strip("|").split("|")]
    column = header.index("p95/baseline")
    cells = [cell.strip() for cell in home.strip("|").split("|")]
    # The home page cannot answer in a microsecond: its multiple of that p95 is large, and computed.
    assert float(cells[column]) > 100
    countries = next(line for line in text.splitlines() if line.startswith("| countries "))
    assert [cell.strip() for cell in countries.strip("|").split("|")][column] == ""


def test_compare_refuses_a_file_that_is_not_a_benchmark_report(tmp_path):
    from django.core.management import CommandError

    broken = tmp_path / "broken.json"
    broken.write_text("not json")
    with pytest.raises(CommandError, match="not a JSON file written by benchmark"):
        call_command("benchmark", "--requests", "1", "--compare", str(broken), stdout=StringIO())


def test_filtered_scenarios_ask_for_the_values_with_the_most_published_results():
    """So that a filtered list fills its page at 10,000 documents as at a million."""
    from tests.factories import (
        RecommendationFactory,
        ReportFactory,
        SpecialRepresentativeFactory,
        StateFactory,
        TopicFactory,
    )

    few, many, drafted = StateFactory(iso2="FI"), StateFactory(iso2="SE"), StateFactory(iso2="NO")
    busy, quiet = SpecialRepresentativeFactory(), SpecialRepresentativeFactory()
    labour, prevention = TopicFactory(slug="labour"), TopicFactory(slug="prevention")
    ReportFactory(published=True, country=few, representative=quiet, topics=[prevention])
    for _ in range(2):
        ReportFactory(published=True, country=many, representative=busy, topics=[labour])
    ReportFactory(published=True, country=few, representative=busy, topics=[prevention], published_on=date(2009, 1, 1))
    # Drafts are not what the public lists show: they never pick a value.
    for _ in range(3):
        report = ReportFactory(country=drafted, representative=quiet, topics=[prevention])
        RecommendationFactory.create_batch(3, report=report, area="prevention")
    RecommendationFactory(report=ReportFactory(published=True, country=few), area="prevention")
    RecommendationFactory(report=ReportFactory(published=True, country=many), area="prevention", latest_status="partial")
    RecommendationFactory(report=ReportFactory(published=True, country=many), area="protection")

    assert benchmark._reports_of_one_country() == "country=se"
    assert benchmark._reports_of_a_representative_on_a_topic() == (
        f"representative={busy.slug}&year_from=2010&topic=labour"
    )
    assert benchmark._recommendations_of_one_country() == "country=fi&area=prevention&status=none"


def test_a_filtered_scenario_with_nothing_to_filter_is_not_available():
    from decisions.models import CountryVisitReport
    from osce_docs.models import Status

    CountryVisitReport.objects.update(status=Status.DRAFT)  # the seed data's reports, unpublished
    with pytest.raises(benchmark.NotAvailable, match="no published rows with a country iso2"):
        benchmark._reports_of_one_country()


def test_the_deepest_page_served_is_asked_as_the_last_page_so_a_short_list_answers_and_a_shallower_one_as_itself(client):
    call_command("seed_demo", "--documents", "200", stdout=StringIO())
    deep = [(name, address) for name, _group, address in benchmark.scenarios(deep_page=40) if "deep page" in name]
    assert len(deep) >= 4
    for name, address in deep:
        assert client.get(address()).status_code == 200, name
    # A shallower deep page is that page.
    shallow = [address() for name, _group, address in benchmark.scenarios(deep_page=2) if "deep page" in name]
    assert shallow and all(url.endswith("page=2") for url in shallow), shallow


def test_the_minimal_django_list_draws_the_25_newest_published_documents_and_no_draft(client, settings):
    """The benchmark's reference list: the floor under the site's lists, so it must list what they list."""
    from tests.factories import DecisionFactory, EventFactory

    settings.ROOT_URLCONF = "osce_docs.benchmark"
    published = [DecisionFactory(published=True) for _ in range(20)] + [EventFactory(published=True) for _ in range(10)]
    draft = DecisionFactory(title="A draft nobody may see")
    response = client.get(benchmark.MINIMAL_LIST_PATH)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<li>") == 25
    newest = sorted(published, key=lambda document: document.pk, reverse=True)[:25]
    for document in newest:
        assert f'<a href="{document.get_absolute_url()}">' in html
    assert draft.title not in html
    assert published[0].get_absolute_url() not in html  # the oldest five are past the 25


def test_the_benchmark_measures_with_the_loaded_objects_frozen_as_the_app_server_does_and_thaws_them_after():
    frozen_while_measuring = []

    def note_frozen(_result):
        frozen_while_measuring.append(gc.get_freeze_count())

    benchmark.run(requests=1, download_mb=0, only=["countries"], progress=note_frozen)
    assert frozen_while_measuring and all(count > 10_000 for count in frozen_while_measuring)
    assert gc.get_freeze_count() == 0


def test_the_report_detail_scenario_shows_a_report_of_a_usual_length_not_whichever_is_newest():
    """A report's page lists all its recommendations: the newest report alone
    compared pages of different lengths at different corpus sizes."""
    from tests.factories import RecommendationFactory, ReportFactory

    usual = ReportFactory(published=True)
    RecommendationFactory.create_batch(7, report=usual)
    RecommendationFactory.create_batch(12, report=ReportFactory(published=True))
    RecommendationFactory.create_batch(7, report=ReportFactory())  # a draft: never shown
    RecommendationFactory.create_batch(2, report=ReportFactory(published=True))  # the newest

    assert benchmark._report_of_a_usual_length(usual=7) == usual

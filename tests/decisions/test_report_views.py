"""Public pages of country-visit reports and the recommendations explorer."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import FollowUpStatus, RecommendationArea
from tests.factories import (
    AttachmentFactory,
    FollowUpFactory,
    RecommendationFactory,
    ReportFactory,
    SpecialRepresentativeFactory,
    StateFactory,
    TopicFactory,
    VisitPeriodFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_library")]

REPORTS = reverse("decisions:report_list")
RECOMMENDATIONS = reverse("decisions:recommendation_list")


def listed(response):
    return [row.pk for row in response.context["object_list"]]


def report(year=2013, **kwargs):
    kwargs.setdefault("published", True)
    return ReportFactory(published_on=datetime.date(year, 11, 1), **kwargs)


class TestReportList:
    def test_shows_published_reports_only(self, client):
        published, draft = report(title="Visit to Testland"), report(published=False, title="Draft visit")
        response = client.get(REPORTS)
        assert listed(response) == [published.pk]
        assert "Draft visit" not in response.text and draft.pk not in listed(response)

    def test_filter_by_country(self, client):
        here = report(country=StateFactory(iso2="QO"))
        report(country=StateFactory(iso2="QP"))
        assert listed(client.get(REPORTS, {"country": "qo"})) == [here.pk]

    def test_filter_by_year(self, client):
        in_2013, _other = report(2013), report(2015)
        assert listed(client.get(REPORTS, {"year": "2013"})) == [in_2013.pk]

    def test_year_bounds_read_the_listing_date_and_leave_out_undated_reports(self, client):
        early, late = report(2008), report(2016)
        undated = ReportFactory(published=True, published_on=None)
        undated.refresh_from_db()
        assert undated.listing_date == datetime.date.min  # the database's stand-in for "no date"
        with CaptureQueriesContext(connection) as captured:
            assert listed(client.get(REPORTS, {"year_to": "2010"})) == [early.pk]
        assert any('"listing_date" <=' in query["sql"] for query in captured.captured_queries)
        assert listed(client.get(REPORTS, {"year_from": "2010"})) == [late.pk]
        assert listed(client.get(REPORTS, {"year": "2008"})) == [early.pk]
        assert set(listed(client.get(REPORTS))) == {early.pk, late.pk, undated.pk}
        match = RecommendationFactory(report=early)
        RecommendationFactory(report=undated)
        assert listed(client.get(RECOMMENDATIONS, {"year_to": "2010"})) == [match.pk]

    def test_filter_by_representative_slug(self, client):
        representative = SpecialRepresentativeFactory(slug="maria-test")
        theirs, _other = report(representative=representative), report()
        assert listed(client.get(REPORTS, {"representative": "maria-test"})) == [theirs.pk]

    def test_filter_by_topic(self, client):
        topic = TopicFactory()
        tagged, _other = report(topics=[topic]), report()
        assert listed(client.get(REPORTS, {"topic": topic.slug})) == [tagged.pk]

    def test_filter_by_words(self, client):
        match, _other = report(summary="Forced criminality in agriculture"), report()
        assert listed(client.get(REPORTS, {"q": "criminality"})) == [match.pk]

    def test_filters_combine(self, client):
        state, topic = StateFactory(iso2="QQ"), TopicFactory()
        match = report(2013, country=state, topics=[topic])
        report(2014, country=state, topics=[topic])
        report(2013, country=state)
        assert listed(client.get(REPORTS, {"country": "QQ", "year": "2013", "topic": topic.slug})) == [match.pk]

    @pytest.mark.parametrize("params", [{"country": "zz"}, {"year": "abc"}, {"representative": "nobody"}])
    def test_a_wrong_value_is_a_message_not_an_error(self, client, params):
        report(country=StateFactory(iso2="QW"))  # never ZZ, the code the test calls unknown
        response = client.get(REPORTS, params)
        assert response.status_code == 200
        assert listed(response) == []
        assert "Please correct this filter" in response.text

    def test_shows_visit_periods_and_representative(self, client):
        representative = SpecialRepresentativeFactory(name="Maria Testinaro")
        shown = report(representative=representative)
        # Entered out of order: shown in date order, on the list and on the country's page.
        VisitPeriodFactory(report=shown, start_on=datetime.date(2013, 7, 15), end_on=datetime.date(2013, 7, 19))
        VisitPeriodFactory(report=shown, start_on=datetime.date(2013, 6, 17), end_on=datetime.date(2013, 6, 18))
        report(year=2012, country=shown.country)
        for page in (REPORTS, shown.country.get_absolute_url()):
            response = client.get(page)
            assert "Visited 17–18 June 2013 and 15–19 July 2013" in response.text
            assert "Visited (dates not recorded)" in response.text
            assert "Maria Testinaro" in response.text

    def test_queries_do_not_grow_with_the_number_of_results(self, client, django_assert_max_num_queries):
        topic = TopicFactory()

        def make():
            made = report(topics=[topic])
            VisitPeriodFactory(report=made)
            return made

        make()
        with CaptureQueriesContext(connection) as one_result:
            assert len(listed(client.get(REPORTS))) == 1
        for _ in range(24):
            make()
        with django_assert_max_num_queries(len(one_result)):
            assert len(listed(client.get(REPORTS))) == 25


class TestReportDetail:
    def test_shows_everything_a_reader_needs(self, client):
        state = StateFactory(iso2="QR", name="Testland QR")
        representative = SpecialRepresentativeFactory(name="Maria Testinaro")
        shown = report(
            country=state,
            representative=representative,
            promising_practices="A national referral mechanism.",
            challenges="Too few labour inspectors.",
        )
        VisitPeriodFactory(report=shown, start_on=datetime.date(2013, 6, 17), end_on=datetime.date(2013, 6, 18))
        RecommendationFactory(report=shown, number=2, text="Second: train labour inspectors.")
        RecommendationFactory(report=shown, number=1, text="First: fund shelters.")
        AttachmentFactory(document=shown, language="en", is_original=True)
        response = client.get(shown.get_absolute_url())
        html = response.text
        assert response.status_code == 200
        for text in (
            "Testland QR",
            "Maria Testinaro",
            "17–18 June 2013",
            "1 November 2013",
            "A national referral mechanism.",
            "Too few labour inspectors.",
            'id="recommendation-1"',
        ):
            assert text in html
        assert html.index("First: fund shelters.") < html.index("Second: train labour inspectors.")
        assert "original</span>" in html

    def test_a_draft_is_a_404(self, client):
        assert client.get(report(published=False).get_absolute_url()).status_code == 404


class TestRecommendationExplorer:
    def test_lists_recommendations_of_published_reports_only(self, client):
        shown = RecommendationFactory(report=report(), text="Visible recommendation")
        RecommendationFactory(report=report(published=False), text="Hidden recommendation")
        response = client.get(RECOMMENDATIONS)
        assert listed(response) == [shown.pk]
        assert "Hidden recommendation" not in response.text

    def test_each_links_to_its_report_and_shows_follow_ups_in_order(self, client):
        recommendation = RecommendationFactory(report=report())
        FollowUpFactory(
            recommendation=recommendation, assessed_on=datetime.date(2022, 1, 1), status=FollowUpStatus.IMPLEMENTED
        )
        FollowUpFactory(recommendation=recommendation, assessed_on=datetime.date(2016, 1, 1), status=FollowUpStatus.PARTIAL)
        html = client.get(RECOMMENDATIONS).text
        assert recommendation.get_absolute_url() in html
        assert html.index("1 January 2016") < html.index("1 January 2022")
        # The latest assessment is the status shown.
        assert 'status--implemented">implemented' in html

    def test_filter_by_country_area_year_and_representative(self, client):
        state, representative = StateFactory(iso2="QS"), SpecialRepresentativeFactory(slug="rep-qs")
        match = RecommendationFactory(
            report=report(2013, country=state, representative=representative), area=RecommendationArea.PREVENTION
        )
        # Its own State: a factory-made one could be QS again once the codes wrap round.
        other = RecommendationFactory(
            report=report(2016, country=StateFactory(iso2="QT")), area=RecommendationArea.PROTECTION
        )
        assert listed(client.get(RECOMMENDATIONS, {"country": "qs"})) == [match.pk]
        assert listed(client.get(RECOMMENDATIONS, {"area": "protection"})) == [other.pk]
        assert listed(client.get(RECOMMENDATIONS, {"year": "2013"})) == [match.pk]
        assert listed(client.get(RECOMMENDATIONS, {"representative": "rep-qs"})) == [match.pk]
        assert listed(client.get(RECOMMENDATIONS, {"country": "qs", "area": "protection"})) == []

    def test_filter_by_latest_follow_up_status(self, client):
        reported = report()
        now_done = RecommendationFactory(report=reported)
        FollowUpFactory(recommendation=now_done, assessed_on=datetime.date(2015, 1, 1), status=FollowUpStatus.NOT_IMPLEMENTED)
        FollowUpFactory(recommendation=now_done, assessed_on=datetime.date(2020, 1, 1), status=FollowUpStatus.IMPLEMENTED)
        still_open = RecommendationFactory(report=reported)
        FollowUpFactory(recommendation=still_open, assessed_on=datetime.date(2020, 1, 1), status=FollowUpStatus.NOT_IMPLEMENTED)
        unassessed = RecommendationFactory(report=reported)
        assert listed(client.get(RECOMMENDATIONS, {"status": "implemented"})) == [now_done.pk]
        assert listed(client.get(RECOMMENDATIONS, {"status": "not_implemented"})) == [still_open.pk]
        assert listed(client.get(RECOMMENDATIONS, {"status": "none"})) == [unassessed.pk]

    def test_filter_by_words_in_the_recommendation(self, client):
        match = RecommendationFactory(report=report(), text="Establish a national rapporteur.")
        RecommendationFactory(report=report(), text="Fund shelters.")
        assert listed(client.get(RECOMMENDATIONS, {"q": "rapporteur"})) == [match.pk]

    def test_words_read_as_everywhere_phrases_or_and_exclusions(self, client):
        referral = RecommendationFactory(report=report(), text="Set up a national referral mechanism.")
        shelters = RecommendationFactory(report=report(), text="Fund shelters for victims of labour exploitation.")
        both = RecommendationFactory(report=report(), text="Fund shelters within the national referral mechanism.")
        assert set(listed(client.get(RECOMMENDATIONS, {"q": '"referral mechanism"'}))) == {referral.pk, both.pk}
        assert set(listed(client.get(RECOMMENDATIONS, {"q": "shelters -referral"}))) == {shelters.pk}
        assert set(listed(client.get(RECOMMENDATIONS, {"q": "rapporteur or exploitation"}))) == {shelters.pk}
        assert listed(client.get(RECOMMENDATIONS, {"q": "xyzzy"})) == []

    def test_words_are_read_from_the_recommendations_own_index(self, client):
        match = RecommendationFactory(report=report(), text="Appoint a national rapporteur.")
        RecommendationFactory(report=report(), text="Fund shelters.")
        with CaptureQueriesContext(connection) as captured:
            assert listed(client.get(RECOMMENDATIONS, {"q": "rapporteur"})) == [match.pk]
        listing = [query["sql"] for query in captured.captured_queries if "decisions_recommendation" in query["sql"]]
        # Their own index (decisions migration 0010), not their report's search entry.
        own_index = "decisions_recommendation_fts" if connection.vendor == "sqlite" else "FROM decisions_recommendation WHERE vector @@"
        assert any(own_index in sql for sql in listing)
        assert not any("osce_search" in sql for sql in listing)

    def test_word_forms_and_other_languages_match_as_on_every_list(self, client):
        trafficking = RecommendationFactory(report=report(), text="Prosecute trafficking for forced begging.")
        russian = RecommendationFactory(report=report(), text="Создать национальный механизм перенаправления.")
        RecommendationFactory(report=report(), text="Fund shelters.")
        assert listed(client.get(RECOMMENDATIONS, {"q": "trafficked"})) == [trafficking.pk]
        assert listed(client.get(RECOMMENDATIONS, {"q": "механизм"})) == [russian.pk]
        # A part of a word is not a word.
        assert listed(client.get(RECOMMENDATIONS, {"q": "traff"})) == []

    def test_a_phrase_in_the_report_but_not_in_the_recommendation_does_not_match_it(self, client):
        reported = report(summary="The national referral mechanism was reviewed.")
        inside = RecommendationFactory(report=reported, text="Fund the national referral mechanism.")
        RecommendationFactory(report=reported, text="Train national labour inspectors on referral to a mechanism.")
        with CaptureQueriesContext(connection) as captured:
            assert listed(client.get(RECOMMENDATIONS, {"q": '"national referral mechanism"'})) == [inside.pk]
        sql = " ".join(query["sql"] for query in captured.captured_queries)
        # Their own pairs of words (decisions migrations 0011, 0012), not the documents'.
        if connection.vendor == "sqlite":
            assert "decisions_recommendation_pairs_fts MATCH" in sql and "osce_search_pairs_fts" not in sql
        else:
            assert "FROM decisions_recommendation WHERE vector @@" in sql and " AND (pairs @@ " in sql
            assert "osce_docs_searchentry" not in sql

    @pytest.mark.parametrize("read_from", ["pairs", "words"])
    def test_a_phrase_finds_the_same_recommendations_from_its_pairs_or_its_words(self, client, monkeypatch, read_from):
        from osce_docs.search import PostgreSQLEngine, SQLiteEngine

        if read_from == "words":
            monkeypatch.setattr(PostgreSQLEngine, "pairs_sql", lambda self, parsed, **kwargs: ("", []))
            monkeypatch.setattr(SQLiteEngine, "pairs_query", lambda self, parsed, kind=None: (None, False))
        texts = {
            "in order": "Fund the national referral mechanism.",
            "out of order": "Every mechanism of referral should be national.",
            "with a stop word": "Identify victims of trafficking early.",
            "reordered stop word": "Trafficking of victims is a crime.",
            "shelters": "Fund shelters within the national referral mechanism.",
        }
        pks = {name: RecommendationFactory(report=report(), text=text).pk for name, text in texts.items()}
        expected = {
            '"national referral mechanism"': {"in order", "shelters"},
            '"mechanism referral national"': set(),
            '"victims of trafficking"': {"with a stop word"},
            '"national referral" -shelters': {"in order"},
            '"referral mechanism" or "trafficking of victims"': {"in order", "shelters", "reordered stop word"},
        }
        for query, names in expected.items():
            with CaptureQueriesContext(connection) as captured:
                shown = set(listed(client.get(RECOMMENDATIONS, {"q": query})))
            assert shown == {pks[name] for name in names}, query
            sql = " ".join(q["sql"] for q in captured.captured_queries)
            from_pairs = "pairs @@" in sql if connection.vendor == "postgresql" else "decisions_recommendation_pairs_fts" in sql
            assert from_pairs == (read_from == "pairs"), query

    @pytest.mark.parametrize("window", [2, 1000], ids=["more matches than the window", "fewer"])
    def test_the_same_recommendations_match_however_many_there_are(self, client, settings, window):
        # PostgreSQL lists at most a window's matches before the list and
        # leaves more to a subquery; either way the same rows, in the list's order.
        settings.LIST_RESULT_WINDOW = window
        older, newer = report(year=2010), report(year=2020)
        matches = [RecommendationFactory(report=reported, text="Protect child victims.") for reported in (older, newer, newer)]
        RecommendationFactory(report=newer, text="Fund shelters.")
        shown = listed(client.get(RECOMMENDATIONS, {"q": '"child victims"'}))
        assert shown[: min(window, 3)] == [matches[1].pk, matches[2].pk, matches[0].pk][: min(window, 3)]

    def test_edited_and_deleted_recommendations_are_found_as_they_are_now(self, client):
        recommendation = RecommendationFactory(report=report(), text="Fund shelters.")
        assert listed(client.get(RECOMMENDATIONS, {"q": "helpline"})) == []
        recommendation.text = "Open a national helpline."
        recommendation.save()
        assert listed(client.get(RECOMMENDATIONS, {"q": "helpline"})) == [recommendation.pk]
        assert listed(client.get(RECOMMENDATIONS, {"q": "shelters"})) == []
        # A two-word phrase is answered by its pair alone (SQLite): the old one is gone.
        assert listed(client.get(RECOMMENDATIONS, {"q": '"fund shelters"'})) == []
        assert listed(client.get(RECOMMENDATIONS, {"q": '"national helpline"'})) == [recommendation.pk]
        recommendation.delete()
        assert listed(client.get(RECOMMENDATIONS, {"q": "helpline"})) == []
        assert listed(client.get(RECOMMENDATIONS, {"q": '"national helpline"'})) == []

    def test_a_common_word_is_checked_row_by_row_in_the_lists_order(self, client, monkeypatch):
        from osce_docs.search import RECOMMENDATIONS as INDEX
        from osce_docs.search import SQLiteEngine
        from tests.core.test_search import checks_each_row

        monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 2)
        monkeypatch.setattr(SQLiteEngine, "PROBE_RUN_IDS", 10)
        older, newer = report(year=2010), report(year=2020)
        matches = [RecommendationFactory(report=reported, text=f"Protect victims ({reported.pk}).") for reported in (older, newer)]
        matches.append(RecommendationFactory(report=newer, text="Protect victims again."))
        RecommendationFactory(report=newer, text="Fund shelters.")
        if connection.vendor == "sqlite":
            assert checks_each_row("victims", INDEX)
            assert not checks_each_row("shelters", INDEX)
        with CaptureQueriesContext(connection) as captured:
            shown = listed(client.get(RECOMMENDATIONS, {"q": "victims"}))
        # Newest report first, then by number: the list's own order.
        assert shown == [matches[1].pk, matches[2].pk, matches[0].pk]
        if connection.vendor == "sqlite":
            assert any("EXISTS (SELECT 1 FROM decisions_recommendation_fts" in query["sql"] for query in captured.captured_queries)

    @pytest.mark.parametrize("params", [{"status": "done"}, {"area": "everything"}, {"country": "zz"}, {"year": "x"}])
    def test_a_wrong_value_is_a_message_not_an_error(self, client, params):
        RecommendationFactory(report=report(country=StateFactory(iso2="QW")))  # never ZZ
        response = client.get(RECOMMENDATIONS, params)
        assert response.status_code == 200
        assert listed(response) == []

    def test_queries_do_not_grow_with_the_number_of_results(self, client, django_assert_max_num_queries):
        def make():
            recommendation = RecommendationFactory(report=report())
            FollowUpFactory(recommendation=recommendation)
            return recommendation

        make()
        with CaptureQueriesContext(connection) as one_result:
            assert len(listed(client.get(RECOMMENDATIONS))) == 1
        for _ in range(24):
            make()
        with django_assert_max_num_queries(len(one_result)):
            assert len(listed(client.get(RECOMMENDATIONS))) == 25

    def test_the_feed_follows_the_filters(self, client):
        RecommendationFactory(report=report(), area=RecommendationArea.PREVENTION, text="Prevent with awareness.")
        RecommendationFactory(report=report(), area=RecommendationArea.PROTECTION, text="Protect with shelters.")
        body = client.get(reverse("decisions:recommendation_feed"), {"area": "prevention"}).content.decode()
        assert "Prevent with awareness." in body and "Protect with shelters." not in body

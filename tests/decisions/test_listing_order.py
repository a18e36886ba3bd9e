"""The orders of the public lists of reports and recommendations, and what
the database keeps for them: a report's listing date (a copy of the
publication date beside the country, migration decisions 0004), a
recommendation's latest follow-up status (0005) and its report's country (0013)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from decisions.filters import RecommendationFilter
from decisions.models import CountryVisitReport, FollowUp, FollowUpStatus, Recommendation, RecommendationArea
from osce_docs.demo import insert_rows
from osce_docs.models import Document, DocumentKind, Status
from osce_docs.services import document_set_status
from tests.factories import (
    FollowUpFactory,
    RecommendationFactory,
    ReportFactory,
    SpecialRepresentativeFactory,
    StateFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_library")]

UNDATED = datetime.date.min


def listing_date(report):
    return CountryVisitReport.objects.values_list("listing_date", flat=True).get(pk=report.pk)


def report(day, **kwargs):
    kwargs.setdefault("published", True)
    return ReportFactory(published_on=day, **kwargs)


def listed(response):
    return [row.pk for row in response.context["object_list"]]


class TestListingDateKeptByTheDatabase:
    def test_a_new_report_takes_its_publication_date(self):
        assert listing_date(report(datetime.date(2014, 3, 2))) == datetime.date(2014, 3, 2)

    def test_a_report_without_a_date_is_listed_as_the_earliest(self):
        assert listing_date(report(None)) == UNDATED

    def test_a_changed_date_reaches_the_copy_through_a_save(self):
        visit = report(datetime.date(2014, 3, 2))
        visit.published_on = datetime.date(2016, 1, 5)
        visit.save()
        assert listing_date(visit) == datetime.date(2016, 1, 5)

    def test_a_changed_date_reaches_the_copy_through_an_update_of_the_document_table(self):
        visit = report(datetime.date(2014, 3, 2))
        Document.objects.filter(pk=visit.pk).update(published_on=datetime.date(2018, 8, 8))
        assert listing_date(visit) == datetime.date(2018, 8, 8)
        Document.objects.filter(pk=visit.pk).update(published_on=None)
        assert listing_date(visit) == UNDATED

    def test_publishing_stamps_the_date_on_the_copy_too(self):
        draft = report(None, published=False)
        document_set_status(document=draft, status=Status.PUBLISHED)
        draft.refresh_from_db()
        assert draft.published_on is not None
        assert listing_date(draft) == draft.published_on

    def test_writing_a_stale_copy_back_does_not_stick(self):
        visit = report(datetime.date(2014, 3, 2))
        CountryVisitReport.objects.filter(pk=visit.pk).update(listing_date=datetime.date(1999, 1, 1))
        assert listing_date(visit) == datetime.date(2014, 3, 2)

    def test_the_demo_corpus_bulk_inserts_keep_it_too(self):
        call_command("seed_demo", "--documents", "120", "--seed", "3", stdout=StringIO())
        reports = CountryVisitReport.objects.annotate(expected=Coalesce(F("published_on"), UNDATED))
        assert reports.exists()
        assert not reports.exclude(listing_date=F("expected")).exists()


class TestReportOrder:
    def test_newest_first_undated_last_and_ties_by_the_later_record(self, client):
        older = report(datetime.date(2012, 5, 1))
        undated = report(None)
        tie_first, tie_second = report(datetime.date(2015, 5, 1)), report(datetime.date(2015, 5, 1))
        expected = [tie_second.pk, tie_first.pk, older.pk, undated.pk]
        assert listed(client.get(reverse("decisions:report_list"))) == expected
        assert list(CountryVisitReport.objects.newest_first().values_list("pk", flat=True)) == expected

    def test_one_country_keeps_the_order(self, client):
        state = StateFactory(iso2="QN")
        old, new = report(datetime.date(2010, 1, 1), country=state), report(datetime.date(2020, 1, 1), country=state)
        report(datetime.date(2015, 1, 1), country=StateFactory(iso2="QO"))
        assert listed(client.get(reverse("decisions:report_list"), {"country": "qn"})) == [new.pk, old.pk]


class TestRecommendationOrder:
    """The newest report's recommendations first, each report's in their own order."""

    @pytest.fixture
    def recommendations(self):
        albania, zembla = StateFactory(iso2="QP", name="Albania test"), StateFactory(iso2="QQ", name="Zembla test")
        # Created out of order, so that neither ids nor countries give the expected order.
        old = report(datetime.date(2011, 1, 1), country=albania)
        new = report(datetime.date(2021, 1, 1), country=zembla)
        middle = report(datetime.date(2016, 1, 1), country=albania)
        rows = {}
        for visit, name in ((old, "old"), (new, "new"), (middle, "middle")):
            for number in (2, 1):
                rows[f"{name}{number}"] = RecommendationFactory(report=visit, number=number)
        return rows

    def test_newest_report_first_then_by_number(self, client, recommendations):
        expected = [recommendations[key].pk for key in ("new1", "new2", "middle1", "middle2", "old1", "old2")]
        assert listed(client.get(reverse("decisions:recommendation_list"))) == expected
        assert list(Recommendation.objects.newest_first().values_list("pk", flat=True)) == expected

    def test_one_country_keeps_the_order(self, client, recommendations):
        expected = [recommendations[key].pk for key in ("middle1", "middle2", "old1", "old2")]
        assert listed(client.get(reverse("decisions:recommendation_list"), {"country": "qp"})) == expected

    def test_the_feed_has_the_same_order(self, client, recommendations):
        body = client.get(reverse("decisions:recommendation_feed")).content.decode()
        positions = [body.index(recommendations[key].text) for key in ("new1", "new2", "middle1", "old2")]
        assert positions == sorted(positions)

    def test_the_page_says_how_it_is_ordered(self, client, recommendations):
        assert "Newest reports first" in client.get(reverse("decisions:recommendation_list")).text


def assess(recommendation, day, status):
    return FollowUpFactory(recommendation=recommendation, assessed_on=day, status=status)


class TestLatestStatusKeptByTheDatabase:
    """A recommendation's latest follow-up status (by date, then the later
    record), which the status filter reads."""

    def latest(self, recommendation):
        return Recommendation.objects.values_list("latest_status", flat=True).get(pk=recommendation.pk)

    def test_none_until_assessed_then_the_latest_assessment(self):
        recommendation = RecommendationFactory()
        assert self.latest(recommendation) is None
        assess(recommendation, datetime.date(2020, 1, 1), FollowUpStatus.PARTIAL)
        assess(recommendation, datetime.date(2016, 1, 1), FollowUpStatus.NOT_IMPLEMENTED)
        assert self.latest(recommendation) == FollowUpStatus.PARTIAL
        assess(recommendation, datetime.date(2020, 1, 1), FollowUpStatus.IMPLEMENTED)
        # Two on one day: the later record counts.
        assert self.latest(recommendation) == FollowUpStatus.IMPLEMENTED

    def test_changed_moved_and_deleted_follow_ups(self):
        first, second = RecommendationFactory(), RecommendationFactory()
        follow_up = FollowUpFactory(recommendation=first, status=FollowUpStatus.PARTIAL)
        follow_up.status = FollowUpStatus.IMPLEMENTED
        follow_up.save()
        assert self.latest(first) == FollowUpStatus.IMPLEMENTED
        follow_up.recommendation = second
        follow_up.save()
        assert (self.latest(first), self.latest(second)) == (None, FollowUpStatus.IMPLEMENTED)
        FollowUp.objects.filter(pk=follow_up.pk).delete()
        assert self.latest(second) is None

    def test_bulk_inserted_follow_ups_count_too(self):
        recommendation = RecommendationFactory()
        FollowUp.objects.bulk_create(
            [
                FollowUp(recommendation=recommendation, assessed_on=day, status=status)
                for day, status in (
                    (datetime.date(2019, 1, 1), FollowUpStatus.PARTIAL),
                    (datetime.date(2022, 1, 1), FollowUpStatus.NO_INFORMATION),
                )
            ]
        )
        assert self.latest(recommendation) == FollowUpStatus.NO_INFORMATION

    def test_a_recommendation_saved_with_a_stale_status_gets_the_right_one(self):
        recommendation = RecommendationFactory()
        FollowUpFactory(recommendation=recommendation, status=FollowUpStatus.PARTIAL)
        # The instance still says "none"; saving it (as the admin does, before its follow-ups) must not win.
        recommendation.text = "Reworded."
        recommendation.save()
        assert self.latest(recommendation) == FollowUpStatus.PARTIAL
        Recommendation.objects.filter(pk=recommendation.pk).update(latest_status=FollowUpStatus.IMPLEMENTED)
        assert self.latest(recommendation) == FollowUpStatus.PARTIAL

    def test_the_demo_corpus_bulk_inserts_keep_it_too(self):
        call_command("seed_demo", "--documents", "120", "--seed", "4", stdout=StringIO())
        latest = FollowUp.objects.filter(recommendation=OuterRef("pk")).order_by("-assessed_on", "-id")
        recommendations = Recommendation.objects.annotate(expected=Subquery(latest.values("status")[:1]))
        assert recommendations.filter(latest_status__isnull=False).exists()
        differing = recommendations.exclude(latest_status__isnull=True, expected__isnull=True)
        assert not differing.exclude(latest_status=F("expected")).exists()

    def test_the_status_filter_reads_it(self, client):
        done, open_one, never = RecommendationFactory(), RecommendationFactory(), RecommendationFactory()
        for recommendation in (done, open_one, never):
            recommendation.report.status = Status.PUBLISHED
            recommendation.report.save()
        FollowUpFactory(recommendation=done, status=FollowUpStatus.IMPLEMENTED)
        FollowUpFactory(recommendation=open_one, status=FollowUpStatus.NOT_IMPLEMENTED)
        url = reverse("decisions:recommendation_list")
        assert listed(client.get(url, {"status": "implemented"})) == [done.pk]
        assert listed(client.get(url, {"status": "none"})) == [never.pk]


class TestCountryKeptByTheDatabase:
    """Each recommendation's copy of its report's country, which the
    explorer's country filter reads beside the report's."""

    def country(self, recommendation):
        return Recommendation.objects.values_list("country__iso2", flat=True).get(pk=recommendation.pk)

    def test_a_new_recommendation_takes_its_reports_country(self):
        recommendation = RecommendationFactory(report__country=StateFactory(iso2="AT"))
        assert recommendation.country_id is None  # not given: the database works it out
        assert self.country(recommendation) == "AT"

    def test_a_reports_new_country_reaches_its_recommendations_by_save_and_by_update(self):
        visit = ReportFactory(country=StateFactory(iso2="AT"))
        first, second = RecommendationFactory(report=visit), RecommendationFactory(report=visit)
        elsewhere = RecommendationFactory(report__country=StateFactory(iso2="BE"))
        visit.country = StateFactory(iso2="CH")
        visit.save()
        assert (self.country(first), self.country(second), self.country(elsewhere)) == ("CH", "CH", "BE")
        CountryVisitReport.objects.filter(pk=visit.pk).update(country=StateFactory(iso2="DE"))
        assert (self.country(first), self.country(second), self.country(elsewhere)) == ("DE", "DE", "BE")

    def test_a_recommendation_moved_to_another_report_takes_that_reports_country(self):
        recommendation = RecommendationFactory(report__country=StateFactory(iso2="AT"))
        Recommendation.objects.filter(pk=recommendation.pk).update(
            report=ReportFactory(country=StateFactory(iso2="BE"))
        )
        assert self.country(recommendation) == "BE"

    def test_writing_a_stale_country_back_does_not_stick(self):
        recommendation = RecommendationFactory(report__country=StateFactory(iso2="AT"))
        # The instance still holds no country, as the admin's inline form would after a change of the report's.
        recommendation.text = "Reworded."
        recommendation.save()
        assert self.country(recommendation) == "AT"
        Recommendation.objects.filter(pk=recommendation.pk).update(country=StateFactory(iso2="BE"))
        assert self.country(recommendation) == "AT"

    def test_recommendations_written_before_their_report_take_its_country_when_it_comes(self):
        # Foreign keys are checked at commit: a bulk load may write a report's
        # recommendations before the report itself.
        state, representative = StateFactory(iso2="AT"), SpecialRepresentativeFactory()
        with transaction.atomic():
            document = Document(title="Report written last", slug="written-last", kind=DocumentKind.REPORT)
            insert_rows(Document, [document])
            document_id = Document.objects.get(slug="written-last").pk
            insert_rows(
                Recommendation,
                [Recommendation(report_id=document_id, number=1, area=RecommendationArea.PROTECTION, text="First.")],
            )
            insert_rows(
                CountryVisitReport,
                [CountryVisitReport(document_ptr_id=document_id, country=state, representative=representative)],
            )
        recommendation = Recommendation.objects.get(report_id=document_id)
        assert self.country(recommendation) == "AT"

    def test_the_demo_corpus_bulk_inserts_keep_it_too(self):
        call_command("seed_demo", "--documents", "120", "--seed", "5", stdout=StringIO())
        recommendations = Recommendation.objects.all()
        assert recommendations.exists()
        assert not recommendations.exclude(country=F("report__country")).exists()
        assert not recommendations.filter(country__isnull=True).exists()

    def test_the_country_filter_asks_sqlite_for_the_copy_as_a_barely_narrowing_term(self, client):
        austria, belgium = StateFactory(iso2="AT"), StateFactory(iso2="BE")
        here = RecommendationFactory(report=ReportFactory(country=austria, published=True))
        RecommendationFactory(report=ReportFactory(country=belgium, published=True))
        assert listed(client.get(reverse("decisions:recommendation_list"), {"country": "at"})) == [here.pk]
        filtered = RecommendationFilter({"country": "at"}, queryset=Recommendation.objects.all()).qs
        sql = str(filtered.query)
        assert f'"decisions_countryvisitreport"."country_id" = {austria.pk}' in sql, sql
        copy = f'likelihood("decisions_recommendation"."country_id" = {austria.pk}, (0.999))'
        # PostgreSQL: the report's country alone (its explorer is flat without the copy).
        assert (copy in sql) == (connection.vendor == "sqlite"), sql

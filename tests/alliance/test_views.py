"""Public pages of the Alliance: events, partners, Expert Co-ordination Team statements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.models import EventKind, StatementKind
from osce_docs.models import DatePrecision
from tests.factories import EventFactory, PartnerFactory, StatementFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_library")]

EVENTS = reverse("alliance:event_list")
STATEMENTS = reverse("alliance:statement_list")


def listed(response):
    return [row.pk for row in response.context["object_list"]]


def event(year=2018, **kwargs):
    kwargs.setdefault("published", True)
    start = datetime.date(year, 4, 16)
    return EventFactory(start_on=start, end_on=start + datetime.timedelta(days=1), **kwargs)


class TestEventList:
    def test_shows_published_events_only(self, client):
        shown, hidden = event(title="Alliance conference shown"), event(published=False, title="Draft conference")
        response = client.get(EVENTS)
        assert listed(response) == [shown.pk]
        assert "Draft conference" not in response.text and hidden.pk not in listed(response)

    def test_filter_by_kind_year_topic_and_words(self, client):
        topic = TopicFactory()
        conference = event(2018, event_kind=EventKind.CONFERENCE, topics=[topic], summary="Technology and trafficking")
        workshop = event(2010, event_kind=EventKind.WORKSHOP)
        assert listed(client.get(EVENTS, {"kind": "workshop"})) == [workshop.pk]
        assert listed(client.get(EVENTS, {"year": "2018"})) == [conference.pk]
        assert listed(client.get(EVENTS, {"year_from": "2011"})) == [conference.pk]
        assert listed(client.get(EVENTS, {"topic": topic.slug})) == [conference.pk]
        assert listed(client.get(EVENTS, {"q": "technology"})) == [conference.pk]
        assert listed(client.get(EVENTS, {"kind": "conference", "year": "2010"})) == []

    @pytest.mark.parametrize("params", [{"kind": "party"}, {"year": "20x8"}, {"topic": "missing"}])
    def test_a_wrong_value_is_a_message_not_an_error(self, client, params):
        event()
        response = client.get(EVENTS, params)
        assert response.status_code == 200
        assert listed(response) == []

    def test_dates_known_to_the_month_are_shown_as_the_month(self, client):
        event(2006, date_precision=DatePrecision.MONTH, title="High-Level Conference test")
        html = client.get(EVENTS).text
        assert "April 2006" in html
        assert "16–17 April 2006" not in html

    def test_queries_do_not_grow_with_the_number_of_results(self, client, django_assert_max_num_queries):
        topic = TopicFactory()
        event(topics=[topic])
        with CaptureQueriesContext(connection) as one_result:
            assert len(listed(client.get(EVENTS))) == 1
        for _ in range(24):
            event(topics=[topic])
        with django_assert_max_num_queries(len(one_result)):
            assert len(listed(client.get(EVENTS))) == 25

    def test_detail_page_and_draft_404(self, client):
        shown = event(ordinal=18, theme="Technology", venue="Hofburg, Vienna")
        response = client.get(shown.get_absolute_url())
        assert response.status_code == 200
        assert "18th Alliance conference" in response.text and "16–17 April 2018" in response.text
        assert client.get(event(published=False).get_absolute_url()).status_code == 404

    def test_the_feed_follows_the_filters(self, client):
        event(event_kind=EventKind.WORKSHOP, title="Workshop in the feed")
        event(event_kind=EventKind.CONFERENCE, title="Conference not in the feed")
        body = client.get(reverse("alliance:event_feed"), {"kind": "workshop"}).content.decode()
        assert "Workshop in the feed" in body and "Conference not in the feed" not in body


class TestStatements:
    def test_list_shows_published_statements_with_their_date_precision(self, client):
        shown = StatementFactory(
            published=True, issued_on=datetime.date(2005, 1, 1), date_precision=DatePrecision.YEAR, title="ECT 2005"
        )
        StatementFactory(title="Draft statement")
        response = client.get(STATEMENTS)
        assert listed(response) == [shown.pk]
        assert "Issued 2005" in response.text
        assert "Draft statement" not in response.text

    def test_filter_by_kind_and_year(self, client):
        joint = StatementFactory(published=True, statement_kind=StatementKind.JOINT_STATEMENT)
        recs = StatementFactory(
            published=True, statement_kind=StatementKind.RECOMMENDATIONS, issued_on=datetime.date(2005, 3, 1)
        )
        assert listed(client.get(STATEMENTS, {"kind": "recommendations"})) == [recs.pk]
        assert listed(client.get(STATEMENTS, {"year": "2010"})) == [joint.pk]

    def test_detail_shows_the_partners_that_endorsed_it(self, client):
        statement = StatementFactory(published=True)
        partner = PartnerFactory(name="Coalition for Testing", acronym="CFT")
        statement.endorsed_by.add(partner)
        response = client.get(statement.get_absolute_url())
        assert response.status_code == 200
        assert "Coalition for Testing (CFT)" in response.text
        assert client.get(StatementFactory().get_absolute_url()).status_code == 404


class TestPartners:
    def test_lists_partners_with_their_published_statements_only(self, client, django_assert_max_num_queries):
        partner = PartnerFactory(name="Coalition for Testing")
        PartnerFactory(name="Second Partner")
        StatementFactory(published=True, title="Endorsed published statement").endorsed_by.add(partner)
        StatementFactory(title="Endorsed draft statement").endorsed_by.add(partner)
        with django_assert_max_num_queries(3):
            response = client.get(reverse("alliance:partner_list"))
        assert response.status_code == 200
        assert "Coalition for Testing" in response.text and "Second Partner" in response.text
        assert "Endorsed published statement" in response.text
        assert "Endorsed draft statement" not in response.text
        assert f'id="{partner.slug}"' in response.text

    def test_shows_each_partners_latest_statements_and_links_to_all_of_them(self, client):
        busy, quiet = PartnerFactory(name="Busy Coalition"), PartnerFactory(name="Quiet Network")
        for year in range(2010, 2016):
            StatementFactory(published=True, title=f"Statement of {year}", issued_on=datetime.date(year, 3, 1)).endorsed_by.add(busy)
        StatementFactory(title="Newest but a draft", issued_on=datetime.date(2020, 1, 1)).endorsed_by.add(busy)
        StatementFactory(published=True, title="The quiet one", issued_on=datetime.date(2012, 1, 1)).endorsed_by.add(quiet)
        response = client.get(reverse("alliance:partner_list"))
        by_slug = {partner.slug: partner for partner in response.context["object_list"]}
        assert [s.title for s in by_slug[busy.slug].latest_statements] == [
            "Statement of 2015", "Statement of 2014", "Statement of 2013",
        ]
        assert [s.title for s in by_slug[quiet.slug].latest_statements] == ["The quiet one"]
        assert "Statement of 2012" not in response.text and "Newest but a draft" not in response.text
        all_of_busy = f'{STATEMENTS}?partner={busy.slug}'
        assert f'href="{all_of_busy}"' in response.text
        assert f'?partner={quiet.slug}"' not in response.text  # all there is is shown
        # The link lists every published statement the partner endorsed, and no other.
        shown = client.get(all_of_busy)
        assert [row.title for row in shown.context["object_list"]] == [f"Statement of {y}" for y in range(2015, 2009, -1)]

    def test_the_partners_page_costs_the_same_queries_however_many_statements_and_partners(
        self, client, django_assert_num_queries
    ):
        def queries():
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("alliance:partner_list")).status_code == 200
            return len(captured)

        first = PartnerFactory()
        StatementFactory(published=True).endorsed_by.add(first)
        few = queries()
        for _ in range(4):
            partner = PartnerFactory()
            for _ in range(5):
                StatementFactory(published=True).endorsed_by.add(partner, first)
        assert queries() == few <= 4


class TestStatementsByPartner:
    def test_an_unknown_partner_is_a_message_not_an_error(self, client):
        response = client.get(STATEMENTS, {"partner": "no-such-partner"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.text

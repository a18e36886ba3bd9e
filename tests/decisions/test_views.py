"""Public pages of decisions: the filtered list, the detail page, symbol links, the feed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Body
from osce_docs.models import RelationKind
from tests.factories import (
    AttachmentFactory,
    DecisionFactory,
    RelationFactory,
    ReportFactory,
    StateFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DECISIONS = reverse("decisions:decision_list")


def listed(response):
    return [decision.pk for decision in response.context["object_list"]]


def mc(number, year, **kwargs):
    return DecisionFactory(
        published=True, body=Body.MINISTERIAL_COUNCIL, number=number, adopted_on=datetime.date(year, 12, 1), **kwargs
    )


def pc(number, year, **kwargs):
    return DecisionFactory(
        published=True, body=Body.PERMANENT_COUNCIL, number=number, adopted_on=datetime.date(year, 7, 1), **kwargs
    )


class TestDecisionList:
    def test_shows_published_decisions_only(self, client, empty_library):
        published = DecisionFactory(published=True, title="Published decision on referral")
        DecisionFactory(title="Draft decision on referral")
        response = client.get(DECISIONS)
        assert response.status_code == 200
        assert listed(response) == [published.pk]
        assert "Published decision on referral" in response.text
        assert "Draft decision on referral" not in response.text
        assert "1 decision matches" in response.text

    def test_newest_first_by_default(self, client, empty_library):
        old, new, middle = pc(100, 2001), pc(300, 2011), pc(200, 2005)
        assert listed(client.get(DECISIONS)) == [new.pk, middle.pk, old.pk]

    def test_decisions_of_one_day_are_ordered_by_number_both_ways(self, client, empty_library):
        second, first = pc(12, 2009), pc(11, 2009)
        assert listed(client.get(DECISIONS)) == [second.pk, first.pk]
        assert listed(client.get(DECISIONS, {"ordering": "oldest"})) == [first.pk, second.pk]

    def test_ordering_oldest_and_by_symbol(self, client, empty_library):
        a, b, c = pc(557, 2003), pc(99, 2010), mc(8, 2007)
        assert listed(client.get(DECISIONS, {"ordering": "oldest"})) == [a.pk, c.pk, b.pk]
        # Symbol order: Ministerial Council before Permanent Council, PC.DEC/99 before PC.DEC/557.
        assert listed(client.get(DECISIONS, {"ordering": "symbol"})) == [c.pk, b.pk, a.pk]

    def test_filter_by_body(self, client, empty_library):
        ministerial, permanent = mc(8, 2007), pc(557, 2003)
        assert listed(client.get(DECISIONS, {"body": "mc"})) == [ministerial.pk]
        assert listed(client.get(DECISIONS, {"body": "pc"})) == [permanent.pk]

    def test_filter_by_year(self, client, empty_library):
        in_2007, _other = mc(8, 2007), mc(1, 2008)
        assert listed(client.get(DECISIONS, {"year": "2007"})) == [in_2007.pk]

    def test_filter_by_year_range(self, client, empty_library):
        early, middle, late = pc(1, 2000), pc(2, 2005), pc(3, 2010)
        assert set(listed(client.get(DECISIONS, {"year_from": "2005"}))) == {middle.pk, late.pk}
        assert set(listed(client.get(DECISIONS, {"year_to": "2005"}))) == {early.pk, middle.pk}
        assert listed(client.get(DECISIONS, {"year_from": "2004", "year_to": "2006"})) == [middle.pk]

    def test_filter_by_topic_slug(self, client, empty_library):
        topic = TopicFactory(slug="labour-exploitation-test")
        tagged, _untagged = pc(1, 2000, topics=[topic]), pc(2, 2000)
        assert listed(client.get(DECISIONS, {"topic": "labour-exploitation-test"})) == [tagged.pk]

    def test_filter_by_country_code_in_either_case(self, client, empty_library):
        state = StateFactory(iso2="QM", name="Testland QM")
        named, _other = pc(1, 2000, states=[state]), pc(2, 2000)
        assert listed(client.get(DECISIONS, {"country": "qm"})) == [named.pk]
        assert listed(client.get(DECISIONS, {"country": "QM"})) == [named.pk]

    def test_filter_by_words_in_symbol_title_or_summary(self, client, empty_library):
        by_title = pc(1, 2000, title="Decision on domestic servitude")
        by_summary = pc(2, 2000, summary="Mentions servitude in passing.")
        pc(3, 2000, title="Something else")
        assert set(listed(client.get(DECISIONS, {"q": "servitude"}))) == {by_title.pk, by_summary.pk}
        assert listed(client.get(DECISIONS, {"q": "PC.DEC/1"})) == [by_title.pk]

    def test_filters_combine(self, client, empty_library):
        topic = TopicFactory()
        match = mc(8, 2007, topics=[topic], title="Labour exploitation")
        mc(9, 2007, title="Labour exploitation")  # no topic
        mc(8, 2008, topics=[topic], title="Labour exploitation")  # other year
        pc(8, 2007, topics=[topic], title="Labour exploitation")  # other body
        response = client.get(DECISIONS, {"body": "mc", "year": "2007", "topic": topic.slug, "q": "labour"})
        assert listed(response) == [match.pk]

    def test_active_filters_each_have_a_removal_link_and_the_count(self, client, empty_library):
        topic = TopicFactory(name="Prevention test")
        mc(8, 2007, topics=[topic])
        response = client.get(DECISIONS, {"body": "mc", "year": "2007", "topic": topic.slug})
        active = {label: url for label, _value, url in response.context["active_filters"]}
        assert set(active) == {"Body", "Year adopted", "Topic"}
        assert active["Body"] == f"{DECISIONS}?year=2007&topic={topic.slug}"
        assert "Body: Ministerial Council" in response.text
        assert "Topic: Prevention test" in response.text
        assert "1 decision matches" in response.text

    def test_an_empty_result_says_so_and_suggests_widening(self, client, empty_library):
        pc(1, 2000)
        response = client.get(DECISIONS, {"year": "1999"})
        assert response.status_code == 200
        assert "No decisions match these filters." in response.text
        assert "widening the years" in response.text

    def test_pages_of_25_keep_the_filters(self, client, empty_library):
        for number in range(1, 28):
            mc(number, 2007)
        pc(1, 2007)
        first = client.get(DECISIONS, {"body": "mc", "year": "2007"})
        assert len(listed(first)) == 25
        assert "page=2" in first.text and "body=mc&amp;year=2007&amp;page=2" in first.text
        second = client.get(DECISIONS, {"body": "mc", "year": "2007", "page": "2"})
        assert len(listed(second)) == 2
        assert "27 decisions match" in second.text

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"year": "abc"}, "Enter a whole number."),
            ({"year_from": "99999"}, "Ensure this value is less than or equal to 2100."),
            ({"country": "zz"}, "Select a valid choice."),
            ({"topic": "no-such-topic"}, "Select a valid choice."),
            ({"body": "xx"}, "Select a valid choice."),
            ({"ordering": "sideways"}, "Select a valid choice."),
        ],
    )
    def test_a_wrong_value_is_a_message_on_the_page(self, client, empty_library, params, message):
        pc(1, 2000)
        response = client.get(DECISIONS, params)
        assert response.status_code == 200
        assert message in response.text
        assert listed(response) == []
        assert "Please correct this filter" in response.text

    @pytest.mark.parametrize("page", ["9999", "abc", "0"])
    def test_a_page_that_does_not_exist_is_a_404_page(self, client, empty_library, page):
        pc(1, 2000)
        response = client.get(DECISIONS, {"page": page})
        assert response.status_code == 404
        assert "Page not found" in response.text

    def test_links_to_the_feed_of_the_same_filters(self, client, empty_library):
        response = client.get(DECISIONS, {"body": "mc", "page": "1"})
        assert response.context["feed_url"] == reverse("decisions:decision_feed") + "?body=mc"
        assert 'type="application/rss+xml"' in response.text

    def test_queries_do_not_grow_with_the_number_of_results(self, client, empty_library, django_assert_max_num_queries):
        topic, state = TopicFactory(), StateFactory()

        def decision(number):
            made = pc(number, 2000, topics=[topic], states=[state])
            AttachmentFactory(document=made)
            return made

        decision(1)
        with CaptureQueriesContext(connection) as one_result:
            assert len(listed(client.get(DECISIONS))) == 1
        for number in range(2, 26):
            decision(number)
        with django_assert_max_num_queries(len(one_result)):
            assert len(listed(client.get(DECISIONS))) == 25


@pytest.mark.usefixtures("empty_library")
class TestDecisionDetail:
    def test_shows_the_decision_with_its_facts_topics_and_states(self, client):
        topic, state = TopicFactory(name="Child trafficking test"), StateFactory(name="Testland QN", iso2="QN")
        decision = mc(8, 2007, title="Combating labour exploitation", topics=[topic], states=[state], place="Madrid")
        response = client.get(decision.get_absolute_url())
        assert response.status_code == 200
        for text in ("MC.DEC/8/07", "Combating labour exploitation", "1 December 2007", "Madrid", "Ministerial Council"):
            assert text in response.text
        assert topic.get_absolute_url() in response.text
        assert state.get_absolute_url() in response.text

    def test_a_draft_is_a_404(self, client):
        draft = DecisionFactory()
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_a_missing_slug_is_a_404(self, client):
        response = client.get(reverse("decisions:decision_detail", args=["no-such-decision"]))
        assert response.status_code == 404

    def test_relations_read_from_both_sides(self, client):
        plan = pc(557, 2003, title="Action Plan")
        revision = pc(557, 2005, revision=1, title="Action Plan revised")
        addendum = pc(685, 2005, title="Addendum on children")
        RelationFactory(source=revision, target=plan, kind=RelationKind.REVISES)
        RelationFactory(source=addendum, target=plan, kind=RelationKind.ADDS_TO)

        plan_page = client.get(plan.get_absolute_url())
        labels = {(r["label"], r["other"].pk) for r in plan_page.context["relations"]}
        assert labels == {("revised by", revision.pk), ("added to by", addendum.pk)}
        assert revision.get_absolute_url() in plan_page.text and addendum.get_absolute_url() in plan_page.text

        addendum_page = client.get(addendum.get_absolute_url())
        assert [(str(r["label"]), r["other"].pk) for r in addendum_page.context["relations"]] == [("adds to", plan.pk)]
        assert "Adds to:" in addendum_page.text

    def test_a_related_decision_is_named_by_its_symbol_and_another_kind_by_its_title_and_kind(self, client):
        decision = pc(557, 2003, title="Action Plan")
        report = ReportFactory(status="published", title="Visit to a State")
        RelationFactory(source=report, target=decision, kind=RelationKind.CITES)

        decision_page = client.get(decision.get_absolute_url())
        assert f'<a href="{report.get_absolute_url()}">Visit to a State</a>' in decision_page.text
        assert "(country-visit report)" in decision_page.text
        assert "Cited by:" in decision_page.text

        report_page = client.get(report.get_absolute_url())
        assert f'<a href="{decision.get_absolute_url()}"><span class="symbol">PC.DEC/557</span> Action Plan</a>' in (
            report_page.text
        )

    def test_relations_to_drafts_are_not_shown(self, client):
        decision = pc(1, 2000)
        draft = DecisionFactory(title="Unpublished revision")
        RelationFactory(source=draft, target=decision, kind=RelationKind.REVISES)
        response = client.get(decision.get_absolute_url())
        assert response.context["relations"] == []
        assert "Unpublished revision" not in response.text

    def test_files_are_a_matrix_of_kind_by_language_marking_the_original(self, client):
        decision = pc(1, 2000)
        AttachmentFactory(document=decision, language="ru", original_name="решение.pdf")
        AttachmentFactory(document=decision, language="en", is_original=True)
        AttachmentFactory(document=decision, language="ka", original_name="georgian.pdf")
        response = client.get(decision.get_absolute_url())
        html = response.text
        headers = ["English", "French", "German", "Italian", "Russian", "Spanish", "Georgian"]
        positions = [html.index(f">{name}</th>") for name in headers]
        assert positions == sorted(positions)
        assert html.count("original</span>") == 1
        assert "PDF" in html and "KB" in html
        assert "no German version" in html


@pytest.mark.usefixtures("empty_library")
class TestSymbolLinks:
    def test_a_symbol_redirects_to_its_decision(self, client):
        revision = pc(557, 2005, revision=1)
        response = client.get("/decisions/symbol/PC.DEC/557/Rev.1")
        assert response.status_code == 302
        assert response["Location"] == revision.get_absolute_url()

    def test_a_symbol_written_loosely_still_works(self, client):
        decision = mc(8, 2007)
        response = client.get("/decisions/symbol/mc.dec/8/2007")
        assert response["Location"] == decision.get_absolute_url()

    @pytest.mark.parametrize("symbol", ["PC.DEC/424242", "not-a-symbol", "MC.DEC/8"])
    def test_an_unknown_or_malformed_symbol_is_a_404(self, client, symbol):
        assert client.get(f"/decisions/symbol/{symbol}").status_code == 404

    def test_a_draft_decision_symbol_is_a_404(self, client):
        DecisionFactory(body=Body.PERMANENT_COUNCIL, number=4242)
        assert client.get("/decisions/symbol/PC.DEC/4242").status_code == 404


class TestDecisionFeed:
    def test_the_feed_follows_the_list_filters_and_shows_published_only(self, client, empty_library):
        mc(8, 2007, title="Ministerial labour decision")
        pc(1, 2007, title="Permanent council decision")
        DecisionFactory(body=Body.MINISTERIAL_COUNCIL, title="Draft ministerial decision")
        response = client.get(reverse("decisions:decision_feed"), {"body": "mc"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        body = response.content.decode()
        assert "Ministerial labour decision" in body
        assert "Permanent council decision" not in body
        assert "Draft ministerial decision" not in body

    def test_a_wrong_filter_value_gives_an_empty_feed_not_an_error(self, client):
        response = client.get(reverse("decisions:decision_feed"), {"year": "abc"})
        assert response.status_code == 200
        assert "<item>" not in response.content.decode()

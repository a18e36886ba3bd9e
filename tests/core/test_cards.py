"""The pieces lists repeat (osce_docs/cards.py): what each shows, and its markup."""

import datetime

import pytest
from django.db.models import F
from django.template import Context, Template
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from decisions.models import FollowUpStatus, Recommendation, RecommendationArea
from osce_docs.cards import (
    country_links,
    document_card,
    document_facts,
    facet_links,
    kind_label,
    recommendation_card,
    recommendation_facts,
    search_hit,
    tag_links,
)
from osce_docs.models import DatePrecision, Document, DocumentKind, State
from osce_docs.search import Hit
from tests.factories import (
    DecisionFactory,
    EventFactory,
    FollowUpFactory,
    RecommendationFactory,
    ReportFactory,
    StateFactory,
    StatementFactory,
    TopicFactory,
)

D = datetime.date


def same_html(actual, expected):
    return parse_html(actual) == parse_html(expected)


@pytest.mark.parametrize("kind", [*DocumentKind.values, "unknown"])
def test_a_kind_is_named_as_the_model_names_it(kind):
    assert kind_label(kind) == Document(kind=kind).get_kind_display()


@pytest.mark.django_db
class TestCards:
    """A card shows what each kind has: its symbol, its date, its country, its place."""

    def test_a_decision_shows_its_symbol_adoption_and_place(self):
        topic = TopicFactory(name="Card topic", slug="card-topic")
        decision = DecisionFactory(number=9557, adopted_on=D(2003, 7, 24), place="Maastricht", topics=[topic])
        shown = document_facts(decision)
        assert shown["pk"] == str(decision.pk)
        assert (shown["kind"], shown["symbol"]) == ("decision", "PC.DEC/9557")
        assert shown["url"] == decision.get_absolute_url()
        assert (shown["date"], shown["country"], shown["place"]) == ("Adopted 24 July 2003", "", "Maastricht")
        assert shown["topics"] == [("/topics/card-topic/", "Card topic")]

    def test_a_report_shows_its_publication_and_country(self):
        report = ReportFactory(published_on=D(2014, 2, 3), country=StateFactory(name="Italy", iso2="IT"))
        shown = document_facts(report)
        assert (shown["kind"], shown["symbol"], shown["place"]) == ("country-visit report", "", "")
        assert (shown["date"], shown["country"]) == ("Published 3 February 2014", "Italy")

    def test_an_event_shows_its_days_and_venue(self):
        event = EventFactory(start_on=D(2018, 4, 16), end_on=D(2018, 4, 17), venue="Hofburg, Vienna")
        shown = document_facts(event)
        assert (shown["date"], shown["place"], shown["country"]) == ("16–17 April 2018", "Hofburg, Vienna", "")

    def test_a_document_of_a_mixed_list_shows_the_country_read_with_it(self):
        report = ReportFactory(country=StateFactory(name="Italy", iso2="IT"))
        document = Document.objects.annotate(card_country=F("countryvisitreport__country__name")).get(pk=report.pk)
        assert document_facts(document)["country"] == "Italy"
        assert document_facts(Document.objects.get(pk=report.pk))["country"] == ""

    def test_a_statement_shows_its_issue_as_far_as_it_is_known(self):
        statement = StatementFactory(issued_on=D(2010, 10, 1), date_precision=DatePrecision.MONTH)
        assert document_facts(statement)["date"] == "Issued October 2010"

    def test_a_document_of_a_mixed_list_shows_the_symbol_read_with_it(self):
        decision = DecisionFactory(number=9558, published_on=D(2004, 1, 2))
        document = Document.objects.for_cards().get(pk=decision.pk)
        shown = document_facts(document)
        assert (shown["symbol"], shown["date"], shown["url"]) == (
            "PC.DEC/9558",
            "Published 2 January 2004",
            decision.get_absolute_url(),
        )

    def test_cards_fetched_together_show_their_topics_by_name_from_one_query(self, django_assert_num_queries):
        water, air = TopicFactory(name="Water", slug="water"), TopicFactory(name="Air", slug="air")
        both = DecisionFactory(published=True, topics=[water, air])
        none = DecisionFactory(published=True, topics=[])
        with django_assert_num_queries(2):  # the documents, then every link's topic
            documents = {document.pk: document for document in Document.objects.for_cards().filter(pk__in=[both.pk, none.pk])}
            shown = {pk: document_facts(document)["topics"] for pk, document in documents.items()}
        assert shown == {both.pk: [("/topics/air/", "Air"), ("/topics/water/", "Water")], none.pk: []}
        # A document not fetched for cards still shows its topics.
        assert document_facts(Document.objects.get(pk=both.pk))["topics"] == shown[both.pk]
        # Rows that are not documents are left as they are.
        assert list(Document.objects.for_cards().filter(pk=both.pk).values_list("pk", flat=True)) == [both.pk]


@pytest.mark.django_db
class TestRecommendationFacts:
    def listed(self, recommendation):
        return Recommendation.objects.for_listing().get(pk=recommendation.pk)

    def test_a_recommendation_shows_its_report_area_and_latest_status(self):
        report = ReportFactory(published_on=D(2014, 2, 3), country=StateFactory(name="Italy", iso2="IT"))
        recommendation = RecommendationFactory(report=report, number=7, area=RecommendationArea.COORDINATION)
        FollowUpFactory(recommendation=recommendation, assessed_on=D(2015, 1, 1), status=FollowUpStatus.NOT_IMPLEMENTED)
        FollowUpFactory(recommendation=recommendation, assessed_on=D(2016, 5, 2), status=FollowUpStatus.PARTIAL)
        shown = recommendation_facts(self.listed(recommendation))
        assert (shown["number"], shown["url"]) == ("7", f"{report.get_absolute_url()}#recommendation-7")
        assert (shown["country"], shown["year"], shown["area"]) == ("Italy", "2014", "policy and co-ordination")
        assert (shown["representative"], shown["report_title"]) == (report.representative.name, report.title)
        assert (shown["latest_status"], shown["latest_status_label"]) == ("partial", "partially implemented")
        assert [(f["date"], f["status"]) for f in shown["follow_ups"]] == [
            ("1 January 2015", "not implemented"),
            ("2 May 2016", "partially implemented"),
        ]

    def test_a_follow_up_links_its_source_only_once_published(self):
        recommendation = RecommendationFactory()
        FollowUpFactory(recommendation=recommendation, source=ReportFactory(title="Draft source"))
        FollowUpFactory(recommendation=recommendation, source=ReportFactory(published=True, title="Public source"))
        FollowUpFactory(recommendation=recommendation, source=None)
        shown = recommendation_facts(self.listed(recommendation))
        assert [(f["source_url"] != "", f["source_title"]) for f in shown["follow_ups"]] == [
            (False, ""),
            (True, "Public source"),
            (False, ""),
        ]

    def test_a_recommendation_without_its_report_does_not_read_it(self, django_assert_num_queries):
        recommendation = Recommendation.objects.prefetch_related("follow_ups").get(pk=RecommendationFactory().pk)
        with django_assert_num_queries(0):
            shown = recommendation_facts(recommendation, with_report=False)
        assert "country" not in shown and shown["number"] == str(recommendation.number)

    def test_a_recommendation_never_assessed_has_no_status(self):
        shown = recommendation_facts(self.listed(RecommendationFactory()))
        assert (shown["latest_status"], shown["latest_status_label"], shown["follow_ups"]) == ("", "", [])


@pytest.mark.django_db
class TestMarkup:
    def test_a_decision_card_is_drawn_with_its_facts(self):
        topic = TopicFactory(name="Card topic", slug="card-topic")
        decision = DecisionFactory(
            number=9559, adopted_on=D(2003, 7, 24), place="Maastricht", title="Action Plan", summary="", topics=[topic]
        )
        expected = f"""
        <article class="card" aria-labelledby="card-{decision.pk}">
          <h3 class="card__title" id="card-{decision.pk}">
            <span class="card__kind">decision</span>
            <a href="{decision.get_absolute_url()}"><span class="symbol">PC.DEC/9559</span> Action Plan</a>
          </h3>
          <p class="card__meta"><span>Adopted 24 July 2003</span> <span>Maastricht</span></p>
          <ul class="card__topics" aria-label="Topics">
            <li><a class="tag" href="/topics/card-topic/">Card topic</a></li>
          </ul>
        </article>"""
        assert same_html(document_card(decision, heading="h3"), expected)

    def test_a_card_escapes_what_it_shows_and_shortens_the_summary(self):
        report = ReportFactory(title="<script>alert(1)</script>", summary="one two three four five")
        html = document_card(report, summary_words=3)
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert '<p class="card__summary">one two three …</p>' in html
        assert '<h2 class="card__title"' in html

    def test_the_include_draws_the_card_with_its_heading_and_summary_length(self):
        event = EventFactory(summary="one two three four five")
        template = Template('{% include "includes/document_card.html" with heading="h4" summary_words=2 %}')
        html = template.render(Context({"document": event}))
        assert same_html(html, document_card(event, heading="h4", summary_words=2))
        assert "<h4" in html and "one two …" in html

    def test_a_recommendation_in_its_report_is_numbered_by_area(self):
        recommendation = RecommendationFactory(number=3, area=RecommendationArea.PREVENTION, text="Train <judges>.")
        expected = f"""
        <article class="recommendation" id="recommendation-3" aria-labelledby="rec-{recommendation.pk}">
          <h3 id="rec-{recommendation.pk}" class="card__title">
            <span class="recommendation__number">3.</span> <span class="card__kind">prevention</span>
          </h3>
          <p class="recommendation__text">Train &lt;judges&gt;.</p>
          <p class="card__meta">Latest follow-up: <span class="status status--none">not yet assessed</span></p>
        </article>"""
        listed = Recommendation.objects.for_listing().get(pk=recommendation.pk)
        assert same_html(recommendation_card(listed), expected)

    def test_a_recommendation_across_reports_names_its_report_and_follow_ups(self):
        italy = StateFactory(name="Italy", iso2="IT")
        report = ReportFactory(published=True, published_on=D(2014, 2, 3), country=italy)
        recommendation = RecommendationFactory(report=report, number=7, area=RecommendationArea.COORDINATION)
        FollowUpFactory(
            recommendation=recommendation,
            assessed_on=D(2016, 5, 2),
            status=FollowUpStatus.PARTIAL,
            note="Half done",
            source=report,
        )
        listed = Recommendation.objects.for_listing().get(pk=recommendation.pk)
        url = report.get_absolute_url()
        expected = f"""
        <article class="recommendation" id="recommendation-7" aria-labelledby="rec-{recommendation.pk}">
          <h2 id="rec-{recommendation.pk}" class="card__title">
            <a href="{url}#recommendation-7">Italy, 2014 — recommendation 7</a>
          </h2>
          <p class="card__meta"><span>Policy and co-ordination</span><span>{report.representative.name}</span><span>from <a href="{url}">{report.title}</a></span></p>
          <p class="recommendation__text">{recommendation.text}</p>
          <p class="card__meta">Latest follow-up: <span class="status status--partial">partially implemented</span></p>
          <ol class="follow-ups" aria-label="Follow-up assessments, oldest first">
            <li><strong>2 May 2016</strong>: partially implemented — Half done (<a href="{url}">{report.title}</a>)</li>
          </ol>
        </article>"""
        assert same_html(recommendation_card(listed, show_report=True, heading="h2"), expected)

    def test_a_search_hit_shows_where_the_words_occur(self):
        decision = DecisionFactory(number=9560, published_on=D(2005, 7, 7), title="Action Plan")
        document = Document.objects.for_cards().get(pk=decision.pk)
        hit = Hit(
            document=document,
            summary_snippet=mark_safe("the <mark>plan</mark>"),
            file_snippet=mark_safe("a <mark>plan</mark> &amp; more"),
            file_name="plan.pdf",
            file_url="/files/1/plan.pdf",
            file_page=4,
        )
        expected = f"""
        <article class="card hit" aria-labelledby="hit-{decision.pk}">
          <h3 class="card__title" id="hit-{decision.pk}">
            <span class="card__kind">decision</span>
            <a href="{decision.get_absolute_url()}"><span class="symbol">PC.DEC/9560</span> Action Plan</a>
          </h3>
          <p class="card__meta"><span>Published 7 July 2005</span></p>
          <p class="snippet">the <mark>plan</mark></p>
          <p class="snippet snippet--file">
            <span class="snippet__source">In <a href="/files/1/plan.pdf">plan.pdf</a>, page 4:</span>
            a <mark>plan</mark> &amp; more
          </p>
        </article>"""
        assert same_html(search_hit(hit), expected)

    def test_a_search_hit_without_snippets_shows_the_start_of_its_summary(self):
        event = EventFactory(summary="word " * 50)
        hit = Hit(document=Document.objects.for_cards().get(pk=event.pk))
        html = search_hit(hit)
        assert '<p class="card__summary">' + "word " * 39 + "word …</p>" in html
        assert "snippet" not in html


class TestLinksWithCounts:
    """The Python-written links draw what their template loops drew."""

    def states(self):
        counts = {"IT": 0, "BA": 1, "DZ": 1234}
        states = [
            StateFactory.build(name="Italy", iso2="IT"),
            StateFactory.build(name="Bosnia & <Herzegovina>", iso2="BA"),
            StateFactory.build(name="Algeria", iso2="DZ", group=State.Group.MEDITERRANEAN_PARTNER),
        ]
        for state in states:
            state.document_total = counts[state.iso2]
        return states

    def test_a_cloud_links_each_record_with_its_count(self):
        template = Template(
            '{% for state in states %}<li><a href="{{ state.get_absolute_url }}">{{ state.name }} '
            '<span class="count">({{ state.document_total }})</span></a></li>{% endfor %}'
        )
        expected = template.render(Context({"states": self.states()}))
        assert tag_links(self.states()) == expected
        assert "Bosnia &amp; &lt;Herzegovina&gt; <span" in expected and "(1234)" in expected

    @pytest.mark.parametrize("with_group", [False, True])
    def test_the_countries_page_links_each_state_with_its_count_in_words(self, with_group):
        group = "{{ state.get_group_display }}; " if with_group else ""
        template = Template(
            '{% for state in states %}<li><a href="{{ state.get_absolute_url }}">{{ state.name }}</a> '
            f'<span class="count">({group}{{{{ state.document_total }}}}<span class="visually-hidden"> '
            "document{{ state.document_total|pluralize }}</span>)</span></li>{% endfor %}"
        )
        expected = template.render(Context({"states": self.states()}))
        assert country_links(self.states(), with_group=with_group) == expected
        assert '1<span class="visually-hidden"> document</span>)' in expected
        assert '1234<span class="visually-hidden"> documents</span>)' in expected
        assert ("Mediterranean Partner for Co-operation; 1234" in expected) == with_group


def test_facet_links_draw_what_their_template_loop_drew():
    items = [
        {"url": "?q=x&kind=decision", "label": "decision", "count": 12, "selected": False},
        {"url": "?q=x&country=", "label": "Bosnia & <Herzegovina>", "count": 1, "selected": True},
        {"url": "?q=x&year=2005&a=\"b\"", "label": mark_safe("<i>2005</i>"), "count": 3, "selected": False},
    ]
    template = Template(
        '{% for item in items %}<li><a href="{{ item.url }}"{% if item.selected %} aria-current="true"{% endif %}>'
        '{{ item.label }} <span class="count">{{ item.count }}</span>{% if item.selected %}<span class="visually-hidden">'
        " (selected; follow to remove)</span>{% endif %}</a></li>{% endfor %}"
    )
    expected = template.render(Context({"items": items}))
    assert facet_links(items) == expected
    assert 'aria-current="true">Bosnia &amp; &lt;Herzegovina&gt; <span class="count">1</span>' in expected

"""Dates as precise as the sources, document cards, and the file matrix."""

import datetime

import pytest
from django.template.defaultfilters import date as django_date

from osce_docs.models import AttachmentKind, DatePrecision, Document, DocumentKind
from decisions.models import FollowUpStatus, Recommendation, RecommendationArea
from osce_docs.templatetags.library import (
    card,
    date_span,
    file_matrix,
    format_date,
    kind_label,
    precise_date,
    recommendation_facts,
)
from tests.factories import (
    AttachmentFactory,
    DecisionFactory,
    EventFactory,
    FollowUpFactory,
    RecommendationFactory,
    ReportFactory,
    StatementFactory,
    StateFactory,
    TopicFactory,
)

D = datetime.date


@pytest.mark.parametrize(
    ("precision", "expected"),
    [(DatePrecision.DAY, "17 June 2006"), (DatePrecision.MONTH, "June 2006"), (DatePrecision.YEAR, "2006")],
)
def test_a_date_is_shown_as_far_as_it_is_known(precision, expected):
    assert precise_date(D(2006, 6, 17), precision) == expected


def test_no_date_is_an_empty_string():
    assert precise_date(None) == ""


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(2013, 6, 17), D(2013, 6, 18), DatePrecision.DAY, "17–18 June 2013"),
        (D(2013, 6, 30), D(2013, 7, 2), DatePrecision.DAY, "30 June – 2 July 2013"),
        (D(2012, 12, 30), D(2013, 1, 2), DatePrecision.DAY, "30 December 2012 – 2 January 2013"),
        (D(2013, 6, 17), D(2013, 6, 17), DatePrecision.DAY, "17 June 2013"),
        (D(2006, 6, 1), D(2006, 6, 30), DatePrecision.MONTH, "June 2006"),
        (D(2006, 6, 1), D(2006, 7, 1), DatePrecision.MONTH, "June – July 2006"),
        (D(2005, 1, 1), D(2005, 12, 31), DatePrecision.YEAR, "2005"),
    ],
)
def test_a_period_is_shown_without_repeating_itself(start, end, precision, expected):
    assert date_span(start, end, precision) == expected


@pytest.mark.parametrize("format_string", ["j F Y", "F Y", "Y", "F", "j F"])
@pytest.mark.parametrize(
    "value", [D(2013, 6, 17), D(2005, 1, 1), D(1999, 12, 31), D(987, 3, 4), datetime.datetime(2013, 6, 17, 23, 30)]
)
def test_dates_are_formatted_as_django_formats_them(value, format_string):
    assert format_date(value, format_string) == django_date(value, format_string)


@pytest.mark.parametrize("kind", [*DocumentKind.values, "unknown"])
def test_a_kind_is_named_as_the_model_names_it(kind):
    assert kind_label(kind) == Document(kind=kind).get_kind_display()


@pytest.mark.django_db
class TestCards:
    """A card shows what each kind has: its symbol, its date, its country, its place."""

    def test_a_decision_shows_its_symbol_adoption_and_place(self):
        topic = TopicFactory(name="Card topic", slug="card-topic")
        decision = DecisionFactory(number=9557, adopted_on=D(2003, 7, 24), place="Maastricht", topics=[topic])
        shown = card(decision)
        assert shown["pk"] == str(decision.pk)
        assert (shown["kind"], shown["symbol"], shown["url"]) == ("decision", "PC.DEC/9557", decision.get_absolute_url())
        assert (shown["date"], shown["country"], shown["place"]) == ("Adopted 24 July 2003", "", "Maastricht")
        assert shown["topics"] == [("/topics/card-topic/", "Card topic")]

    def test_a_report_shows_its_publication_and_country(self):
        report = ReportFactory(published_on=D(2014, 2, 3), country=StateFactory(name="Italy", iso2="IT"))
        shown = card(report)
        assert (shown["kind"], shown["symbol"], shown["place"]) == ("country-visit report", "", "")
        assert (shown["date"], shown["country"]) == ("Published 3 February 2014", "Italy")

    def test_an_event_shows_its_days_and_venue(self):
        event = EventFactory(start_on=D(2018, 4, 16), end_on=D(2018, 4, 17), venue="Hofburg, Vienna")
        shown = card(event)
        assert (shown["date"], shown["place"], shown["country"]) == ("16–17 April 2018", "Hofburg, Vienna", "")

    def test_a_statement_shows_its_issue_as_far_as_it_is_known(self):
        statement = StatementFactory(issued_on=D(2010, 10, 1), date_precision=DatePrecision.MONTH)
        assert card(statement)["date"] == "Issued October 2010"

    def test_a_document_of_a_mixed_list_shows_the_symbol_read_with_it(self):
        decision = DecisionFactory(number=9558, published_on=D(2004, 1, 2))
        document = Document.objects.for_cards().get(pk=decision.pk)
        shown = card(document)
        assert (shown["symbol"], shown["date"], shown["url"]) == (
            "PC.DEC/9558",
            "Published 2 January 2004",
            decision.get_absolute_url(),
        )


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

    def test_a_recommendation_never_assessed_has_no_status(self):
        shown = recommendation_facts(self.listed(RecommendationFactory()))
        assert (shown["latest_status"], shown["latest_status_label"], shown["follow_ups"]) == ("", "", [])


@pytest.mark.django_db
def test_the_matrix_has_the_six_official_languages_first_then_others_and_one_row_per_kind():
    decision = DecisionFactory()
    AttachmentFactory(document=decision, kind=AttachmentKind.ANNEX, language="ka")
    AttachmentFactory(document=decision, kind=AttachmentKind.FULL_TEXT, language="ru")
    AttachmentFactory(document=decision, kind=AttachmentKind.FULL_TEXT, language="en", is_original=True)
    matrix = file_matrix(decision.attachments.all())
    assert [code for code, _name in matrix["languages"]] == ["en", "fr", "de", "it", "ru", "es", "ka"]
    assert [row["kind"] for row in matrix["rows"]] == ["full text", "annex"]
    full_text = dict(matrix["rows"][0]["cells"])
    assert full_text["en"].is_original and full_text["ru"] and full_text["fr"] is None

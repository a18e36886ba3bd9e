"""Admin change lists whose cost does not grow with the library: counted up to
the window, no second count of the whole table, a year filter instead of the
date hierarchy, files counted for the rows shown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Decision
from osce_docs.models import Document
from tests.factories import AttachmentFactory, DecisionFactory

pytestmark = pytest.mark.django_db

DECISIONS = reverse("admin:decisions_decision_changelist")


@pytest.fixture
def five_drafts():
    Document.objects.all().delete()  # the seed documents
    for year in (2001, 2003, 2003, 2007, 2009):
        DecisionFactory(adopted_on=datetime.date(year, 6, 1))
    return Decision.objects.all()


def queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response
    return response, [query["sql"] for query in captured.captured_queries]


def counting(queries):
    """The queries that count rows: Django's count(), or the windowed count."""
    return [sql for sql in queries if '"__count"' in sql or "WITH RECURSIVE" in sql]


def test_a_filtered_list_past_the_window_says_more_than_and_counts_nothing_twice(staff_client, five_drafts, settings):
    settings.LIST_RESULT_WINDOW = 3
    response, queries = queries_for(staff_client, DECISIONS, {"body__exact": "PC"})
    assert response.context["cl"].paginator.count_is_capped
    assert "More than 3 decisions" in response.text
    # Django's change list would count the filtered list, then the whole table.
    assert len(counting(queries)) == 1


def test_an_unfiltered_list_shows_the_total_the_database_keeps(staff_client, five_drafts, settings):
    settings.LIST_RESULT_WINDOW = 3
    response, queries = queries_for(staff_client, DECISIONS)
    assert response.context["cl"].result_count == 5
    assert "5 decisions" in response.text and "More than" not in response.text
    assert not counting(queries)
    everything, queries = queries_for(staff_client, reverse("admin:osce_docs_document_changelist"))
    assert everything.context["cl"].result_count == 5
    assert not counting(queries)


def test_the_year_filter_offers_the_years_between_the_first_and_last_date_and_narrows(staff_client, five_drafts):
    response, queries = queries_for(staff_client, DECISIONS)
    (year_filter,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "year adopted"]
    assert [value for value, _label in year_filter.lookup_choices] == [str(y) for y in range(2009, 2000, -1)]
    # No date hierarchy: nothing reads the date of every row.
    assert not any("DISTINCT" in sql and "adopted_on" in sql for sql in queries)
    narrowed = staff_client.get(DECISIONS, {"adopted_on__year": "2003"})
    assert sorted(d.adopted_on.year for d in narrowed.context["cl"].result_list) == [2003, 2003]


def test_a_year_that_is_not_a_number_is_refused_without_an_error(staff_client, five_drafts):
    response = staff_client.get(DECISIONS, {"adopted_on__year": "20x3"})
    # Django's answer to a wrong lookup: back to the list with ?e=1.
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_the_files_column_counts_each_rows_files_without_grouping_the_list(staff_client, five_drafts):
    decision = five_drafts.order_by("-adopted_on").first()
    AttachmentFactory(document=decision, language="en")
    AttachmentFactory(document=decision, language="fr")
    response, queries = queries_for(staff_client, DECISIONS)
    counts = {row.pk: row.attachment_total for row in response.context["cl"].result_list}
    assert counts[decision.pk] == 2 and sum(counts.values()) == 2
    assert not any("GROUP BY" in sql.upper() for sql in queries)


def test_the_files_list_filters_by_format_and_names_languages_without_reading_every_file(staff_client):
    AttachmentFactory(language="ru")
    response, queries = queries_for(staff_client, reverse("admin:osce_docs_attachment_changelist"))
    (formats,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "format"]
    assert ("application/pdf", "PDF (.pdf)") in formats.lookup_choices
    assert not any("DISTINCT" in sql and "content_type" in sql for sql in queries)
    assert "Russian" in response.text
    pdfs = staff_client.get(reverse("admin:osce_docs_attachment_changelist"), {"content_type": "application/pdf"})
    word = staff_client.get(reverse("admin:osce_docs_attachment_changelist"), {"content_type": "text/csv"})
    assert pdfs.context["cl"].result_count == 1 and word.context["cl"].result_count == 0


def test_states_and_topics_show_the_published_counts_the_database_keeps(staff_client):
    from tests.factories import StateFactory, TopicFactory

    state, topic = StateFactory(iso2="MT"), TopicFactory(slug="kept-count")
    DecisionFactory(published=True, states=[state], topics=[topic])
    DecisionFactory(states=[state], topics=[topic])  # a draft
    for url, name in ((reverse("admin:osce_docs_state_changelist"), "MT"), (reverse("admin:osce_docs_topic_changelist"), "kept-count")):
        response, queries = queries_for(staff_client, url)
        (row,) = [row for row in response.context["cl"].result_list if name in (getattr(row, "iso2", None), getattr(row, "slug", None))]
        assert row.document_total == 1
        assert not any("GROUP BY" in sql.upper() and "osce_docs_document_states" in sql for sql in queries)
        assert not any("GROUP BY" in sql.upper() and "osce_docs_document_topics" in sql for sql in queries)


def test_a_list_filtered_by_status_only_shows_the_kept_total_without_counting(staff_client, five_drafts, settings):
    settings.LIST_RESULT_WINDOW = 3
    DecisionFactory(published=True)
    drafts, queries = queries_for(staff_client, DECISIONS, {"status__exact": "draft"})
    assert drafts.context["cl"].result_count == 5 and not drafts.context["cl"].paginator.count_is_capped
    assert not counting(queries)
    every_kind, queries = queries_for(
        staff_client, reverse("admin:osce_docs_document_changelist"), {"status__exact": "published", "kind__exact": "decision"}
    )
    assert every_kind.context["cl"].result_count == 1 and not counting(queries)


def test_parts_are_listed_latest_first_from_the_keys_index(staff_client):
    from tests.factories import FollowUpFactory

    first, second = FollowUpFactory(assessed_on=datetime.date(2020, 1, 1)), FollowUpFactory(assessed_on=datetime.date(2010, 1, 1))
    response, queries = queries_for(staff_client, reverse("admin:decisions_followup_changelist"))
    assert [row.pk for row in response.context["cl"].result_list][:2] == [second.pk, first.pk]


def test_a_report_without_a_date_does_not_stretch_the_years_back_to_year_one(staff_client):
    from tests.factories import ReportFactory

    Document.objects.all().delete()
    ReportFactory(published_on=datetime.date(2016, 2, 1))
    ReportFactory(published_on=None)  # listed with the earliest date, as undated
    response, _queries = queries_for(staff_client, reverse("admin:decisions_countryvisitreport_changelist"))
    (years,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "year published"]
    assert [value for value, _label in years.lookup_choices] == ["2016"]


def test_search_asks_the_full_text_index_drafts_included_and_an_exact_symbol_or_slug_names_one(staff_client):
    Document.objects.all().delete()
    servitude = DecisionFactory(title="Decision on domestic servitude", summary="Victims trafficked into households.")
    DecisionFactory(title="Decision on the budget", number=7001)
    labour = DecisionFactory(title="Decision on labour exploitation", number=557, published=True)
    DecisionFactory(title="Amending labour", number=557, revision=1, summary="Refers to labour exploitation.")

    def found(term):
        response, queries = queries_for(staff_client, DECISIONS, {"q": term})
        assert not any(" LIKE " in sql.upper() for sql in queries), term  # no scan of every title
        return {row.pk for row in response.context["cl"].result_list}

    assert found("household") == {servitude.pk}  # a draft, by a word form in its summary
    assert found("xyzzy") == set()
    assert found("labour exploitation") == {labour.pk, Decision.objects.get(revision=1).pk}
    assert found("PC.DEC/557") == {labour.pk}  # the symbol typed exactly: that decision
    assert found(servitude.slug) == {servitude.pk}
    picked = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "osce_docs", "model_name": "attachment", "field_name": "document", "term": "servitude"},
    )
    assert [int(result["id"]) for result in picked.json()["results"]] == [servitude.pk]


def test_show_counts_is_offered_only_while_the_library_is_small(staff_client, five_drafts, monkeypatch):
    from osce_docs.admin_lists import WindowedChangeListMixin

    def facet_counting(queries):
        return [sql for sql in queries if "COUNT(" in sql and "FILTER (WHERE" in sql]

    small, queries = queries_for(staff_client, DECISIONS, {"_facets": "True"})
    assert small.context["cl"].add_facets and "Hide counts" in small.text
    assert facet_counting(queries)
    # Five documents count as a large library here: every filter value would be counted over the whole list.
    monkeypatch.setattr(WindowedChangeListMixin, "FACETS_UP_TO_DOCUMENTS", 4)
    large, queries = queries_for(staff_client, DECISIONS, {"_facets": "True"})
    assert not large.context["cl"].add_facets and not large.context["cl"].is_facets_optional
    assert "Show counts" not in large.text and "Hide counts" not in large.text
    assert not facet_counting(queries)


def test_select_all_on_a_list_past_the_window_says_it_takes_every_match_and_does(
    staff_client, five_drafts, settings, monkeypatch
):
    from decisions.admin import DecisionAdmin

    settings.LIST_RESULT_WINDOW = 3
    monkeypatch.setattr(DecisionAdmin, "list_per_page", 2)
    response, _ = queries_for(staff_client, DECISIONS, {"body__exact": "PC"})
    # Django would offer "Select all 3 decisions" and then act on all five.
    assert "Select all matching decisions (more than 3)" in response.text
    assert "Select all 3" not in response.text
    # The rest of Django's actions bar is still there: the action picker and its button.
    assert 'name="action"' in response.text and "Run the selected action" in response.text

    shown = [decision.pk for decision in response.context["cl"].result_list]
    acted = staff_client.post(
        f"{DECISIONS}?body__exact=PC",
        {"action": "publish_documents", "select_across": "1", "index": "0", "_selected_action": shown},
        follow=True,
    )
    assert "5 documents published." in acted.text
    assert Decision.objects.published().count() == 5


def test_each_rows_action_checkbox_is_the_markup_djangos_widget_draws_and_selects_the_row(staff_client):
    from django.contrib import admin as django_admin

    from osce_docs.admin_lists import ActionCheckboxMixin

    decision = DecisionFactory(title='Quotes "and" <tags> & ampersands')
    model_admin = django_admin.site._registry[Decision]
    assert isinstance(model_admin, ActionCheckboxMixin)
    ours = model_admin.action_checkbox(decision)
    djangos = django_admin.ModelAdmin.action_checkbox(model_admin, decision)
    assert ours == djangos
    page = staff_client.get(DECISIONS).content.decode()
    assert ours in page
    assert '<input type="checkbox" id="action-toggle"' in page  # the column's header selects all

"""The published-document counts per State and topic and the recommendation
counts that the database keeps (migration 0008_public_counts) stay equal to
counting the rows, whatever writes the rows."""

import pytest
from django.db import connection, transaction
from django.db.models import Count

from alliance.models import AllianceEvent
from decisions.models import CountryVisitReport, Recommendation
from osce_docs.models import (
    Document,
    DocumentKind,
    RecommendationCount,
    SearchEntry,
    State,
    StateDocumentCount,
    Status,
    Topic,
    TopicDocumentCount,
)
from osce_docs.services import document_delete, document_publish, document_unpublish
from tests.factories import (
    DecisionFactory,
    EventFactory,
    RecommendationFactory,
    ReportFactory,
    StateFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def kept_state_counts():
    return {(row.state_id, row.kind): row.count for row in StateDocumentCount.objects.all() if row.count}


def counted_state_counts():
    """The meaning the kept counts must have: Document.objects.concerning()."""
    counted = {}
    for state in State.objects.all():
        by_kind = Document.objects.published().concerning(state).order_by().values("kind").annotate(n=Count("pk"))
        counted.update({(state.pk, row["kind"]): row["n"] for row in by_kind})
    return counted


def assert_kept_counts_match_the_rows():
    assert kept_state_counts() == counted_state_counts()
    kept_topics = {row.topic_id: row.count for row in TopicDocumentCount.objects.all() if row.count}
    counted_topics = {topic.pk: Document.objects.published().for_topic(topic).count() for topic in Topic.objects.all()}
    assert kept_topics == {pk: n for pk, n in counted_topics.items() if n}
    kept_recommendations = {row.status: row.count for row in RecommendationCount.objects.all() if row.count}
    counted_recommendations = dict(
        Recommendation.objects.order_by().values_list("report__status").annotate(n=Count("pk"))
    )
    assert kept_recommendations == counted_recommendations
    assert RecommendationCount.objects.published() == Recommendation.objects.published().count()


def concerning(state, kind):
    return StateDocumentCount.objects.by_kind(state)[kind]


def test_the_migration_counted_the_seed_documents():
    assert_kept_counts_match_the_rows()


def test_publishing_unpublishing_and_deleting_move_the_counts():
    state, topic = StateFactory(), TopicFactory()
    decision = DecisionFactory(states=[state], topics=[topic])
    report = ReportFactory(country=state, topics=[topic])
    RecommendationFactory.create_batch(3, report=report)
    assert concerning(state, DocumentKind.DECISION) == 0
    assert_kept_counts_match_the_rows()

    document_publish(document=decision)
    document_publish(document=report)
    assert concerning(state, DocumentKind.DECISION) == 1
    assert concerning(state, DocumentKind.REPORT) == 1
    assert topic.published_count.count == 2
    assert_kept_counts_match_the_rows()

    document_unpublish(document=decision)
    assert concerning(state, DocumentKind.DECISION) == 0
    assert_kept_counts_match_the_rows()

    document_delete(document=report)
    assert concerning(state, DocumentKind.REPORT) == 0
    assert_kept_counts_match_the_rows()


def test_a_document_tied_to_a_state_twice_counts_once_until_both_ties_go():
    state, elsewhere = StateFactory(), StateFactory()
    report = ReportFactory(country=state, published=True)
    event = EventFactory(host_country=state, published=True)
    report.states.add(state)
    event.states.add(state, elsewhere)
    assert concerning(state, DocumentKind.REPORT) == 1
    assert concerning(state, DocumentKind.EVENT) == 1
    assert concerning(elsewhere, DocumentKind.EVENT) == 1

    report.states.remove(state)  # still the report on a visit to it
    assert concerning(state, DocumentKind.REPORT) == 1
    CountryVisitReport.objects.filter(pk=report.pk).update(country=elsewhere)
    assert concerning(state, DocumentKind.REPORT) == 0
    assert concerning(elsewhere, DocumentKind.REPORT) == 1

    AllianceEvent.objects.filter(pk=event.pk).update(host_country=None)  # still named
    assert concerning(state, DocumentKind.EVENT) == 1
    event.states.clear()
    assert concerning(state, DocumentKind.EVENT) == 0
    assert concerning(elsewhere, DocumentKind.EVENT) == 0
    AllianceEvent.objects.filter(pk=event.pk).update(host_country=elsewhere)
    assert concerning(elsewhere, DocumentKind.EVENT) == 1
    assert_kept_counts_match_the_rows()


def test_link_changes_on_drafts_count_nothing_until_published():
    state, topic = StateFactory(), TopicFactory()
    statement = StatementFactory()
    statement.states.add(state)
    statement.topics.add(topic)
    assert concerning(state, DocumentKind.STATEMENT) == 0
    assert not TopicDocumentCount.objects.filter(topic=topic, count__gt=0).exists()
    document_publish(document=statement)
    assert concerning(state, DocumentKind.STATEMENT) == 1
    statement.topics.set([])
    statement.states.set([])
    assert concerning(state, DocumentKind.STATEMENT) == 0
    assert_kept_counts_match_the_rows()


def test_bulk_writes_and_queryset_updates_are_counted():
    states = StateFactory.create_batch(3)
    topics = TopicFactory.create_batch(2)
    decisions = DecisionFactory.create_batch(5)
    Document.states.through.objects.bulk_create(
        Document.states.through(document_id=decision.pk, state_id=state.pk) for decision in decisions for state in states
    )
    Document.topics.through.objects.bulk_create(
        Document.topics.through(document_id=decision.pk, topic_id=topic.pk) for decision in decisions for topic in topics
    )
    Document.objects.filter(pk__in=[d.pk for d in decisions]).update(status=Status.PUBLISHED)
    assert concerning(states[0], DocumentKind.DECISION) == 5
    assert_kept_counts_match_the_rows()
    Document.states.through.objects.filter(state=states[1]).delete()
    Document.objects.filter(pk__in=[d.pk for d in decisions[:2]]).update(status=Status.DRAFT)
    assert_kept_counts_match_the_rows()
    Document.objects.filter(pk__in=[d.pk for d in decisions]).delete()
    assert_kept_counts_match_the_rows()


def test_raw_deletes_in_either_order_are_counted():
    """Foreign keys are checked at commit, so a raw delete may remove a
    document before its links (or after): either way it stops counting once."""
    state, topic = StateFactory(), TopicFactory()
    first = ReportFactory(country=state, states=[state], topics=[topic], published=True)
    second = ReportFactory(country=state, states=[state], topics=[topic], published=True)
    RecommendationFactory.create_batch(2, report=first)
    RecommendationFactory.create_batch(2, report=second)
    assert concerning(state, DocumentKind.REPORT) == 2

    def raw_delete(queryset):
        queryset._raw_delete(queryset.db)

    with transaction.atomic():
        raw_delete(SearchEntry.objects.filter(document_id__in=[first.pk, second.pk]))
        # Parents first.
        raw_delete(Document.objects.filter(pk=first.pk))
        raw_delete(CountryVisitReport.objects.filter(pk=first.pk))
        raw_delete(Recommendation.objects.filter(report_id=first.pk))
        raw_delete(Document.states.through.objects.filter(document_id=first.pk))
        raw_delete(Document.topics.through.objects.filter(document_id=first.pk))
        assert concerning(state, DocumentKind.REPORT) == 1
        # Children first.
        raw_delete(Recommendation.objects.filter(report_id=second.pk))
        raw_delete(Document.states.through.objects.filter(document_id=second.pk))
        raw_delete(Document.topics.through.objects.filter(document_id=second.pk))
        raw_delete(CountryVisitReport.objects.filter(pk=second.pk))
        raw_delete(Document.objects.filter(pk=second.pk))
    assert concerning(state, DocumentKind.REPORT) == 0
    assert_kept_counts_match_the_rows()


def test_a_document_written_after_the_rows_that_refer_to_it_is_counted():
    """Foreign keys are checked at commit, so a bulk load may write a report's
    ties, topic links and recommendations before its document row (SQLite's
    document triggers run only when such rows exist: migration 0019)."""
    state, topic = StateFactory(), TopicFactory()
    report = ReportFactory(country=state, states=[state], topics=[topic], published=True)
    RecommendationFactory.create_batch(3, report=report)
    SearchEntry.objects.filter(document=report).delete()
    models = [  # children first, the document last
        (Document.states.through, "document_id"),
        (Document.topics.through, "document_id"),
        (CountryVisitReport, "document_ptr_id"),
        (Recommendation, "report_id"),
        (Document, "id"),
    ]
    tables = [(model._meta.db_table, column) for model, column in models]
    saved = {}
    with connection.cursor() as cursor:
        for model, column in models:
            # The model's own columns: not the database's generated ones (PostgreSQL's vectors).
            columns = [field.column for field in model._meta.local_concrete_fields]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {model._meta.db_table} WHERE {column} = %s", [report.pk])
            saved[model._meta.db_table] = (columns, cursor.fetchall())
    with transaction.atomic(), connection.cursor() as cursor:
        for table, column in reversed(tables):
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [report.pk])
    assert concerning(state, DocumentKind.REPORT) == 0
    assert_kept_counts_match_the_rows()

    with transaction.atomic(), connection.cursor() as cursor:
        for table, _column in tables:
            columns, rows = saved[table]
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
    assert concerning(state, DocumentKind.REPORT) == 1
    assert TopicDocumentCount.objects.get(topic=topic).count == 1
    assert_kept_counts_match_the_rows()


def test_recommendations_follow_their_report():
    report = ReportFactory(published=True)
    before = RecommendationCount.objects.published()
    recommendations = RecommendationFactory.create_batch(4, report=report)
    assert RecommendationCount.objects.published() == before + 4
    recommendations[0].delete()
    draft = ReportFactory()
    Recommendation.objects.filter(pk=recommendations[1].pk).update(report=draft)
    assert RecommendationCount.objects.published() == before + 2
    document_unpublish(document=report)
    assert RecommendationCount.objects.published() == before
    assert_kept_counts_match_the_rows()


def test_counts_follow_the_bulk_generated_corpus_and_its_removal():
    from osce_docs.demo import clear_demo_corpus, generate_demo_corpus

    generate_demo_corpus(documents=150)
    assert_kept_counts_match_the_rows()
    clear_demo_corpus()
    assert_kept_counts_match_the_rows()


def test_the_counts_are_not_managed_by_django():
    """A test's flush and serialized test data leave them to the triggers."""
    tables = connection.introspection.django_table_names()
    for model in (StateDocumentCount, TopicDocumentCount, RecommendationCount):
        assert model._meta.db_table not in tables

"""The counts of documents by kind and status that the database keeps."""

import pytest

from osce_docs.models import Document, DocumentCount, DocumentKind, Status
from osce_docs.services import document_publish, document_unpublish
from tests.factories import DecisionFactory, EventFactory, ReportFactory

pytestmark = pytest.mark.django_db


def assert_counts_match_the_documents():
    for kind in DocumentKind.values:
        for status in Status.values:
            expected = Document.objects.filter(kind=kind, status=status).count()
            assert DocumentCount.objects.total(kind=kind, status=status) == expected, (kind, status)


def test_counts_follow_creation_publication_and_deletion():
    before = DocumentCount.objects.published_by_kind()
    decision = DecisionFactory()
    EventFactory(published=True)
    assert DocumentCount.objects.total(kind=DocumentKind.DECISION, status=Status.DRAFT) >= 1
    document_publish(document=decision)
    after = DocumentCount.objects.published_by_kind()
    assert after[DocumentKind.DECISION] == before[DocumentKind.DECISION] + 1
    assert after[DocumentKind.EVENT] == before[DocumentKind.EVENT] + 1
    document_unpublish(document=decision)
    assert DocumentCount.objects.published_by_kind()[DocumentKind.DECISION] == before[DocumentKind.DECISION]
    decision.delete()
    assert_counts_match_the_documents()


def test_counts_follow_bulk_updates_and_deletes():
    ReportFactory.create_batch(3, published=True)
    DecisionFactory.create_batch(4)
    Document.objects.filter(kind=DocumentKind.DECISION).update(status=Status.PUBLISHED)
    assert_counts_match_the_documents()
    Document.objects.filter(kind=DocumentKind.REPORT).delete()
    assert_counts_match_the_documents()


def test_counts_follow_the_bulk_generated_corpus():
    from osce_docs.demo import clear_demo_corpus, generate_demo_corpus

    generate_demo_corpus(documents=150)
    assert_counts_match_the_documents()
    assert DocumentCount.objects.total() == Document.objects.published().count()
    clear_demo_corpus()
    assert_counts_match_the_documents()


def test_reading_all_counts_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        DocumentCount.objects.published_by_kind()

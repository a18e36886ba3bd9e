"""The synthetic corpus generator (manage.py seed_demo)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from alliance.models import AllianceEvent, AllianceStatement
from decisions.models import Body, CountryVisitReport, Decision, FollowUp, Recommendation
from decisions.symbols import parse_symbol
from osce_docs.models import Attachment, Document, DocumentKind, DocumentRelation, Status
from tests.factories import AttachmentFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def corpus():
    seed("--documents", "300", "--seed", "7")
    return Document.objects.filter(synthetic=True)


def test_generates_the_number_of_documents_asked_for_all_marked_synthetic(corpus):
    assert corpus.count() == 300
    assert Document.objects.filter(synthetic=False).count() == Document.objects.real().count()
    assert not Document.objects.real().filter(slug__startswith="demo-").exists()


def test_every_kind_is_generated_with_its_own_row(corpus):
    kinds = Counter(corpus.values_list("kind", flat=True))
    assert set(kinds) == set(DocumentKind.values)
    assert Decision.objects.filter(synthetic=True).count() == kinds[DocumentKind.DECISION]
    assert CountryVisitReport.objects.filter(synthetic=True).count() == kinds[DocumentKind.REPORT]
    assert AllianceEvent.objects.filter(synthetic=True).count() == kinds[DocumentKind.EVENT]
    assert AllianceStatement.objects.filter(synthetic=True).count() == kinds[DocumentKind.STATEMENT]


def test_a_few_percent_are_drafts_and_drafts_have_no_publication_date(corpus):
    drafts = corpus.filter(status=Status.DRAFT)
    assert 0 < drafts.count() < 0.15 * corpus.count()
    assert not drafts.exclude(published_on=None).exists()
    assert not corpus.filter(status=Status.PUBLISHED, published_on=None).exists()


def test_decision_symbols_are_valid_and_match_their_parts_and_slugs(corpus):
    for decision in Decision.objects.filter(synthetic=True):
        assert decision.symbol == decision.compute_symbol()
        parsed = parse_symbol(decision.symbol)
        assert (parsed.body, parsed.number, parsed.revision) == (decision.body, decision.number, decision.revision)
        assert decision.slug == decision.symbol.lower().replace(".", "-").replace("/", "-")


def test_revisions_addenda_and_corrigenda_point_at_the_decision_they_change(corpus):
    variants = Decision.objects.filter(synthetic=True).exclude(revision=None, addendum=None, corrigendum=None)
    assert variants.exists()
    for variant in variants:
        relation = DocumentRelation.objects.get(source=variant, kind__in=["revises", "adds_to", "corrects"])
        base = Decision.objects.get(pk=relation.target_id)
        assert (base.body, base.number, base.year) == (variant.body, variant.number, variant.year)
        assert (base.revision, base.addendum, base.corrigendum) == (None, None, None)
        assert base.adopted_on <= variant.adopted_on


def test_reports_have_visit_periods_and_five_to_thirty_numbered_recommendations(corpus):
    reports = CountryVisitReport.objects.filter(synthetic=True)
    assert reports.exists()
    for report in reports:
        assert 1 <= report.visit_periods.count() <= 3
        numbers = list(report.recommendations.values_list("number", flat=True))
        assert 5 <= len(numbers) <= 30
        assert numbers == list(range(1, len(numbers) + 1))
        assert report.states.filter(pk=report.country_id).exists()
    assert FollowUp.objects.filter(recommendation__report__in=reports).exists()
    assert len(set(Recommendation.objects.values_list("area", flat=True))) > 3


def test_every_document_has_topics_and_files_whose_bytes_exist(corpus):
    assert not corpus.filter(topics=None).exists()
    assert not corpus.filter(attachments=None).exists()
    attachment = Attachment.objects.filter(document__synthetic=True, language="ru").first()
    with attachment.file.open("rb") as handle:
        content = handle.read()
    assert len(content) == attachment.size
    assert "SYNTHETIC" in content.decode("utf-8")
    for name in set(Attachment.objects.filter(document__synthetic=True).values_list("file", flat=True)):
        assert default_storage.exists(name)


def test_the_same_seed_gives_the_same_corpus():
    seed("--documents", "120", "--seed", "3")
    first = list(Document.objects.filter(synthetic=True).order_by("pk").values_list("slug", "title", "status"))
    seed("--clear", "--documents", "120", "--seed", "3")
    second = list(Document.objects.filter(synthetic=True).order_by("pk").values_list("slug", "title", "status"))
    assert first == second
    seed("--clear", "--documents", "120", "--seed", "4")
    third = list(Document.objects.filter(synthetic=True).order_by("pk").values_list("slug", "title", "status"))
    assert third != first


def test_the_generators_text_draws_on_seed_texts_shipped_in_the_repository():
    # Read from outside the checkout, a clone elsewhere (or a machine without
    # the shared seeds) silently generated another corpus from the same seed.
    from django.conf import settings

    from osce_docs.demo import SEEDS_DIR, Vocabulary

    assert SEEDS_DIR.is_relative_to(settings.BASE_DIR)
    shipped = sorted(SEEDS_DIR.glob("*.txt"))
    assert len(shipped) >= 2
    vocabulary = Vocabulary.build()
    words_of_seeds = set(" ".join(path.read_text(encoding="utf-8") for path in shipped).split())
    assert len(vocabulary.sentences) > 20
    assert all(set(sentence.split()) <= words_of_seeds for sentence in vocabulary.sentences)


def test_clear_removes_only_synthetic_records():
    real = DecisionFactory(published=True)
    AttachmentFactory(document=real)
    seed("--documents", "150")
    seed("--clear")
    assert not Document.objects.filter(synthetic=True).exists()
    assert not Attachment.objects.filter(document__synthetic=True).exists()
    assert Document.objects.filter(pk=real.pk).exists()
    assert real.attachments.count() == 1
    assert Recommendation.objects.filter(report__synthetic=True).count() == 0


def test_seeding_twice_without_clear_is_refused_with_a_clear_message():
    seed("--documents", "20")
    with pytest.raises(CommandError, match="--clear"):
        seed("--documents", "20")


def test_documents_created_after_the_corpus_get_fresh_ids():
    seed("--documents", "50")
    later = DecisionFactory()
    assert later.pk > Document.objects.filter(synthetic=True).order_by("-pk").first().pk


def test_files_get_extracted_text_in_pages_and_documents_are_found_by_search(corpus):
    from osce_docs.models import AttachmentPage, SearchEntry
    from osce_docs.search import search_documents

    attachment = Attachment.objects.filter(document__synthetic=True, language="de").first()
    pages = list(attachment.pages.order_by("number").values_list("text", flat=True))
    assert attachment.page_count == len(pages) >= 1
    assert sum(len(text) for text in pages) > 1000
    assert SearchEntry.objects.filter(document__synthetic=True).count() == corpus.count()
    assert AttachmentPage.objects.filter(attachment__document__synthetic=True).count() >= corpus.count()
    word = pages[0].split()[3].strip(".")
    results = search_documents(word, filters={}, page=1, per_page=20)
    assert results.total > 0 and results.hits


def test_clear_removes_the_synthetic_text_and_index_entries(corpus):
    from osce_docs.models import AttachmentPage, SearchEntry

    seed("--clear")
    assert not SearchEntry.objects.filter(document__synthetic=True).exists()
    assert not AttachmentPage.objects.filter(attachment__document__synthetic=True).exists()


def _corpus_rows():
    documents = Document.objects.filter(synthetic=True).order_by("pk")
    return (
        list(documents.values_list("pk", "slug", "title", "status")),
        list(Attachment.objects.filter(document__synthetic=True).order_by("pk").values_list("pk", "document", "language")),
        list(
            Recommendation.objects.filter(report__synthetic=True).order_by("pk").values_list("report", "number", "text")
        ),
        Document.objects.filter(synthetic=True, search_entry__isnull=False).count(),
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writing_chunks_in_a_second_thread_gives_the_same_corpus_as_one_thread():
    from osce_docs.demo import clear_demo_corpus, generate_demo_corpus

    generate_demo_corpus(documents=90, seed=5, text_kb=0.5, chunk_size=20, threaded=False)
    one_thread = _corpus_rows()
    clear_demo_corpus()
    generate_demo_corpus(documents=90, seed=5, text_kb=0.5, chunk_size=20, threaded=True)
    two_threads = _corpus_rows()

    assert len(one_thread[0]) == 90
    assert one_thread[3] == 90
    assert two_threads[1:] == one_thread[1:]
    # Ids continue after the first corpus, whose rows were deleted: compare what the rows say.
    assert [row[1:] for row in two_threads[0]] == [row[1:] for row in one_thread[0]]
    _assert_bulk_indexes_are_back()


def _assert_bulk_indexes_are_back():
    """A threaded load drops some indexes while it writes (demo.BULK_INDEXES):
    they are there again afterwards, however the load ended."""
    from django.db import connection

    from osce_docs import demo

    names = demo.BULK_INDEXES.get(connection.vendor, [])
    if names:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [names])
            assert sorted(name for (name,) in cursor.fetchall()) == sorted(names)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_write_in_the_writer_thread_stops_the_generator_with_its_error(monkeypatch):
    from osce_docs import demo

    def fail(self, chunk):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo.CorpusGenerator, "_write", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.generate_demo_corpus(documents=100, seed=5, text_kb=0, chunk_size=10, threaded=True)
    assert not Document.objects.filter(synthetic=True).exists()
    _assert_bulk_indexes_are_back()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_write_of_the_search_entries_stops_the_generator_with_its_error(monkeypatch):
    # On PostgreSQL they are written by a writer of their own (demo._texts_writer).
    from osce_docs import demo
    from osce_docs.demo_text import TextSink

    def fail(self, texts):
        raise RuntimeError("entries: disk full")

    monkeypatch.setattr(TextSink, "add_entries", fail)
    with pytest.raises(RuntimeError, match="entries: disk full"):
        demo.generate_demo_corpus(documents=100, seed=5, text_kb=0, chunk_size=10, threaded=True)
    _assert_bulk_indexes_are_back()
    # What was written is marked, and --clear removes it.
    demo.clear_demo_corpus()
    assert not Document.objects.filter(synthetic=True).exists()


def test_permanent_council_decisions_span_every_period_even_when_its_numbers_are_scarce(monkeypatch):
    # At a million documents the Council's numbers would run out a fifth of
    # the way through the years; shrink the number space to see that here.
    from osce_docs import demo

    monkeypatch.setattr(demo, "NUMBER_MAX", demo.PC_FIRST + 40)
    seed("--documents", "600", "--seed", "3")
    council = Decision.objects.filter(synthetic=True, body=Body.PERMANENT_COUNCIL, revision=None, addendum=None, corrigendum=None)
    years = sorted(council.values_list("adopted_on__year", flat=True))
    assert 0 < len(years) <= 41
    assert years[0] < demo.FIRST_YEAR + 10
    assert years[-1] > demo.LAST_YEAR - 10


def test_statistics_are_refreshed_each_time_the_corpus_doubles_during_a_load(monkeypatch):
    # PostgreSQL keeps the plans of the count triggers until statistics change;
    # plans made on near-empty tables would scan whole tables per row.
    from osce_docs import demo

    written_when_refreshed = []
    monkeypatch.setattr(demo, "FIRST_STATISTICS_AT", 50)
    monkeypatch.setattr(demo, "refresh_statistics", lambda: written_when_refreshed.append(Document.objects.filter(synthetic=True).count()))
    demo.generate_demo_corpus(documents=300, seed=2, text_kb=0.5, chunk_size=40, threaded=False)
    assert written_when_refreshed == [80, 120, 200]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_search_entries_writer_does_not_queue_behind_the_documents_writer():
    """PostgreSQL: a load writes its chunks' search entries on a second
    connection (demo._texts_writer), which leaves the content version's one
    row to the documents' writer, so that the two do not wait for each
    other's commits; the load changes the version again at its end. SQLite
    writes them in the chunk's own transaction."""
    import threading

    from django.db import connection, transaction

    from osce_docs import demo, pagecache
    from osce_docs.demo_text import TextSink
    from osce_docs.models import SearchEntry, Topic

    if demo._texts_writer(TextSink()) is None:
        assert connection.vendor != "postgresql"
        return
    document = DecisionFactory(title="Written first")
    SearchEntry.objects.filter(document=document).delete()
    outcome = {}

    def write_entry(leave_version):
        try:
            if leave_version:
                pagecache.leave_version_to_another_session()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
                SearchEntry.objects.create(document=document, kind=document.kind, a_text="Written first")
                outcome[leave_version] = "written"
        except Exception as error:
            outcome[leave_version] = type(error).__name__
        finally:
            connection.close()

    for leave_version in (False, True):
        # The documents' writer holds the version's row until it commits.
        with transaction.atomic():
            Topic.objects.create(slug=f"held-{leave_version}", name=f"Held {leave_version}")
            token = pagecache.current_token()
            side = threading.Thread(target=write_entry, args=(leave_version,))
            side.start()
            side.join(timeout=30)
        SearchEntry.objects.filter(document=document).delete()
    assert outcome == {False: "OperationalError", True: "written"}
    assert pagecache.current_token() != token
    token = pagecache.current_token()
    pagecache.bump_content_version()
    assert pagecache.current_token() != token

"""The public page cache (osce_docs/pagecache.py): a page seen before costs one
query, and no page is ever older than the last commit, whatever wrote it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from decisions.models import Recommendation
from osce_docs import services
from osce_docs.models import Attachment, Document, Status, Topic
from osce_docs.pagecache import content_tables, current_token, install_change_triggers
from tests.factories import AttachmentFactory, DecisionFactory, RecommendationFactory, ReportFactory, TopicFactory
from tests.public_site import build_library, clear_caches, visit_everything

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    clear_caches()
    return settings


def get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured.captured_queries)


@pytest.fixture
def decision(db):
    topic = TopicFactory(slug="cached-topic", name="Cached topic")
    return DecisionFactory(published=True, title="Decision on cached pages", topics=[topic])


PAGES = ["/", "/decisions/", "/search/?q=cached", "/feeds/latest/", "/sitemap.xml", "/topics/cached-topic/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_seen_before_is_served_from_the_cache_with_one_query(client, page_cache, decision, url):
    first, first_queries = get(client, url)
    second, second_queries = get(client, url)

    assert first.status_code == second.status_code == 200
    assert first_queries > 1
    assert second_queries == 1  # the content version, nothing else
    assert second.content == first.content


def test_the_detail_page_is_cached_too_and_gone_once_unpublished(client, page_cache, decision):
    url = decision.get_absolute_url()
    assert get(client, url)[0].status_code == 200
    assert get(client, url)[1] == 1

    services.document_unpublish(document=decision)

    assert client.get(url).status_code == 404
    assert b"Decision on cached pages" not in client.get("/decisions/").content


def titles_shown(client):
    return {url: client.get(url).content for url in ("/decisions/", "/search/?q=cached", "/feeds/latest/")}


def _publish_a_draft(decision):
    draft = DecisionFactory(title="A draft about cached pages", number=901)
    services.document_publish(document=draft)


def _unpublish_with_a_bulk_update(decision):
    Document.objects.filter(pk=decision.pk).update(status=Status.DRAFT)


def _delete_the_document(decision):
    services.document_delete(document=decision)


def _rename_with_raw_sql(decision):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE osce_docs_document SET title = %s WHERE id = %s", ["Renamed cached pages", decision.pk])


def _rename_its_topic(decision):
    Topic.objects.filter(slug="cached-topic").update(name="Renamed topic of cached pages")


def _attach_a_file(decision):
    AttachmentFactory(document=decision, language="fr", original_name="cached-pages-fr.pdf")


@pytest.mark.parametrize(
    "write",
    [
        _publish_a_draft,
        _unpublish_with_a_bulk_update,
        _delete_the_document,
        _rename_with_raw_sql,
        _rename_its_topic,
        _attach_a_file,
    ],
)
def test_every_write_path_shows_at_once_on_cached_pages(client, page_cache, settings, decision, write):
    before = titles_shown(client)
    assert titles_shown(client) == before  # now from the cache

    write(decision)
    cached = titles_shown(client)
    settings.PAGE_CACHE_SECONDS = 0
    rendered = titles_shown(client)

    assert cached == rendered
    assert cached != before or write is _attach_a_file  # a file shows on the detail page, checked below
    if write is _attach_a_file:
        settings.PAGE_CACHE_SECONDS = 600
        assert b"cached-pages-fr.pdf" in client.get(decision.get_absolute_url()).content


def test_with_the_cache_warm_every_public_page_follows_the_drafts_going_and_coming(client, page_cache, settings):
    library = build_library()
    visit_everything(client, library)  # every page stored, drafts present

    # The drafts published, then deleted, without anyone clearing the cache.
    drafts = [draft.pk for draft in library.drafts]
    for change in (
        lambda: Document.objects.filter(pk__in=drafts).update(status=Status.PUBLISHED),
        lambda: Document.objects.filter(pk__in=drafts).delete(),
    ):
        change()
        settings.PAGE_CACHE_SECONDS = 600
        cached = visit_everything(client, library)
        settings.PAGE_CACHE_SECONDS = 0
        rendered = visit_everything(client, library)
        differences = [url for url in rendered if cached[url] != rendered[url]]
        assert differences == [], f"stale pages from the cache at {differences[:10]}"


def test_the_walk_really_reads_the_cache(client, page_cache):
    library = build_library()
    visit_everything(client, library)
    with CaptureQueriesContext(connection) as captured:
        pages = visit_everything(client, library)
    served_from_cache = [url for url, (status, _l, _c) in pages.items() if status == 200 and "/files/" not in url]
    # One query per cached page; files stream and are checked each time.
    assert len(captured.captured_queries) < 2 * len(pages)
    assert len(served_from_cache) > 50


def test_a_rolled_back_write_leaves_no_page_behind(client, page_cache, decision):
    assert b"Decision on cached pages" in client.get("/decisions/").content
    with transaction.atomic():
        Document.objects.filter(pk=decision.pk).update(title="Rolled back title")
        assert b"Rolled back title" in client.get("/decisions/").content
        transaction.set_rollback(True)

    assert b"Rolled back title" not in client.get("/decisions/").content
    # The next write gets a new token, never the rolled-back one.
    Document.objects.filter(pk=decision.pk).update(title="Committed title")
    content = client.get("/decisions/").content
    assert b"Committed title" in content and b"Rolled back title" not in content


def test_recommendations_and_their_follow_ups_change_cached_pages(client, page_cache):
    report = ReportFactory(published=True, title="Report with cached recommendations")
    RecommendationFactory(report=report, text="First recommendation on cached pages.")
    assert b"First recommendation" in client.get("/recommendations/").content

    Recommendation.objects.filter(report=report).update(text="Second wording of the recommendation.")

    assert b"Second wording" in client.get("/recommendations/").content


def test_staff_pages_errors_and_downloads_are_never_stored(staff_client, client, page_cache, decision):
    admin_url = f"/admin/decisions/decision/{decision.pk}/change/"
    assert get(staff_client, admin_url)[0].status_code == 200
    assert get(staff_client, admin_url)[1] > 1

    assert client.get("/decisions/not-there-yet/").status_code == 404
    attachment = AttachmentFactory(document=decision)
    response, queries = get(client, attachment.get_absolute_url())
    assert response.status_code == 200 and response.streaming
    b"".join(response.streaming_content)
    response, queries = get(client, attachment.get_absolute_url())
    assert response.streaming and queries > 1
    b"".join(response.streaming_content)


def test_each_host_has_its_own_copy(client, page_cache, settings, decision):
    settings.ALLOWED_HOSTS = ["one.example.org", "two.example.org"]
    one = client.get("/feeds/latest/", HTTP_HOST="one.example.org").content
    two = client.get("/feeds/latest/", HTTP_HOST="two.example.org").content
    assert b"one.example.org" in one and b"two.example.org" in two
    assert b"one.example.org" not in two


def test_the_page_cache_can_be_turned_off(client, settings, decision):
    settings.PAGE_CACHE_SECONDS = 0
    get(client, "/decisions/")
    assert get(client, "/decisions/")[1] > 1


def triggered_tables():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'osce_changed_%%'"
            )
        else:
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'osce_changed_%'")
        return sorted(row[0] for row in cursor.fetchall())


def test_every_content_table_has_its_change_triggers_and_installing_again_adds_none():
    tables = content_tables()
    assert {"osce_docs_document", "osce_docs_attachment", "decisions_recommendation", "osce_docs_document_topics"} <= set(
        tables
    )
    assert not any("historical" in table or table.endswith("count") for table in tables)
    per_table = 1 if connection.vendor == "postgresql" else 3  # one per statement; SQLite: insert, update, delete
    expected = sorted(tables * per_table)
    assert triggered_tables() == expected

    install_change_triggers()

    assert triggered_tables() == expected


def test_a_trigger_dropped_by_a_table_rebuild_comes_back_with_migrate():
    name = "osce_changed_osce_docs_attachment" + ("_update" if connection.vendor == "sqlite" else "")
    on = "" if connection.vendor == "sqlite" else " ON osce_docs_attachment"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}{on}")

    install_change_triggers()  # what post_migrate runs

    decision = DecisionFactory(published=True)
    attachment = AttachmentFactory(document=decision)
    token = current_token()
    Attachment.objects.filter(pk=attachment.pk).update(language="de")
    assert current_token() != token

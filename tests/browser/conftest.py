"""Browser tests: Playwright's sync API driving Debian's Chromium against
pytest-django's live server. One browser for the whole session."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    """Browser tests run last. They need the live server, so their database is
    emptied after each (a transactional test); restoring seed data instead
    (serialized_rollback) is unreliable while Playwright's event loop runs and
    clashes with the rows triggers derive. Last, they disturb no other test."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="module")
def browser():
    """One Chromium for all the browser tests (they live in one module).

    Playwright's sync API keeps an event loop running in this thread while it
    is open, so Django would refuse the tests' own synchronous database calls:
    DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that long, and removed again
    so that no later test or subprocess inherits it."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `bash .ci/test`, which installs Debian's chromium")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def fresh_cached_ids_and_counts(db):
    """An earlier transactional test may have emptied the tables: ids the
    process cached (content types for the admin log and history) must be
    looked up (and re-created) again."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from osce_docs.models import Document, DocumentCount

    ContentType.objects.clear_cache()
    # The same emptying leaves the trigger-kept counts wrong (a flush deletes
    # documents after their counts): start each browser test from true counts.
    DocumentCount.objects.all().delete()
    DocumentCount.objects.bulk_create(
        DocumentCount(kind=row["kind"], status=row["status"], count=row["total"])
        for row in Document.objects.order_by().values("kind", "status").annotate(total=Count("pk"))
    )


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts (no shared cookies), closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, accept_downloads=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

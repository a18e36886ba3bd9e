"""Drafts leave no trace on the public site: every public URL pattern (found
in the URL configuration), with parameters taken from published and draft
records and with filters pointing at draft-only values, answers exactly as it
would if the drafts did not exist. That covers their pages, their files,
their words in search, and every count and list they could change."""

import pytest

from osce_docs.models import Document
from tests.public_site import DRAFT_WORD, build_library, clear_caches, public_pages, visit_everything

pytestmark = pytest.mark.django_db


def test_the_walk_reaches_every_kind_of_public_page():
    names = {page.name for page in public_pages()}
    assert {"core:home", "core:attachment_download", "decisions:decision_detail", "search:search", "sitemap"} <= names
    assert not any(page.route.startswith("admin/") for page in public_pages())


def test_anonymous_visitors_see_the_site_as_if_drafts_did_not_exist(client):
    library = build_library()
    clear_caches()
    with_drafts = visit_everything(client, library)

    for url, (status, location, content) in with_drafts.items():
        assert status < 500, f"{url} answered {status}"
        if DRAFT_WORD not in url:  # a search for the word shows it in the search box
            assert DRAFT_WORD.encode() not in content, f"{url} shows a draft's words"
        assert DRAFT_WORD not in location, f"{url} redirects to a draft"
    # The published pages really were reached, with content.
    assert any(status == 200 and b"Decision on trafficking" in content for status, _l, content in with_drafts.values())

    Document.objects.drafts().delete()
    clear_caches()
    without_drafts = visit_everything(client, library)

    differences = [url for url in with_drafts if with_drafts[url] != without_drafts[url]]
    assert differences == [], f"drafts change what visitors see at {differences[:10]}"

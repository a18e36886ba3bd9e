"""Hostile and malformed requests to every public page (found in the URL
configuration): arbitrary query strings, paths, headers and form posts never
cause a server error and never show a draft."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.public_site import DRAFT_WORD, build_library, public_pages

pytestmark = pytest.mark.django_db

# Modest and without a deadline: requests go through the whole stack.
hostile = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

FILTER_NAMES = [
    "q", "page", "year", "year_from", "year_to", "country", "topic", "representative", "body", "kind",
    "area", "status", "ordering", "format", "lang",
]
# What a WSGI server hands Django: header values decoded as Latin-1.
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)
RANGE_LIKE = st.one_of(
    header_text,
    st.builds(lambda a, b: f"bytes={a}-{b}", st.integers(-5, 10**12), st.integers(-5, 10**12)),
    st.builds(lambda a: f"bytes=-{a}", st.integers(0, 10**12)),
)


@pytest.fixture
def urls():
    library = build_library()
    found = []
    for page in public_pages():
        found.extend(library.urls(page))
    return found


def assert_safe(response, url):
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert DRAFT_WORD.encode() not in content, f"{url} showed a draft"


@hostile
@given(data=st.data())
def test_arbitrary_filter_values_never_break_a_page(client, urls, data):
    url = data.draw(st.sampled_from(urls))
    query = data.draw(
        st.dictionaries(
            st.one_of(st.sampled_from(FILTER_NAMES), st.text(max_size=10)), st.text(max_size=40), max_size=4
        )
    )
    assert_safe(client.get(url, query), url)


@hostile
@given(data=st.data(), raw=st.text(max_size=80))
def test_arbitrary_raw_query_strings_never_break_a_page(client, urls, data, raw):
    url = data.draw(st.sampled_from(urls))
    assert_safe(client.get(url, QUERY_STRING=quote(raw, safe="=&%+;")), url)


@hostile
@given(data=st.data(), tail=st.text(min_size=1, max_size=60))
def test_arbitrary_paths_under_every_page_never_break_the_site(client, urls, data, tail):
    url = data.draw(st.sampled_from(urls))
    path = url.split("?")[0].rstrip("/") + "/" + quote(tail, safe="/")
    assert_safe(client.get(path), path)


@hostile
@given(
    data=st.data(),
    range_header=RANGE_LIKE,
    etag=header_text,
    modified_since=header_text,
    if_range=header_text,
    language=header_text,
    cookie=header_text,
    agent=header_text,
)
def test_arbitrary_headers_never_break_a_page_or_a_file(
    client, urls, data, range_header, etag, modified_since, if_range, language, cookie, agent
):
    url = data.draw(st.sampled_from(urls))
    response = client.get(
        url,
        HTTP_RANGE=range_header,
        HTTP_IF_NONE_MATCH=etag,
        HTTP_IF_MODIFIED_SINCE=modified_since,
        HTTP_IF_RANGE=if_range,
        HTTP_ACCEPT_LANGUAGE=language,
        HTTP_COOKIE=cookie,
        HTTP_USER_AGENT=agent,
        HTTP_REFERER=agent,
    )
    assert_safe(response, url)


@hostile
@given(data=st.data())
def test_arbitrary_form_posts_never_break_a_page(client, urls, data):
    url = data.draw(st.sampled_from(urls))
    form = data.draw(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=40), max_size=5))
    assert_safe(client.post(url, form), url)



NASTY_VALUES = ["\x00", "'; DROP TABLE osce_docs_document; --", "%", "\\", "<script>alert(1)</script>", "x" * 5000, "-1", "9" * 30]


def test_known_nasty_values_in_every_filter_of_every_list(client):
    build_library()
    lists = [reverse(page.name) for page in public_pages() if not page.params]
    for value in NASTY_VALUES:
        for url in lists:
            response = client.get(url, {name: value for name in FILTER_NAMES})
            assert_safe(response, url)
            assert b"<script>alert(1)</script>" not in response.content, f"{url} echoes markup unescaped"

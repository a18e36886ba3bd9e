"""reverse_slug gives the address reverse() gives, however the URLs are set up."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from osce_docs.reversing import reverse_file, reverse_page, reverse_slug


@pytest.mark.parametrize("slug", ["pc-dec-557", "demo_event-10006", "x", "IT-2005"])
@pytest.mark.parametrize(
    "name", ["decisions:decision_detail", "decisions:report_detail", "alliance:event_detail", "core:topic_detail"]
)
def test_a_slug_address_is_the_one_reverse_gives(name, slug):
    assert reverse_slug(name, slug) == reverse(name, args=[slug])


def test_an_argument_that_needs_quoting_is_quoted_as_reverse_quotes_it():
    assert reverse_slug("core:country_detail", "ö ü") == reverse("core:country_detail", args=["ö ü"])


def test_an_argument_the_route_refuses_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        reverse_slug("core:topic_detail", "not a slug")
    with pytest.raises(NoReverseMatch):
        reverse_slug("core:topic_detail", "")


@pytest.mark.parametrize("name", ["core:home", "decisions:decision_list", "alliance:event_list", "search:search"])
def test_a_page_address_is_the_one_reverse_gives(name):
    assert reverse_page(name) == reverse(name)


def test_the_script_prefix_of_the_moment_is_used():
    reverse_slug("core:topic_detail", "prevention")
    reverse_page("core:topic_list")
    set_script_prefix("/library/")
    try:
        assert reverse_slug("core:topic_detail", "prevention") == "/library/topics/prevention/"
        assert reverse_page("core:topic_list") == "/library/topics/"
    finally:
        clear_script_prefix()
    assert reverse_slug("core:topic_detail", "prevention") == "/topics/prevention/"
    assert reverse_page("core:topic_list") == "/topics/"


def test_another_urlconf_gives_its_own_addresses(settings):
    reverse_slug("core:topic_detail", "prevention")
    reverse_page("core:topic_list")
    settings.ROOT_URLCONF = "tests.core.urls_under_a_prefix"
    assert reverse_slug("core:topic_detail", "prevention") == "/under/topics/prevention/"
    assert reverse_page("core:topic_list") == "/under/topics/"


def test_a_page_that_does_not_exist_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        reverse_page("core:no_such_page")


@pytest.mark.parametrize(
    "name", ["report.pdf", "PC.DEC_557-Rev.1.docx", "x", "ö ü.pdf", "two words.odt", "a%20b.txt", ".hidden", "..", "a'b"]
)
@pytest.mark.parametrize("pk", [1, 918273645, 2_000_000_001])
def test_a_file_address_is_the_one_reverse_gives(pk, name):
    assert reverse_file("core:attachment_download", pk, name) == reverse("core:attachment_download", args=[pk, name])


def test_a_file_address_follows_the_script_prefix():
    reverse_file("core:attachment_download", 7, "a.pdf")
    set_script_prefix("/library/")
    try:
        assert reverse_file("core:attachment_download", 7, "a.pdf") == "/library/files/7/a.pdf"
    finally:
        clear_script_prefix()
    assert reverse_file("core:attachment_download", 7, "a.pdf") == "/files/7/a.pdf"


def test_a_file_name_the_route_refuses_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        reverse_file("core:attachment_download", 7, "a/b.pdf")
    with pytest.raises(NoReverseMatch):
        reverse_file("core:attachment_download", 7, "")

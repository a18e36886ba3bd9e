"""reverse_slug gives the address reverse() gives, however the URLs are set up."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from osce_docs.reversing import reverse_slug


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


def test_the_script_prefix_of_the_moment_is_used():
    reverse_slug("core:topic_detail", "prevention")
    set_script_prefix("/library/")
    try:
        assert reverse_slug("core:topic_detail", "prevention") == "/library/topics/prevention/"
    finally:
        clear_script_prefix()
    assert reverse_slug("core:topic_detail", "prevention") == "/topics/prevention/"


def test_another_urlconf_gives_its_own_addresses(settings):
    reverse_slug("core:topic_detail", "prevention")
    settings.ROOT_URLCONF = "tests.core.urls_under_a_prefix"
    assert reverse_slug("core:topic_detail", "prevention") == "/under/topics/prevention/"

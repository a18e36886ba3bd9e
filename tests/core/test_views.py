"""The shared public pages: home, search, countries, topics, robots, sitemap, feeds."""

import datetime

import pytest
from django.urls import reverse

from osce_docs.models import State
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


def test_home_counts_only_published_documents_and_lists_the_latest(client):
    before = client.get(reverse("core:home")).context["counts"]
    DecisionFactory(published=True, title="A published decision on victims")
    DecisionFactory(title="A draft decision nobody may see")
    ReportFactory(published=True)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["decisions"] == before["decisions"] + 1
    assert counts["reports"] == before["reports"] + 1
    assert "A published decision on victims" in response.text
    assert "A draft decision nobody may see" not in response.text


def test_home_has_a_search_box_and_the_main_landmarks(client):
    response = client.get(reverse("core:home"))
    html = response.text
    assert 'action="/search/"' in html and 'name="q"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer", 'href="#main"'):
        assert landmark in html


def test_home_browses_countries_and_topics_with_published_documents_only(client):
    topic = TopicFactory(name="Only drafts here")
    state = StateFactory(name="Draftland")
    DecisionFactory(topics=[topic], states=[state])
    html = client.get(reverse("core:home")).text
    assert "Only drafts here" not in html
    assert "Draftland" not in html
    DecisionFactory(published=True, topics=[topic], states=[state])
    html = client.get(reverse("core:home")).text
    assert "Only drafts here" in html
    assert "Draftland" in html

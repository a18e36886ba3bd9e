"""Public pages of decisions: the filtered list, the detail page, symbol links."""

import datetime

import pytest
from django.urls import reverse

from decisions.models import Body, Decision
from osce_docs.models import RelationKind
from tests.factories import DecisionFactory, RelationFactory, StateFactory, TopicFactory

pytestmark = pytest.mark.django_db

DECISIONS = reverse("decisions:decision_list")


def listed(response):
    return {decision.pk for decision in response.context["object_list"]}


@pytest.fixture
def no_seed_decisions():
    """Lists start from the published seed records; these tests want only their own rows."""
    Decision.objects.all().delete()


def test_decision_list_shows_published_decisions_only(client, no_seed_decisions):
    published = DecisionFactory(published=True)
    draft = DecisionFactory()
    response = client.get(DECISIONS)
    assert response.status_code == 200
    assert listed(response) == {published.pk}
    assert draft.title not in response.text


def test_filter_by_body_and_year_combined(client, no_seed_decisions):
    mc_2007 = DecisionFactory(published=True, body=Body.MINISTERIAL_COUNCIL, adopted_on=datetime.date(2007, 11, 30))
    DecisionFactory(published=True, body=Body.MINISTERIAL_COUNCIL, adopted_on=datetime.date(2008, 12, 5))
    DecisionFactory(published=True, body=Body.PERMANENT_COUNCIL, adopted_on=datetime.date(2007, 3, 1))
    response = client.get(DECISIONS, {"body": "mc", "year": "2007"})
    assert listed(response) == {mc_2007.pk}


def test_a_year_that_is_not_a_number_is_a_message_not_an_error(client, no_seed_decisions):
    DecisionFactory(published=True)
    response = client.get(DECISIONS, {"year": "abc"})
    assert response.status_code == 200
    assert "Enter a whole number." in response.text
    assert listed(response) == set()


def test_an_unknown_page_is_a_404(client, no_seed_decisions):
    DecisionFactory(published=True)
    response = client.get(DECISIONS, {"page": "9999"})
    assert response.status_code == 404
    assert "Page not found" in response.text

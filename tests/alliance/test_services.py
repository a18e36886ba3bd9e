"""The Alliance event services."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from alliance import services
from alliance.models import AllianceEvent
from osce_docs.models import Status
from osce_docs.roles import PUBLISHERS
from tests.factories import EventFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def publisher(**kwargs):
    """A member of the Publishers group (see osce_docs/roles.py)."""
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=PUBLISHERS))
    return user


def test_event_create_writes_the_event_and_records_the_user():
    user = publisher()
    topic = TopicFactory()
    event = services.event_create(
        event_kind="conference",
        ordinal=18,
        title="Alliance conference on labour",
        start_on=datetime.date(2018, 4, 16),
        end_on=datetime.date(2018, 4, 17),
        topics=[topic],
        status=Status.PUBLISHED,
        user=user,
    )
    event.refresh_from_db()
    assert event.slug == "alliance-conference-on-labour-2018"
    assert event.published_on == datetime.date(2018, 4, 16)
    assert event.status == Status.PUBLISHED
    assert event.created_by == user
    assert list(event.topics.all()) == [topic]


def test_event_create_refuses_an_event_ending_before_it_starts():
    with pytest.raises(ValidationError):
        services.event_create(
            event_kind="workshop", title="W", start_on=datetime.date(2018, 4, 16), end_on=datetime.date(2018, 4, 1)
        )
    assert not AllianceEvent.objects.filter(title="W").exists()


def test_event_create_gives_a_free_slug_when_the_title_repeats():
    first = services.event_create(
        event_kind="workshop", title="Workshop", start_on=datetime.date(2018, 4, 16), end_on=datetime.date(2018, 4, 16)
    )
    second = services.event_create(
        event_kind="workshop", title="Workshop", start_on=datetime.date(2018, 9, 1), end_on=datetime.date(2018, 9, 1)
    )
    assert first.slug == "workshop-2018"
    assert second.slug == "workshop-2018-2"


def test_event_update_unpublishes_through_the_status_service():
    event = EventFactory(published=True)
    user = publisher()
    services.event_update(event=event, data={"status": Status.DRAFT, "venue": "Elsewhere"}, user=user)
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert event.venue == "Elsewhere"
    assert event.updated_by == user

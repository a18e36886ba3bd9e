"""The decision and report services: what they write, and who is recorded."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from decisions import services
from decisions.models import Decision
from osce_docs.models import DocumentRelation, Status
from osce_docs.roles import PUBLISHERS
from tests.factories import (
    DecisionFactory,
    FollowUpFactory,
    ReportFactory,
    SpecialRepresentativeFactory,
    StateFactory,
    TopicFactory,
    UserFactory,
    VisitPeriodFactory,
)

pytestmark = pytest.mark.django_db


def publisher(**kwargs):
    """A member of the Publishers group (see osce_docs/roles.py)."""
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=PUBLISHERS))
    return user


def test_decision_create_takes_its_parts_from_the_symbol_and_records_the_user():
    user = publisher()
    topic = TopicFactory()
    target = DecisionFactory(number=4001)
    decision = services.decision_create(
        symbol="MC.DEC/3/19/Corr.1",
        title="On something",
        adopted_on=datetime.date(2019, 12, 6),
        topics=[topic],
        relations=[("corrects", target)],
        user=user,
    )
    decision.refresh_from_db()
    assert (decision.body, decision.number, decision.year, decision.corrigendum) == ("MC", 3, 2019, 1)
    assert decision.symbol == "MC.DEC/3/19/Corr.1"
    assert decision.slug == "mc-dec-3-19-corr-1"
    assert decision.published_on == datetime.date(2019, 12, 6)
    assert decision.status == Status.DRAFT
    assert decision.created_by == user and decision.updated_by == user
    assert list(decision.topics.all()) == [topic]
    assert DocumentRelation.objects.filter(source=decision, kind="corrects", target=target).exists()


def test_decision_create_publishes_through_the_status_service():
    decision = services.decision_create(
        symbol="PC.DEC/4100", title="T", adopted_on=datetime.date(2020, 1, 1), status=Status.PUBLISHED
    )
    assert Decision.objects.published().filter(pk=decision.pk).exists()


def test_decision_create_refuses_a_symbol_that_exists():
    DecisionFactory(number=4200)
    with pytest.raises(ValidationError):
        services.decision_create(symbol="PC.DEC/4200", title="Again", adopted_on=datetime.date(2020, 1, 1))
    assert Decision.objects.filter(symbol="PC.DEC/4200").count() == 1


def test_decision_update_changes_fields_and_records_who_did_it():
    decision = DecisionFactory()
    user = publisher()
    services.decision_update(decision=decision, data={"title": "New title", "status": Status.PUBLISHED}, user=user)
    decision.refresh_from_db()
    assert decision.title == "New title"
    assert decision.status == Status.PUBLISHED
    assert decision.updated_by == user


def test_relations_set_keeps_relations_to_other_kinds_of_documents():
    decision, old_target, new_target = DecisionFactory(), DecisionFactory(), DecisionFactory()
    report = ReportFactory()
    DocumentRelation.objects.create(source=decision, kind="revises", target=old_target)
    DocumentRelation.objects.create(source=decision, kind="cites", target=report)
    changed = services.decision_relations_set(decision=decision, relations=[("adds_to", new_target)])
    assert changed
    assert set(decision.relations_out.values_list("kind", "target_id")) == {
        ("adds_to", new_target.pk),
        ("cites", report.pk),
    }
    assert not services.decision_relations_set(decision=decision, relations=[("adds_to", new_target)])


def test_report_create_writes_periods_and_numbered_recommendations():
    country = StateFactory()
    representative = SpecialRepresentativeFactory()
    report = services.report_create(
        country=country,
        representative=representative,
        title="Visit",
        visit_periods=[(datetime.date(2013, 7, 15), datetime.date(2013, 7, 19)), (datetime.date(2013, 6, 17), datetime.date(2013, 6, 18))],
        recommendations=[("prevention", "First."), ("protection", "Second.")],
    )
    assert list(report.visit_periods.values_list("start_on", flat=True)) == [
        datetime.date(2013, 6, 17),
        datetime.date(2013, 7, 15),
    ]
    assert list(report.recommendations.values_list("number", "area", "text")) == [
        (1, "prevention", "First."),
        (2, "protection", "Second."),
    ]
    assert list(report.states.all()) == [country]


def test_report_create_refuses_a_visit_ending_before_it_starts():
    with pytest.raises(ValidationError):
        services.report_create(
            country=StateFactory(),
            representative=SpecialRepresentativeFactory(),
            title="Visit",
            visit_periods=[(datetime.date(2013, 7, 15), datetime.date(2013, 7, 1))],
        )


def test_report_update_keeps_follow_ups_of_a_recommendation_whose_number_stays():
    follow_up = FollowUpFactory(recommendation__number=1)
    report = follow_up.recommendation.report
    VisitPeriodFactory(report=report)
    services.report_update(report=report, data={"recommendations": [("prevention", "Reworded.")]})
    recommendation = report.recommendations.get()
    assert recommendation.text == "Reworded."
    assert list(recommendation.follow_ups.all()) == [follow_up]


def test_an_editor_cannot_create_a_published_decision_or_change_a_published_one():
    editor = UserFactory(staff=True)
    with pytest.raises(PermissionDenied):
        services.decision_create(
            symbol="PC.DEC/4300", title="T", adopted_on=datetime.date(2020, 1, 1), status=Status.PUBLISHED, user=editor
        )
    published = DecisionFactory(published=True)
    with pytest.raises(PermissionDenied):
        services.decision_update(decision=published, data={"title": "Changed"}, user=editor)
    published.refresh_from_db()
    assert published.title != "Changed"

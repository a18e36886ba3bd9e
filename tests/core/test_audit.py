"""The audit trail: every change to documents and their parts is recorded
(who, when, what changed field by field), shown in the admin on each record,
and old versions can be viewed and restored."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from decisions.models import CountryVisitReport, Decision, Recommendation, VisitPeriod
from osce_docs import services
from osce_docs.models import Attachment, DocumentRelation, Status
from osce_docs.roles import EDITORS
from tests import files
from tests.core.test_roles import decision_form
from tests.factories import (
    AttachmentFactory,
    DecisionFactory,
    FollowUpFactory,
    RecommendationFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def version_url(obj, version):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_an_admin_save_records_one_version_with_who_and_what_changed(staff_client):
    topic = TopicFactory()
    decision = DecisionFactory(title="Old title")
    before = decision.history.count()
    staff_client.post(change_url(decision), decision_form(decision, title="New title", topics=[topic.pk]))
    assert decision.history.count() == before + 1
    latest = decision.history.first()
    assert latest.history_user == staff_client.user
    delta = latest.diff_against(latest.prev_record)
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    assert changed["title"] == ("Old title", "New title")
    assert [row["topic"] for row in changed["topics"][1]] == [topic.pk]


def test_the_history_page_shows_each_changed_field(staff_client):
    decision = DecisionFactory(title="Old title")
    staff_client.post(change_url(decision), decision_form(decision, title="New title"))
    response = staff_client.get(history_url(decision))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Old title" in content and "New title" in content
    assert staff_client.user.username in content


def test_an_old_version_can_be_viewed_and_restored(staff_client):
    decision = DecisionFactory(title="First title")
    staff_client.post(change_url(decision), decision_form(decision, title="First title"))
    first = decision.history.first()
    staff_client.post(change_url(decision), decision_form(decision, title="Second title"))
    assert staff_client.get(version_url(decision, first)).status_code == 200
    response = staff_client.post(version_url(decision, first), decision_form(decision, title="First title"))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "First title"
    assert decision.history.first().history_user == staff_client.user


def test_an_editor_restoring_a_published_version_gets_a_draft(client):
    editor = UserFactory(staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    decision = DecisionFactory()
    services.document_publish(document=decision)
    published_version = decision.history.first()
    services.document_unpublish(document=decision)
    client.force_login(editor)
    client.post(version_url(decision, published_version), decision_form(decision, status="published"))
    assert Decision.objects.get(pk=decision.pk).status == Status.DRAFT


def test_publishing_is_recorded_with_the_publisher():
    publisher = UserFactory(superuser=True)
    decision = DecisionFactory()
    services.document_publish(document=decision, user=publisher)
    latest = decision.history.first()
    assert latest.status == Status.PUBLISHED
    assert latest.history_user == publisher
    assert {change.field for change in latest.diff_against(latest.prev_record).changes} >= {"status"}


def test_parts_changed_in_the_admin_are_recorded_and_shown_on_the_documents_history(staff_client):
    decision = DecisionFactory()
    other = DecisionFactory()
    data = decision_form(decision)
    data.update(
        {
            "attachments-TOTAL_FORMS": 1,
            "attachments-0-file": files.pdf_upload("full-text.pdf"),
            "attachments-0-kind": "full_text",
            "attachments-0-language": "en",
            "relations_out-TOTAL_FORMS": 1,
            "relations_out-0-kind": "revises",
            "relations_out-0-target": other.pk,
        }
    )
    assert staff_client.post(change_url(decision), data).status_code == 302
    attachment = Attachment.objects.get(document=decision)
    relation = DocumentRelation.objects.get(source=decision)
    assert attachment.history.first().history_user == staff_client.user
    assert relation.history.first().history_user == staff_client.user
    content = staff_client.get(history_url(decision)).content.decode()
    assert "full-text.pdf" in content
    assert "revises" in content


def test_every_part_kind_keeps_its_history():
    follow_up = FollowUpFactory(note="First note")
    follow_up.note = "Second note"
    follow_up.save()
    assert [v.note for v in follow_up.history.all()] == ["Second note", "First note"]
    report = follow_up.recommendation.report
    period = report.visit_periods.create(start_on="2019-01-01", end_on="2019-01-02")
    pk = period.pk
    period.delete()
    assert [v.history_type for v in VisitPeriod.history.filter(id=pk)] == ["-", "+"]


def test_a_deleted_recommendation_can_be_restored_from_its_history(staff_client):
    recommendation = RecommendationFactory(text="Protect victims.")
    pk, report = recommendation.pk, recommendation.report
    recommendation.delete()
    last = Recommendation.history.filter(id=pk).first()
    assert staff_client.get(reverse("admin:decisions_recommendation_history", args=[pk])).status_code == 200
    response = staff_client.post(
        reverse("admin:decisions_recommendation_simple_history", args=[pk, last.history_id]),
        {"report": report.pk, "number": last.number, "area": last.area, "text": last.text,
         "follow_ups-TOTAL_FORMS": 0, "follow_ups-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=pk).text == "Protect victims."


def test_restoring_a_file_version_whose_bytes_are_gone_is_refused(staff_client, django_capture_on_commit_callbacks):
    attachment = AttachmentFactory()
    old_version = attachment.history.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_replace_file(attachment=attachment, uploaded_file=files.pdf_upload("new.pdf"))
    response = staff_client.post(
        reverse("admin:osce_docs_attachment_simple_history", args=[attachment.pk, old_version.history_id]),
        {"document": attachment.document_id, "kind": "full_text", "language": "en"},
    )
    assert response.status_code == 200
    assert "no longer stored" in response.content.decode()
    attachment.refresh_from_db()
    assert attachment.original_name == "new.pdf"


def test_records_from_the_initial_data_have_a_first_version():
    report = CountryVisitReport.objects.get(country__iso2="IT")
    first = report.history.last()
    assert first.history_type == "+"
    assert first.history_change_reason == "initial data"
    assert sorted(row.topic_id for row in first.topics.all()) == sorted(report.topics.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "factory",
    ["DecisionFactory", "ReportFactory", "EventFactory", "StatementFactory"],
)
def test_every_kind_of_document_records_its_fields_and_topics(factory):
    import tests.factories as factories

    document = getattr(factories, factory)(title="Before")
    topic = TopicFactory()
    document.title = "After"
    document._history_user = UserFactory(staff=True)
    document.save()
    document.topics.add(topic)
    versions = list(document.history.all())
    assert versions[-1].title == "Before"
    assert versions[0].title == "After"
    assert [row.topic_id for row in versions[0].topics.all()] == [topic.pk]
    changed = {change.field for change in versions[1].diff_against(versions[2]).changes}
    assert "title" in changed

"""Editors change drafts; only Publishers (and superusers) publish, unpublish,
delete, or change what the public sees, by whatever route."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from decisions.models import Decision
from osce_docs import services
from osce_docs.models import Attachment, Status
from osce_docs.roles import EDITORS, PUBLISH_PERMISSION, PUBLISHERS, can_publish
from tests import files
from tests.factories import (
    AttachmentFactory,
    DecisionFactory,
    FollowUpFactory,
    RecommendationFactory,
    RelationFactory,
    ReportFactory,
    UserFactory,
    VisitPeriodFactory,
)

pytestmark = pytest.mark.django_db


def member_of(group_name, **kwargs):
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor():
    return member_of(EDITORS, username="editor")


@pytest.fixture
def publisher():
    return member_of(PUBLISHERS, username="publisher")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def decision_form(decision, **overrides):
    """The POST an admin change form sends for DECISION, with no inline rows."""
    data = {
        "body": decision.body,
        "number": decision.number,
        "year": decision.year or "",
        "revision": "",
        "addendum": "",
        "corrigendum": "",
        "title": decision.title,
        "slug": decision.slug,
        "summary": decision.summary,
        "status": decision.status,
        "published_on": decision.published_on.isoformat() if decision.published_on else "",
        "adopted_on": decision.adopted_on.isoformat(),
        "meeting": decision.meeting,
        "place": decision.place,
        "original_language": decision.original_language,
    }
    for prefix in ("attachments", "relations_out", "relations_in"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(overrides)
    return data


class TestGroups:
    def test_migration_creates_editors_without_publish_or_delete(self):
        codenames = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
        assert {"add_decision", "change_decision", "add_attachment", "change_recommendation"} <= codenames
        assert {"view_state", "view_topic", "view_specialrepresentative"} <= codenames
        assert "publish_document" not in codenames
        assert not {c for c in codenames if c.startswith("delete_") and c.split("_", 1)[1] in {
            "decision", "countryvisitreport", "allianceevent", "alliancestatement", "document"}}
        assert not {c for c in codenames if c.endswith("_user") or c.endswith("_group")}

    def test_migration_creates_publishers_who_publish_and_delete(self):
        codenames = set(Group.objects.get(name=PUBLISHERS).permissions.values_list("codename", flat=True))
        assert {"publish_document", "delete_decision", "delete_countryvisitreport", "delete_document"} <= codenames
        assert not {c for c in codenames if c.endswith("_user") or c.endswith("_group")}

    def test_who_may_publish(self, editor, publisher):
        assert not can_publish(editor)
        assert can_publish(publisher)
        assert can_publish(UserFactory(superuser=True))
        assert not can_publish(member_of(PUBLISHERS, is_active=False))
        assert not can_publish(None)
        assert editor.has_perm("decisions.change_decision")
        assert publisher.has_perm(PUBLISH_PERMISSION)


class TestServices:
    def test_editor_cannot_publish_through_the_service(self, editor):
        decision = DecisionFactory()
        with pytest.raises(PermissionDenied):
            services.document_publish(document=decision, user=editor)
        decision.refresh_from_db()
        assert decision.status == Status.DRAFT

    def test_editor_cannot_unpublish_through_the_service(self, editor):
        decision = DecisionFactory(published=True)
        with pytest.raises(PermissionDenied):
            services.document_unpublish(document=decision, user=editor)
        assert Decision.objects.get(pk=decision.pk).status == Status.PUBLISHED

    def test_editor_cannot_delete_through_the_service(self, editor):
        decision = DecisionFactory()
        with pytest.raises(PermissionDenied):
            services.document_delete(document=decision, user=editor)
        assert Decision.objects.filter(pk=decision.pk).exists()

    def test_publisher_publishes_through_the_service(self, publisher):
        decision = DecisionFactory(published_on=None)
        services.document_publish(document=decision, user=publisher)
        decision.refresh_from_db()
        assert decision.status == Status.PUBLISHED
        assert decision.published_on is not None
        assert decision.updated_by == publisher


class TestAdminActions:
    def test_editor_is_not_offered_the_publish_actions(self, editor_client):
        DecisionFactory()
        response = editor_client.get(reverse("admin:decisions_decision_changelist"))
        form = response.context["action_form"]  # None when no action at all is offered
        actions = [choice[0] for choice in form.fields["action"].choices] if form else []
        assert "publish_documents" not in actions
        assert "unpublish_documents" not in actions

    @pytest.mark.parametrize("changelist", ["admin:decisions_decision_changelist", "admin:osce_docs_document_changelist"])
    def test_editor_posting_the_publish_action_changes_nothing(self, editor_client, changelist):
        decision = DecisionFactory()
        editor_client.post(reverse(changelist), {"action": "publish_documents", "_selected_action": [decision.pk]})
        assert Decision.objects.get(pk=decision.pk).status == Status.DRAFT

    def test_editor_posting_the_unpublish_action_changes_nothing(self, editor_client):
        decision = DecisionFactory(published=True)
        editor_client.post(
            reverse("admin:decisions_decision_changelist"),
            {"action": "unpublish_documents", "_selected_action": [decision.pk]},
        )
        assert Decision.objects.get(pk=decision.pk).status == Status.PUBLISHED

    def test_editor_posting_the_delete_action_deletes_nothing(self, editor_client):
        decision = DecisionFactory()
        editor_client.post(
            reverse("admin:decisions_decision_changelist"),
            {"action": "delete_selected", "_selected_action": [decision.pk], "post": "yes"},
        )
        assert Decision.objects.filter(pk=decision.pk).exists()

    def test_publisher_publishes_with_the_action(self, publisher_client, publisher):
        decision = DecisionFactory()
        publisher_client.post(
            reverse("admin:decisions_decision_changelist"),
            {"action": "publish_documents", "_selected_action": [decision.pk]},
        )
        decision = Decision.objects.get(pk=decision.pk)
        assert decision.status == Status.PUBLISHED
        assert decision.history.first().history_user == publisher


class TestAdminForms:
    def test_status_is_read_only_for_editors(self, editor_client):
        response = editor_client.get(reverse("admin:decisions_decision_add"))
        assert "status" not in response.context["adminform"].form.fields

    def test_status_is_editable_for_publishers(self, publisher_client):
        response = publisher_client.get(reverse("admin:decisions_decision_add"))
        assert "status" in response.context["adminform"].form.fields

    def test_editor_crafting_status_published_on_add_creates_a_draft(self, editor_client):
        template = DecisionFactory.build(number=4242)
        response = editor_client.post(reverse("admin:decisions_decision_add"), decision_form(template, status="published"))
        assert response.status_code == 302
        assert Decision.objects.get(number=4242).status == Status.DRAFT

    def test_editor_crafting_status_published_on_change_keeps_the_draft(self, editor_client):
        decision = DecisionFactory()
        response = editor_client.post(change_url(decision), decision_form(decision, status="published", title="Changed"))
        assert response.status_code == 302
        decision.refresh_from_db()
        assert decision.title == "Changed"
        assert decision.status == Status.DRAFT

    def test_editor_sees_a_published_document_read_only(self, editor_client):
        decision = DecisionFactory(published=True)
        response = editor_client.get(change_url(decision))
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False

    def test_editor_posting_to_a_published_document_is_refused(self, editor_client):
        decision = DecisionFactory(published=True)
        response = editor_client.post(change_url(decision), decision_form(decision, title="Defaced"))
        assert response.status_code == 403
        assert Decision.objects.get(pk=decision.pk).title != "Defaced"

    def test_editor_cannot_delete_a_draft_in_the_admin(self, editor_client):
        decision = DecisionFactory()
        url = reverse("admin:decisions_decision_delete", args=[decision.pk])
        assert editor_client.post(url, {"post": "yes"}).status_code == 403
        assert Decision.objects.filter(pk=decision.pk).exists()

    def test_publisher_deletes_a_document_and_its_files_after_commit(
        self, publisher_client, settings, django_capture_on_commit_callbacks
    ):
        attachment = AttachmentFactory()
        path = settings.MEDIA_ROOT / attachment.file.name
        url = reverse("admin:decisions_decision_delete", args=[attachment.document_id])
        with django_capture_on_commit_callbacks(execute=True):
            response = publisher_client.post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not Decision.objects.filter(pk=attachment.document_id).exists()
        assert not path.exists()

    def test_publisher_publishes_through_the_form(self, publisher_client):
        decision = DecisionFactory()
        publisher_client.post(change_url(decision), decision_form(decision, status="published"))
        assert Decision.objects.get(pk=decision.pk).status == Status.PUBLISHED


class TestPartsOfPublishedDocuments:
    def test_editor_cannot_attach_a_file_to_a_published_document(self, editor_client):
        decision = DecisionFactory(published=True)
        response = editor_client.post(
            reverse("admin:osce_docs_attachment_add"),
            {"document": decision.pk, "file": files.pdf_upload(), "kind": "full_text", "language": "en"},
        )
        assert response.status_code == 200
        assert "document" in response.context["adminform"].form.errors
        assert not Attachment.objects.exists()

    def test_editor_attaches_a_file_to_a_draft(self, editor_client):
        decision = DecisionFactory()
        response = editor_client.post(
            reverse("admin:osce_docs_attachment_add"),
            {"document": decision.pk, "file": files.pdf_upload(), "kind": "full_text", "language": "en"},
        )
        assert response.status_code == 302
        assert decision.attachments.count() == 1

    def test_editor_cannot_change_or_delete_a_published_documents_file(self, editor_client):
        attachment = AttachmentFactory(document=DecisionFactory(published=True))
        assert editor_client.post(change_url(attachment), {"kind": "annex", "language": "fr"}).status_code == 403
        delete_url = reverse("admin:osce_docs_attachment_delete", args=[attachment.pk])
        assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
        assert Attachment.objects.get(pk=attachment.pk).kind == "full_text"

    def test_editor_cannot_change_a_published_reports_recommendation(self, editor_client):
        recommendation = RecommendationFactory(report=ReportFactory(published=True))
        response = editor_client.post(change_url(recommendation), {"text": "Rewritten"})
        assert response.status_code == 403

    def test_editor_cannot_change_a_published_reports_follow_up(self, editor_client):
        follow_up = FollowUpFactory(recommendation__report=ReportFactory(published=True))
        assert editor_client.post(change_url(follow_up), {"status": "implemented"}).status_code == 403

    def test_editor_changes_a_draft_reports_recommendation(self, editor_client):
        recommendation = RecommendationFactory()
        data = {
            "report": recommendation.report_id,
            "number": recommendation.number,
            "area": recommendation.area,
            "text": "Rewritten",
            "follow_ups-TOTAL_FORMS": 0,
            "follow_ups-INITIAL_FORMS": 0,
        }
        assert editor_client.post(change_url(recommendation), data).status_code == 302
        recommendation.refresh_from_db()
        assert recommendation.text == "Rewritten"


class TestPartPagesOfPublishedDocuments:
    """The history and restore pages of parts (relations, visit periods) are
    admin pages too: an editor changes nothing of a published document there."""

    def test_editor_cannot_change_a_relation_from_a_published_document(self, editor_client):
        relation = RelationFactory(source=DecisionFactory(published=True))
        response = editor_client.post(change_url(relation), {"source": relation.source_id, "kind": "cites",
                                                              "target": relation.target_id})
        assert response.status_code == 403

    def test_editor_cannot_change_a_published_reports_visit_period(self, editor_client):
        period = VisitPeriodFactory(report=ReportFactory(published=True))
        response = editor_client.post(change_url(period), {"report": period.report_id, "start_on": "2001-01-01",
                                                            "end_on": "2001-01-02"})
        assert response.status_code == 403

    def test_editor_cannot_move_a_part_onto_a_published_document(self, editor_client):
        period = VisitPeriodFactory()
        published = ReportFactory(published=True)
        response = editor_client.post(change_url(period), {"report": published.pk, "start_on": "2001-01-01",
                                                            "end_on": "2001-01-02"})
        assert response.status_code == 200
        assert "report" in response.context["adminform"].form.errors
        period.refresh_from_db()
        assert period.report_id != published.pk

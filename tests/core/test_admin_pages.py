"""Every admin page a documentation officer uses loads, for every model."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import (
    AttachmentFactory,
    EventFactory,
    FollowUpFactory,
    PartnerFactory,
    RelationFactory,
    StatementFactory,
    VisitPeriodFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def populated(settings):
    """At least one row of every model, so change pages have something to show."""
    from osce_docs.tasks import extract_attachment_text

    # A task queued as production queues it (django-tasks-db's admin lists them).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    extract_attachment_text.enqueue(0)
    FollowUpFactory()
    VisitPeriodFactory()
    AttachmentFactory()
    RelationFactory()
    EventFactory()
    StatementFactory()
    PartnerFactory()
    Group.objects.create(name="Readers")
    seen = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "guesser", "http_accept": "*/*", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_loads(staff_client, populated, model):
    opts = model._meta
    response = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_search_and_filters_load(staff_client, populated, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(url, {"q": "traffic"}).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_add_page_loads_or_is_not_offered(staff_client, model):
    opts = model._meta
    response = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    model_admin = admin.site._registry[model]
    expected = 200 if model_admin.has_add_permission(type("R", (), {"user": staff_client.user})()) else 403
    assert response.status_code == expected


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_change_page_loads(staff_client, populated, model):
    opts = model._meta
    obj = model._default_manager.first()
    response = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert response.status_code == 200

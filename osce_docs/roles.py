"""Who may do what. Editors create and change drafts and their parts;
Publishers may also publish, unpublish and delete; superusers manage users.

Everything that decides whether someone may make a document public, or change
one that is public, asks here: the services, the admin and the import."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

EDITORS = "Editors"
PUBLISHERS = "Publishers"
PUBLISH_PERMISSION = "osce_docs.publish_document"

_DOCUMENT_MODELS = [
    "decisions.decision",
    "decisions.countryvisitreport",
    "alliance.allianceevent",
    "alliance.alliancestatement",
]
_DOCUMENT_PARTS = [
    "osce_docs.attachment",
    "osce_docs.documentrelation",
    "decisions.visitperiod",
    "decisions.recommendation",
    "decisions.followup",
]
_REFERENCE_DATA = [
    "osce_docs.state",
    "osce_docs.topic",
    "osce_docs.specialrepresentative",
    "alliance.partnerorganisation",
]


def _perms(actions, models):
    return [f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models for action in actions]


# "app_label.codename" for each group. A change here needs a data migration
# that calls sync_role_groups again.
ROLE_PERMISSIONS = {
    EDITORS: [
        *_perms(["view", "add", "change"], _DOCUMENT_MODELS),
        *_perms(["view", "add", "change", "delete"], _DOCUMENT_PARTS),
        *_perms(["view"], [*_REFERENCE_DATA, "osce_docs.document"]),
    ],
    PUBLISHERS: [
        *_perms(["view", "add", "change", "delete"], _DOCUMENT_MODELS),
        *_perms(["view", "add", "change", "delete"], _DOCUMENT_PARTS),
        *_perms(["view", "delete"], ["osce_docs.document"]),
        *_perms(["view"], _REFERENCE_DATA),
        *_perms(["add", "change"], ["osce_docs.topic", "alliance.partnerorganisation"]),
        PUBLISH_PERMISSION,
    ],
}


def sync_role_groups(apps):
    """Create the groups and give each exactly its permissions (used by
    migrations, with their historical APPS)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for label in wanted:
            app_label, codename = label.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def can_publish(user):
    """May USER make documents public, withdraw them, delete them, or change
    what the public sees?"""
    return bool(user is not None and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def can_edit(user, document):
    """Editors change drafts only: a published document, and every part of
    it, belongs to those who may publish."""
    return document is None or not document.is_published or can_publish(user)


def require_publisher(user):
    """Raise PermissionDenied unless USER may publish. USER None is the
    system itself (a migration, a shell, the command-line import)."""
    if user is not None and not can_publish(user):
        raise PermissionDenied(_("Only Publishers may publish, unpublish or delete documents."))

"""Reads over the audit trail: the versions of a document's parts (files,
relations, visit periods, recommendations and their follow-ups), shown on
the document's history page in the admin."""

from django.urls import NoReverseMatch, reverse

from decisions.models import FollowUp, Recommendation, VisitPeriod

from .models import Attachment, DocumentRelation

PART_VERSIONS_SHOWN = 200


def _part_histories(document_id):
    recommendation_ids = Recommendation.history.filter(report_id=document_id).values("id")
    yield Attachment.history.filter(document_id=document_id)
    yield DocumentRelation.history.filter(source_id=document_id)
    yield DocumentRelation.history.filter(target_id=document_id)
    yield VisitPeriod.history.filter(report_id=document_id)
    yield Recommendation.history.filter(report_id=document_id)
    yield FollowUp.history.filter(recommendation_id__in=recommendation_ids)


def _history_url(record):
    opts = record.instance_type._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[record.id, record.history_id])
    except NoReverseMatch:
        return ""


def part_versions(document_id):
    """The latest versions of DOCUMENT_ID's parts, newest first, each with
    what changed from the version before it, field by field."""
    records = []
    for history in _part_histories(document_id):
        records.extend(history.select_related("history_user").order_by("-history_date")[:PART_VERSIONS_SHOWN])
    records.sort(key=lambda record: record.history_date, reverse=True)
    versions = []
    for record in records[:PART_VERSIONS_SHOWN]:
        previous = record.prev_record
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [(change.field, change.old, change.new) for change in delta.changes]
        versions.append(
            {
                "record": record,
                "part": record.instance_type._meta.verbose_name,
                "label": str(record.instance),
                "changes": changes,
                "url": _history_url(record),
            }
        )
    return versions

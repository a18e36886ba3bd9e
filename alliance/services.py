"""Writes of Alliance records. The admin, the import and the tests use them;
publishing always goes through osce_docs.services.document_status_change."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from osce_docs.models import DatePrecision, State, Status, Topic
from osce_docs.services import document_save_changes, document_save_new, document_unique_slug

from .models import AllianceEvent

EVENT_FIELDS = (
    "event_kind",
    "ordinal",
    "title",
    "theme",
    "start_on",
    "end_on",
    "date_precision",
    "venue",
    "host_country",
    "summary",
    "published_on",
)


@transaction.atomic
def event_create(
    *,
    event_kind: str,
    title: str,
    start_on: date,
    end_on: date,
    ordinal: int | None = None,
    theme: str = "",
    date_precision: str = DatePrecision.DAY,
    venue: str = "",
    host_country: State | None = None,
    summary: str = "",
    status: str = Status.DRAFT,
    published_on: date | None = None,
    slug: str = "",
    topics: Iterable[Topic] = (),
    states: Iterable[State] = (),
    user: AbstractBaseUser | None = None,
) -> AllianceEvent:
    """A new Alliance event, published on its first day unless told otherwise."""
    event = AllianceEvent(
        event_kind=event_kind,
        ordinal=ordinal,
        title=title,
        theme=theme,
        start_on=start_on,
        end_on=end_on,
        date_precision=date_precision,
        venue=venue,
        host_country=host_country,
        summary=summary,
        published_on=published_on or start_on,
        slug=slug or document_unique_slug(base=f"{title} {start_on.year}"),
    )
    return document_save_new(document=event, status=status, user=user, topics=topics, states=states)


@transaction.atomic
def event_update(*, event: AllianceEvent, data: Mapping[str, Any], user: AbstractBaseUser | None = None) -> AllianceEvent:
    """Change EVENT_FIELDS, and topics, states or status when DATA has them."""
    for field in EVENT_FIELDS:
        if field in data:
            setattr(event, field, data[field])
    return document_save_changes(
        document=event, user=user, status=data.get("status"), topics=data.get("topics"), states=data.get("states")
    )

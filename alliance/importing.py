"""CSV rows of Alliance events (see osce_docs/importing.py)."""

import re

from django.utils.translation import gettext as _

from osce_docs.importing import DocumentImporter, format_date, format_topics

from . import services
from .models import AllianceEvent, EventKind


class EventImporter(DocumentImporter):
    kind = "events"
    model = AllianceEvent
    columns = ("kind", "ordinal", "title", "start_on", "end_on", "venue", "summary", "topics", "status", "files")
    required_columns = ("kind", "title", "start_on", "end_on")

    def parse(self, reader):
        data = {"event_kind": reader.choice("kind", EventKind.choices)}
        if reader.has("ordinal"):
            data["ordinal"] = self.ordinal(reader)
        data["title"] = reader.text("title", required=True, max_length=500)
        data["start_on"] = reader.date("start_on", required=True)
        data["end_on"] = reader.date("end_on", required=True)
        if data["start_on"] and data["end_on"] and data["end_on"] < data["start_on"]:
            reader.error("end_on", _("the event cannot end before it starts"))
        if reader.has("venue"):
            data["venue"] = reader.text("venue", max_length=200)
        self.read_shared_columns(reader, data)
        return data

    def ordinal(self, reader, column="ordinal"):
        """`18` or `18th`; empty for none."""
        value = reader.raw(column)
        if not value:
            return None
        match = re.fullmatch(r"(\d{1,4})\s*(st|nd|rd|th)?", value, re.IGNORECASE)
        if not match or int(match[1]) == 0:
            reader.error(column, _("“%(value)s” is not an ordinal such as 18 or 18th") % {"value": value})
            return None
        return int(match[1])

    def key(self, data):
        return (data["event_kind"], data["title"], data["start_on"])

    def label(self, data):
        return _("the %(kind)s “%(title)s” starting %(day)s") % {
            "kind": data["event_kind"],
            "title": data["title"][:60],
            "day": data["start_on"].isoformat(),
        }

    def find(self, data):
        return AllianceEvent.objects.filter(
            event_kind=data["event_kind"], title=data["title"], start_on=data["start_on"]
        ).first()

    def changes(self, instance, data):
        changes = self.field_changes(instance, data, ("ordinal", "end_on", "venue", "summary", "status"))
        return changes + self.topic_changes(instance, data)

    def create(self, data):
        return services.event_create(user=self.user, **data)

    def update(self, instance, data):
        services.event_update(event=instance, data=data, user=self.user)

    def export_row(self, event, files_column):
        return {
            "kind": event.event_kind,
            "ordinal": event.ordinal or "",
            "title": event.title,
            "start_on": format_date(event.start_on),
            "end_on": format_date(event.end_on),
            "venue": event.venue,
            "summary": event.summary,
            "topics": format_topics(event),
            "status": event.status,
            "files": files_column,
        }

"""Template helpers of the public pages: dates as precise as the sources,
document cards, the file matrix, language names."""

import datetime
import functools

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.dates import MONTHS
from django.utils.translation import gettext

from ..filetypes import format_label
from ..languages import OFFICIAL_LANGUAGES, language_name, language_sort_key
from ..models import AttachmentKind, DatePrecision, DocumentKind
from ..reversing import reverse_page

register = template.Library()

# Django's date format characters used here, for a date (not a datetime).
_DATE_PARTS = {
    "j": lambda value: str(value.day),
    "F": lambda value: str(MONTHS[value.month]),
    "Y": lambda value: "%04d" % value.year,
}


def format_date(value, format_string):
    """Django's `date` filter for the formats of this module ('j F Y', 'F Y',
    'Y', 'F', 'j F'). A date is formatted directly: the filter's general
    machinery was half the time of a document card."""
    if type(value) is not datetime.date:
        return date_filter(value, format_string)
    return " ".join(_DATE_PARTS[part](value) for part in format_string.split(" "))


@register.filter
def precise_date(value, precision=DatePrecision.DAY):
    """'17 June 2013', 'June 2006' or '2005', as far as the date is known."""
    if not value:
        return ""
    if precision == DatePrecision.YEAR:
        return format_date(value, "Y")
    if precision == DatePrecision.MONTH:
        return format_date(value, "F Y")
    return format_date(value, "j F Y")


@register.simple_tag
def date_span(start, end, precision=DatePrecision.DAY):
    """'17–18 June 2013', '30 June – 2 July 2013', 'June 2006': a period without repeating itself."""
    if not start:
        return ""
    if not end or end == start:
        return precise_date(start, precision)
    if precision == DatePrecision.YEAR:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if precision == DatePrecision.MONTH:
        if (start.year, start.month) == (end.year, end.month):
            return precise_date(start, precision)
        if start.year == end.year:
            return f"{format_date(start, 'F')} – {format_date(end, 'F Y')}"
        return f"{precise_date(start, precision)} – {precise_date(end, precision)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, 'j F Y')}"
    if start.year == end.year:
        return f"{format_date(start, 'j F')} – {format_date(end, 'j F Y')}"
    return f"{precise_date(start)} – {precise_date(end)}"


@functools.cache
def labels(choices):
    """{value: label} of a TextChoices class, built once (`.choices` builds a list each time)."""
    return dict(choices.choices)


@register.filter
def kind_label(kind):
    """A document kind as words ('report' -> 'country-visit report'), as
    `get_kind_display` gives it without rebuilding the choices each time."""
    return labels(DocumentKind).get(kind, kind)


@register.filter
def card(document):
    """What includes/document_card.html shows of a document of any kind.

    Read here once, in Python: the template asking each kind for the fields
    of the others (a report's `adopted_on`, an event's `symbol`) cost a failed
    lookup each, and the card was most of a list page's time."""
    symbol = getattr(document, "symbol", "") or getattr(document, "card_symbol", "")
    precision = getattr(document, "date_precision", DatePrecision.DAY)
    if adopted_on := getattr(document, "adopted_on", None):
        date = gettext("Adopted %(date)s") % {"date": precise_date(adopted_on)}
    elif start_on := getattr(document, "start_on", None):
        date = date_span(start_on, document.end_on, precision)
    elif issued_on := getattr(document, "issued_on", None):
        date = gettext("Issued %(date)s") % {"date": precise_date(issued_on, precision)}
    elif document.published_on:
        date = gettext("Published %(date)s") % {"date": precise_date(document.published_on)}
    else:
        date = ""
    country = getattr(document, "country", None)
    return {
        "pk": str(document.pk),
        "kind": kind_label(document.kind),
        "url": document.get_absolute_url(),
        "symbol": symbol,
        "title": document.title,
        "date": date,
        "country": country.name if country else "",
        "place": getattr(document, "place", "") or getattr(document, "venue", ""),
        "summary": document.summary,
        "topics": [(topic.get_absolute_url(), topic.name) for topic in document.topics.all()],
    }


@register.simple_tag
def page_url(viewname):
    """`{% url viewname %}` for a page without arguments, reversed once: the
    navigation of base.html links a dozen pages on every page."""
    return reverse_page(viewname)


@register.filter
def language(code):
    return language_name(code)


@register.filter
def file_format(content_type):
    return format_label(content_type) or content_type


@register.inclusion_tag("includes/file_matrix.html")
def file_matrix(attachments, caption=""):
    """Files as a table of kind by language: the six OSCE languages always
    (a gap shows a missing version), other languages when a file has one."""
    attachments = list(attachments)
    present = {a.language for a in attachments}
    languages = sorted(set(OFFICIAL_LANGUAGES) | present, key=language_sort_key)
    by_cell = {(a.kind, a.language): a for a in attachments}
    kind_order = list(AttachmentKind.values)
    kinds = sorted({a.kind for a in attachments}, key=lambda k: kind_order.index(k) if k in kind_order else 99)
    kind_labels = labels(AttachmentKind)
    rows = [
        {"kind": kind_labels.get(kind, kind), "cells": [(code, by_cell.get((kind, code))) for code in languages]}
        for kind in kinds
    ]
    return {
        "caption": caption,
        "languages": [(code, language_name(code)) for code in languages],
        "rows": rows,
    }


@register.filter
def status_label(value):
    """A follow-up status code as words ('partial' -> 'partially implemented')."""
    from decisions.models import FollowUpStatus

    return labels(FollowUpStatus).get(value, value)


@register.filter
def recommendation_facts(recommendation):
    """What includes/recommendation.html shows of a recommendation (from
    `for_listing()`: its report, country and Special Representative, latest
    status and follow-ups come with it), read once in Python as `card` does."""
    from decisions.models import FollowUpStatus, RecommendationArea

    statuses = labels(FollowUpStatus)
    report = recommendation.report
    latest_status = getattr(recommendation, "latest_status", None)
    follow_ups = []
    for follow_up in recommendation.follow_ups.all():
        source = follow_up.source if follow_up.source_id else None
        published_source = source is not None and source.is_published
        follow_ups.append(
            {
                "date": precise_date(follow_up.assessed_on),
                "status": statuses.get(follow_up.status, follow_up.status),
                "note": follow_up.note,
                "source_url": source.get_absolute_url() if published_source else "",
                "source_title": source.title if published_source else "",
            }
        )
    return {
        "pk": str(recommendation.pk),
        "number": str(recommendation.number),
        "url": recommendation.get_absolute_url(),
        "area": labels(RecommendationArea).get(recommendation.area, recommendation.area),
        "text": recommendation.text,
        "latest_status": latest_status or "",
        "latest_status_label": statuses.get(latest_status, latest_status) if latest_status else "",
        "follow_ups": follow_ups,
        "country": report.country.name,
        "year": format_date(report.published_on, "Y"),
        "representative": report.representative.name,
        "report_url": report.get_absolute_url(),
        "report_title": report.title,
    }

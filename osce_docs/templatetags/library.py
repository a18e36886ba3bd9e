"""Template helpers of the public pages: dates as precise as the sources,
the pieces lists repeat (osce_docs/cards.py), the file matrix, language names."""

from django import template

from .. import cards, dates
from ..filetypes import format_label
from ..languages import OFFICIAL_LANGUAGES, language_name, language_sort_key
from ..models import AttachmentKind
from ..reversing import reverse_page

register = template.Library()

# Importable from here too, as the templates know them.
format_date = dates.format_date
precise_date = register.filter(dates.precise_date)
date_span = register.simple_tag(dates.date_span)
kind_label = register.filter(cards.kind_label)


@register.simple_tag
def document_card(document, heading="h2", summary_words=40):
    return cards.document_card(document, heading=heading, summary_words=summary_words)


@register.simple_tag
def recommendation_card(recommendation, show_report=False, heading="h3"):
    return cards.recommendation_card(recommendation, show_report=show_report, heading=heading)


@register.simple_tag
def search_hit(hit):
    return cards.search_hit(hit)


tag_links = register.simple_tag(cards.tag_links)
country_links = register.simple_tag(cards.country_links)
facet_links = register.simple_tag(cards.facet_links)


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
    kind_labels = cards.labels(AttachmentKind)
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

    return cards.labels(FollowUpStatus).get(value, value)

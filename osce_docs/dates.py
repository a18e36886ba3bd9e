"""Dates as precise as the sources: '17 June 2013', 'June 2006', '2005', and
periods that do not repeat themselves ('17–18 June 2013')."""

import datetime
import functools

from django.template.defaultfilters import date as date_filter
from django.utils.dates import MONTHS
from django.utils.translation import get_language

from .models import DatePrecision


@functools.cache
def _month_names(language):
    # MONTHS holds lazy text: translated once per language, not once per date.
    return {number: str(name) for number, name in MONTHS.items()}


# Django's date format characters used here, for a date (not a datetime).
_DATE_PARTS = {
    "j": lambda value, months: str(value.day),
    "F": lambda value, months: months[value.month],
    "Y": lambda value, months: "%04d" % value.year,
}


def format_date(value, format_string):
    """Django's `date` filter for the formats of this module ('j F Y', 'F Y',
    'Y', 'F', 'j F'). A date is formatted directly: the filter's general
    machinery was half the time of a document card."""
    if type(value) is not datetime.date:
        return date_filter(value, format_string)
    months = _month_names(get_language())
    return " ".join(_DATE_PARTS[part](value, months) for part in format_string.split(" "))


def precise_date(value, precision=DatePrecision.DAY):
    """'17 June 2013', 'June 2006' or '2005', as far as the date is known."""
    if not value:
        return ""
    if precision == DatePrecision.YEAR:
        return format_date(value, "Y")
    if precision == DatePrecision.MONTH:
        return format_date(value, "F Y")
    return format_date(value, "j F Y")


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

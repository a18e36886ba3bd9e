"""Dates as precise as the sources, and the file matrix."""

import datetime

import pytest
from django.db import models
from django.template.defaultfilters import date as django_date
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from osce_docs.cards import labels
from osce_docs.models import AttachmentKind, DatePrecision
from osce_docs.templatetags.library import date_span, file_matrix, format_date, precise_date
from tests.factories import AttachmentFactory, DecisionFactory

D = datetime.date


@pytest.mark.parametrize(
    ("precision", "expected"),
    [(DatePrecision.DAY, "17 June 2006"), (DatePrecision.MONTH, "June 2006"), (DatePrecision.YEAR, "2006")],
)
def test_a_date_is_shown_as_far_as_it_is_known(precision, expected):
    assert precise_date(D(2006, 6, 17), precision) == expected


def test_no_date_is_an_empty_string():
    assert precise_date(None) == ""


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(2013, 6, 17), D(2013, 6, 18), DatePrecision.DAY, "17–18 June 2013"),
        (D(2013, 6, 30), D(2013, 7, 2), DatePrecision.DAY, "30 June – 2 July 2013"),
        (D(2012, 12, 30), D(2013, 1, 2), DatePrecision.DAY, "30 December 2012 – 2 January 2013"),
        (D(2013, 6, 17), D(2013, 6, 17), DatePrecision.DAY, "17 June 2013"),
        (D(2006, 6, 1), D(2006, 6, 30), DatePrecision.MONTH, "June 2006"),
        (D(2006, 6, 1), D(2006, 7, 1), DatePrecision.MONTH, "June – July 2006"),
        (D(2005, 1, 1), D(2005, 12, 31), DatePrecision.YEAR, "2005"),
    ],
)
def test_a_period_is_shown_without_repeating_itself(start, end, precision, expected):
    assert date_span(start, end, precision) == expected


@pytest.mark.parametrize("format_string", ["j F Y", "F Y", "Y", "F", "j F"])
@pytest.mark.parametrize(
    "value", [D(2013, 6, 17), D(2005, 1, 1), D(1999, 12, 31), D(987, 3, 4), datetime.datetime(2013, 6, 17, 23, 30)]
)
def test_dates_are_formatted_as_django_formats_them(value, format_string):
    assert format_date(value, format_string) == django_date(value, format_string)


class Months(models.TextChoices):
    # Labels that Django's own catalogue translates.
    JANUARY = "1", _("January")


def test_month_names_and_choice_labels_follow_the_active_language_though_built_once():
    # Both are translated once per language and kept: a page in another
    # language must neither get nor leave behind the other language's words.
    assert format_date(D(2006, 6, 17), "j F Y") == "17 June 2006"
    assert labels(Months) == {"1": "January"}
    with translation.override("fr"):
        assert format_date(D(2006, 6, 17), "j F Y") == django_date(D(2006, 6, 17), "j F Y") == "17 juin 2006"
        assert labels(Months) == {"1": "janvier"}
    assert format_date(D(2006, 6, 17), "j F Y") == "17 June 2006"
    assert labels(Months) == {"1": "January"}


@pytest.mark.django_db
def test_the_matrix_has_the_six_official_languages_first_then_others_and_one_row_per_kind():
    decision = DecisionFactory()
    AttachmentFactory(document=decision, kind=AttachmentKind.ANNEX, language="ka")
    AttachmentFactory(document=decision, kind=AttachmentKind.FULL_TEXT, language="ru")
    AttachmentFactory(document=decision, kind=AttachmentKind.FULL_TEXT, language="en", is_original=True)
    matrix = file_matrix(decision.attachments.all())
    assert [code for code, _name in matrix["languages"]] == ["en", "fr", "de", "it", "ru", "es", "ka"]
    assert [row["kind"] for row in matrix["rows"]] == ["full text", "annex"]
    full_text = dict(matrix["rows"][0]["cells"])
    assert full_text["en"].is_original and full_text["ru"] and full_text["fr"] is None

"""The filters' widgets drawn in Python write what Django's widget templates write."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from osce_docs import widgets

CHOICES = [
    ("", "Any country"),
    ("it", "Italy"),
    ("x", 'Quotes " and <tags> & ampersands'),
    (3, 2007),
    ("lazy", gettext_lazy("Permanent Council")),
    ("safe", mark_safe("<b>bold</b>")),
]


class TemplateSelect(forms.Select):
    """Django's own select, drawn by its templates."""


@pytest.mark.parametrize("value", [None, "", "it", "x", 3, "3", "not a choice"])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_country"},
        {"id": "id_country", "aria-describedby": "id_country_helptext", "aria-invalid": "true", "required": True},
        {"id": "id_country", "disabled": False, "data-x": None, "title": 'say "hi" <now>'},
    ],
)
def test_a_select_is_drawn_as_django_draws_it(value, attrs):
    ours = widgets.Select(choices=CHOICES).render("country", value, attrs)
    django = TemplateSelect(choices=CHOICES).render("country", value, attrs)
    assert ours == django


def test_option_groups_are_drawn_as_django_draws_them():
    choices = [("", "Any"), ("Councils", [("pc", "Permanent Council"), ("mc", "Ministerial Council")]), ("x", "Other")]
    ours = widgets.Select(choices=choices).render("body", "mc", {"id": "id_body"})
    assert ours == TemplateSelect(choices=choices).render("body", "mc", {"id": "id_body"})
    assert '<optgroup label="Councils">' in ours


@pytest.mark.parametrize("value", [None, "", "2007", 'a "quoted" <value>', 2007])
@pytest.mark.parametrize(
    "widget_attrs",
    [None, {"type": "search"}, {"inputmode": "numeric", "placeholder": "e.g. 2007", "size": 6}],
)
def test_a_text_box_is_drawn_as_django_draws_it(value, widget_attrs):
    attrs = {"id": "id_year", "aria-describedby": "id_year_error", "aria-invalid": "true"}
    ours = widgets.TextInput(attrs=widget_attrs).render("year", value, attrs)
    assert ours == forms.TextInput(attrs=widget_attrs).render("year", value, attrs)


def test_the_public_filters_draw_their_fields_with_these_widgets():
    from decisions.filters import DecisionFilter, RecommendationFilter

    for filterset in (DecisionFilter, RecommendationFilter):
        for name, field in filterset().form.fields.items():
            assert type(field.widget).__module__ == "osce_docs.widgets", name

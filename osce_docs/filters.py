"""Filters the public lists share: words, year, country, topic.

Every filter validates its value through a form field, so a wrong value
(``?year=abc``, ``?country=zz``) becomes a message on the page, never a
database error."""

import django_filters
from django import forms
from django.db.models import Value, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from . import widgets
from .models import SpecialRepresentative, State, Topic

# Bounds keep year lookups inside what a date can hold (year 99999 would
# otherwise fail when the lookup builds its date range).
MIN_YEAR, MAX_YEAR = 1975, 2100


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        # A text box (numeric keyboard on phones) rather than type=number, so
        # that a wrong value stays visible next to its error message.
        kwargs.setdefault(
            "widget", widgets.TextInput(attrs={"inputmode": "numeric", "placeholder": "e.g. 2007", "size": 6})
        )
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for _pk, key, label in self.field.listed():
            yield (key, label)

    def __len__(self):
        return len(self.field.listed()) + (self.field.empty_label is not None)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A choice among a short list (States, topics, Representatives) read once
    per form: checking the value and drawing the select share one query,
    instead of one each (keeps every list page within its query budget); a
    FilterSet's lists share one query too (`read_listed_choices`).

    The list is read as plain rows (key, label), not models: a model for each
    of seventy States, and Django's wrapper around each option's value, were a
    tenth of a list page. The value chosen becomes a model of its own, its
    other fields read from the database only if something asks for them."""

    iterator = _ListedChoiceIterator
    # What each option shows; as `label_from_instance` shows the chosen one.
    label_field = "name"

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self._listed = None

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def listed(self):
        """The choices as rows of (pk, key, label), in the queryset's order."""
        if self._listed is None:
            read_listed_choices(getattr(self, "read_with", ()))
            if self._listed is None:
                self._listed = list(self.queryset.values_list(*self.listed_columns()))
        return self._listed

    def listed_columns(self):
        """What each row of `listed()` holds: (pk, key, label)."""
        return "pk", self.to_field_name or "pk", self.label_field

    def label_from_instance(self, obj):
        return getattr(obj, self.label_field)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for pk, key, label in self.listed():
            if str(key) == str(value):
                return self._chosen(pk, key, label)
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    def _chosen(self, pk, key, label):
        """The model of the row chosen, as read (its other fields deferred)."""
        model = self.queryset.model
        key_field = model._meta.pk if self.to_field_name in (None, "pk") else model._meta.get_field(self.to_field_name)
        known = {model._meta.pk.attname: pk, key_field.attname: key, self.label_field: label}
        # from_db takes the values in the order of the model's fields.
        names = [field.attname for field in model._meta.concrete_fields if field.attname in known]
        return model.from_db(self.queryset.db, names, [known[name] for name in names])


def read_listed_choices(fields):
    """Read the choices of several ListedModelChoiceFields (States, topics,
    Representatives, ...) in one query, a UNION ALL of their lists, each
    numbered in its own order: a list page's filter form then costs one query
    for all of them (three on the reports' list) instead of one each."""
    fields = [field for field in fields if field._listed is None]
    if len(fields) < 2:
        return
    selects = []
    for n, field in enumerate(fields):
        queryset = field.queryset
        order = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
        rows = queryset.order_by().annotate(
            listed_field=Value(n), listed_rank=Window(RowNumber(), order_by=order)
        )
        selects.append(rows.values_list("listed_field", "listed_rank", *field.listed_columns()))
    listed = [[] for _field in fields]
    for n, rank, pk, key, label in selects[0].union(*selects[1:], all=True):
        listed[n].append((rank, pk, key, label))
    for field, rows in zip(fields, listed):
        field._listed = [row[1:] for row in sorted(rows)]


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, its form's short lists read together, in
    one query, when the first of them is needed."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            fields = [field for field in super().form.fields.values() if isinstance(field, ListedModelChoiceField)]
            for field in fields:
                field.read_with = fields
        return self._form


class StateCodeField(ListedModelChoiceField):
    """A State by its ISO code, in either case (`it` as in the country page's address, or `IT`)."""

    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class ListedFilter(django_filters.ModelChoiceFilter):
    """A choice among a short list of MODEL's rows, named in the address by
    TO_FIELD_NAME (a slug, an ISO code) and drawn with the project's select:
    a subclass names the model, the key and the labels."""

    field_class = ListedModelChoiceField
    model = None
    to_field_name = "slug"
    default_label = None
    any_label = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", widgets.Select)
        kwargs.setdefault("queryset", self.model.objects.all())
        kwargs.setdefault("to_field_name", self.to_field_name)
        kwargs.setdefault("label", self.default_label)
        kwargs.setdefault("empty_label", self.any_label)
        super().__init__(*args, **kwargs)


class CountryFilter(ListedFilter):
    field_class = StateCodeField
    model = State
    to_field_name = "iso2"
    default_label = _("Country")
    any_label = _("Any country")


class TopicFilter(ListedFilter):
    model = Topic
    default_label = _("Topic")
    any_label = _("Any topic")


class RepresentativeFilter(ListedFilter):
    model = SpecialRepresentative
    default_label = _("Special Representative")
    any_label = _("Any Special Representative")


class WordsFilter(django_filters.CharFilter):
    """Words through the one search entry point (`.search(q)` on the queryset)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Words"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", widgets.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.search(value) if value else qs


class ChoiceFilter(django_filters.ChoiceFilter):
    """django-filter's ChoiceFilter, its select drawn in Python (osce_docs/widgets.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", widgets.Select)
        super().__init__(*args, **kwargs)


class OrderingChoiceFilter(ChoiceFilter):
    """`ordering=newest|oldest|...`: each choice names a function of the queryset."""

    def __init__(self, *args, orderings, **kwargs):
        self.orderings = orderings
        kwargs.setdefault("label", _("Order"))
        kwargs.setdefault("empty_label", None)
        kwargs["choices"] = [(key, label) for key, (label, _order) in orderings.items()]
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in self.orderings:
            return self.orderings[value][1](qs)
        return qs


def active_filters(filterset, request):
    """What the visitor filtered by, each with the address that removes it.

    Returns [(label, shown value, url)]: only valid values count, and removing
    a filter goes back to the first page."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    form = filterset.form
    active = []
    for name, field in form.fields.items():
        if name == "ordering":
            continue
        raw = request.GET.get(name, "")
        value = form.cleaned_data.get(name)
        if raw.strip() == "" or value in (None, ""):
            continue
        if hasattr(field, "choices") and not isinstance(field, forms.ModelChoiceField):
            shown = dict(field.choices).get(value, value)
        else:
            shown = field.label_from_instance(value) if isinstance(field, forms.ModelChoiceField) else value
        params = request.GET.copy()
        params.pop(name, None)
        params.pop("page", None)
        query = params.urlencode()
        active.append((field.label, shown, f"{request.path}?{query}" if query else request.path))
    return active

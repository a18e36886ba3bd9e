"""Admin change lists that stay quick at a million documents.

Django's change list counts every row of the list (COUNT(*)), counts the
whole table again for its "N total", and its date hierarchy reads the date of
every row (SELECT DISTINCT) before showing fifty of them. Here, as on the
public lists (osce_docs/pagination.py):

- the list is counted up to the result window, from a sample when that
  settles it, and says "more than N" past it; an unfiltered list of
  documents shows the exact total the database keeps (DocumentCount);
- the whole table is not counted a second time (``show_full_result_count``),
  and Django's "Show counts" (every filter value counted over the whole
  list: 8 s for the decisions at a million on PostgreSQL) is offered only
  while the library is small;
- dates are narrowed by a year filter whose years come from the first and
  last date (two index reads), instead of the date hierarchy;
- the number of files on each row is counted for the rows shown, not
  grouped over the whole list;
- documents are searched through the full-text index, as on the site,
  instead of a LIKE over the title and summary of every row;
- each row's action checkbox is written directly (``ActionCheckboxMixin``).
"""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .pagination import WindowPaginator

# What a change list's address may hold without narrowing the list.
UNFILTERING_PARAMETERS = {PAGE_VAR, ORDER_VAR, "_facets"}


class ChangeListWithoutFacets(ChangeList):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the filters are drawn: no counts, no "Show counts" link.
        self.add_facets = self.is_facets_optional = False


class ActionCheckboxMixin:
    """A ModelAdmin mixin: each row's action checkbox written directly, the
    markup Django's CheckboxInput draws through the template engine (about
    0.3 ms a row: a fifth of a 100-row list's time)."""

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class WindowedChangeListMixin:
    """A ModelAdmin mixin: counts bounded as on the public lists."""

    show_full_result_count = False
    # Documents in the library up to which "Show counts" is offered.
    FACETS_UP_TO_DOCUMENTS = 50_000

    def get_changelist(self, request, **kwargs):
        from .models import DocumentCount

        if DocumentCount.objects.total(status=None) <= self.FACETS_UP_TO_DOCUMENTS:
            return super().get_changelist(request, **kwargs)
        return ChangeListWithoutFacets

    def kept_total(self, request, filters):
        """The list's exact total, when the database keeps it for these FILTERS
        (the names of the parameters narrowing it), else None."""
        return None

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        total = self.kept_total(request, set(request.GET) - UNFILTERING_PARAMETERS)
        return WindowPaginator(queryset, per_page, orphans, allow_empty_first_page, total=total)


class FullTextSearchMixin:
    """A ModelAdmin mixin for lists of documents: the search box (and the
    autocomplete of fields that pick a document) asks the site's full-text
    index, drafts included; a slug or symbol typed exactly finds just that
    document. Django's LIKE over the title and summary read every row: 4–15 s
    at a million documents for a word found nowhere."""

    search_help_text = _(
        'Whole words, as on the site\'s search: all must match, "a phrase", -word, or. '
        "An exact slug or symbol finds its document."
    )

    def get_search_results(self, request, queryset, search_term):
        from .models import Document
        from .search import filter_documents

        term = search_term.strip()
        if not term:
            return queryset, False
        # Either, not both: an OR of the two made PostgreSQL hash the index's
        # matches again for every row it checked (a minute for a common word).
        by_slug = Document.objects.filter(slug=term).order_by().values("pk")
        by_symbol = Document.objects.filter(decision__symbol=term).order_by().values("pk")
        # A UNION, each side through its own index (an OR across the two
        # tables is a scan of both).
        named = [row["pk"] for row in by_slug.union(by_symbol)]
        if named:
            return queryset.filter(pk__in=named), False
        return filter_documents(queryset, term), False


def kept_document_total(request, filters, kind=None):
    """The number of documents (of KIND, or of the kind the list is filtered
    by) with the status the list is filtered by, or of any status, from
    DocumentCount; None when other filters narrow the list."""
    from .models import DocumentCount

    if not filters <= {"status__exact", "kind__exact"}:
        return None
    return DocumentCount.objects.total(kind=request.GET.get("kind__exact", kind), status=request.GET.get("status__exact"))


class YearListFilter(admin.SimpleListFilter):
    """The year of FIELD_NAME (a date or date-time field), latest first:
    ``year_filter(field_name)`` makes one for a field. The years offered run
    from the first to the last date: the field wants an index of its own
    table (a report filters by its listing_date, its publication date copied
    beside its other indexes)."""

    field_name = None
    title = _("year")

    def lookups(self, request, model_admin):
        field = self.field_name
        dated = model_admin.model._default_manager.filter(**{f"{field}__isnull": False})
        if not isinstance(model_admin.model._meta.get_field(field), models.DateTimeField):
            # The earliest date stands for "no date" in a report's listing_date.
            dated = dated.filter(**{f"{field}__gt": datetime.date.min})
        # Two reads of the field's index: MIN and MAX in one query would make
        # SQLite scan the table.
        first = dated.order_by(field).values_list(field, flat=True).first()
        if first is None:
            return []
        last = dated.order_by(f"-{field}").values_list(field, flat=True).first()
        return [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit() or not 1 <= int(value) <= 9999:
            raise IncorrectLookupParameters(_("A year is a number from 1 to 9999."))
        return queryset.filter(**{f"{self.field_name}__year": int(value)})


def year_filter(field_name, title=None):
    return type(
        f"{field_name.title().replace('_', '')}YearFilter",
        (YearListFilter,),
        {
            "field_name": field_name,
            "parameter_name": f"{field_name}__year",
            "title": title or YearListFilter.title,
        },
    )

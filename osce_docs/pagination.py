"""Pagination whose cost does not grow with the library.

Django's Paginator runs COUNT(*) over the whole result and serves page N with
OFFSET (N-1)*size: both read every earlier row, so both get slower as the
library grows. Here:

- results are counted only up to a window (``settings.LIST_RESULT_WINDOW``,
  5,000 by default): beyond it a list says "more than 5,000" instead of
  reading a million rows to print an exact figure nobody pages through;
- the unfiltered lists, whose totals people do want, pass the exact total
  read from the counts the database keeps (``DocumentCount``);
- pages stop at the window: page 2,000 of an unfiltered list asks the reader
  to narrow the results (filters, search) instead of making the database skip
  fifty thousand rows. The deepest page costs the same at ten thousand
  documents and at a million.
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


def result_window():
    return getattr(settings, "LIST_RESULT_WINDOW", 5000)


def capped_count(queryset, cap):
    """min(the number of rows of QUERYSET, CAP + 1): reads at most CAP + 1 rows."""
    if hasattr(queryset, "query"):
        # Any CAP + 1 rows will do: without the list's order the database may
        # take them from whichever index finds them soonest, with no sort.
        rows = queryset.order_by()
        if rows.query.combinator is None:
            # The key only: what the rows show but the filters do not use (a
            # recommendation's latest status, a card's symbol) is not worked out
            # for every row counted.
            rows = rows.values("pk")
        return rows[: cap + 1].count()
    return min(len(queryset), cap + 1)


class WindowPage(Page):
    def end_index(self):
        # The last reachable page is not the last result when the list goes on.
        return self.start_index() + len(self.object_list) - 1 if self.paginator.count else 0


class WindowPaginator(Paginator):
    """A Paginator that counts at most ``window`` results and serves only the
    pages inside them. ``total`` (when known cheaply, e.g. from DocumentCount)
    is used as the count instead of counting.

    ``count`` is the number shown (exact, or the window when there are more);
    ``count_is_capped`` says whether there are more than that."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, window=None, total=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.window = window or result_window()
        # A kept total below zero can only be stale (tables emptied behind the
        # triggers' back): count instead of slicing with a negative number.
        self.total = total if total is None or total >= 0 else None

    @cached_property
    def counted(self):
        if self.total is not None:
            return self.total
        return capped_count(self.object_list, self.window)

    @cached_property
    def count(self):
        return min(self.counted, self.window) if self.total is None else self.total

    @property
    def count_is_capped(self):
        return self.total is None and self.counted > self.window

    @cached_property
    def reachable_count(self):
        """How many results the pages reach: no further than the window."""
        return min(self.count, self.window)

    @cached_property
    def num_pages(self):
        if self.reachable_count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, self.reachable_count - self.orphans)
        return -(-hits // self.per_page)

    def _get_page(self, *args, **kwargs):
        return WindowPage(*args, **kwargs)

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise InvalidPage(_("The page number must be a whole number.")) from None
        if number < 1:
            raise InvalidPage(_("Pages start at 1."))
        if number > self.num_pages:
            if number == 1 and self.allow_empty_first_page:
                return number
            if self.count > self.reachable_count or self.count_is_capped:
                raise InvalidPage(
                    _("Only the first %(pages)s pages can be shown: narrow the results with the filters or a search.")
                    % {"pages": f"{self.num_pages:,}"}
                )
            raise InvalidPage(_("There is no page %(number)s.") % {"number": number})
        return number

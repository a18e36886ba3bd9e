"""Pagination whose cost does not grow with the library.

Django's Paginator runs COUNT(*) over the whole result and serves page N with
OFFSET (N-1)*size: both read every earlier row, so both get slower as the
library grows. Here:

- results are counted only up to a window (``settings.LIST_RESULT_WINDOW``,
  1,000 by default, where Google and GitHub's search stop): beyond it a list
  says "more than 1,000" instead of reading a million rows to print an exact
  figure nobody pages through;
- even reading 1,001 matches grows with the library when each filter alone
  matches a large share of it (the database joins the filters' whole sets to
  find them), so a filtered list first counts its matches in a fixed-size
  sample of the table: fifty evenly spaced runs of ids (``windowed_count``).
  When even a cautious lower bound from the sample is beyond the window, the
  list says "more than 1,000" without counting; when the sample cannot tell,
  or the table is small, the window is counted as before. Both in one query;
- the unfiltered lists, whose totals people do want, pass the exact total
  read from the counts the database keeps (``DocumentCount``);
- pages stop at the window: page 2,000 of an unfiltered list asks the reader
  to narrow the results (filters, search) instead of making the database skip
  fifty thousand rows. The deepest page costs the same at ten thousand
  documents and at a million.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import connections
from django.db.models import BooleanField, F, Func
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


def result_window():
    """How far a list counts and pages."""
    return getattr(settings, "LIST_RESULT_WINDOW", 1000)


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


# Fifty runs of 400 ids: 20,000 ids, whatever the size of the table. A
# glance reads the first 50 ids of each run (2,500): enough to settle a
# filter that matches a large share of the table, and to skip the full sample
# when the filter plainly matches fewer than the window.
SAMPLE_RUNS = 50
SAMPLE_RUN_IDS = 400
GLANCE_RUN_IDS = 50
# The glance stops reading a run at its fifth match: 250 matches settle any
# window up to 1,000 (the bound below is 187 matches, and a window of 1,000
# scaled to the glance is at most 125), and a filter matching most rows (a
# common word, checked against the full-text index row by row) then reads
# about 6 rows a run instead of 50. Stopping early only lowers the bound, so
# it can send a list to the sample or the count, never to a wrong "more than".
GLANCE_RUN_MATCHES = 5
# Before the glance, its first 20 ids a run (1,000): a list whose rows are
# dear to check (words walked on SQLite, about 20 µs a row) and whose
# matches are a few in a hundred is settled reading 40 % of the glance's rows
# (the decisions filtered by "national referral mechanism" at a million:
# 50 -> 34 ms); one it does not settle pays them on top (events with "child
# victims": 26 -> 29 ms).
FIRST_GLANCE_RUN_IDS = 20
# A sample whose matches, scaled up, pass the window by SAMPLE_SIGMAS / √2
# standard deviations (about 2.8: what the sample twice over would show
# beyond doubt, were its share the same) is read on, each run to twice its
# length, before the list is counted, when the runs do not overlap: a
# Representative's 2,914 reports on a topic since 2010, of a million
# documents, were found 46 times in the sample, where 49 settle it.
# Below that bound reading on costs more than it is likely to settle.
# Sampled runs are not independent rows (neighbouring ids share dates, kinds,
# countries), so the bound stands well clear of the Poisson 3 sigma.
SAMPLE_SIGMAS = 4


@dataclass
class RunsBeingWritten:
    """While windowed_count writes the subquery of its runs (the ids from
    `run.lo + START` to `run.lo + END`, exclusive) of KEY (the table's key,
    as the SQL names it), a condition on KEY that can find a whole run's
    rows at once (an FTS5 table read by ranges of ids) hands its rows over
    as a table of ids (``ids_table``), which the query works out once for
    all the runs, instead of being asked row by row (the decisions filtered
    by "national referral mechanism" at a million documents: the glance's
    620 rows, 40 µs each)."""

    key: str
    start: int
    end: int
    # Names the tables apart from other runs' (two kinds of runs of a small
    # table can share START and END).
    name_prefix: str
    tables: list = field(default_factory=list)

    def ids_table(self, select, params):
        """The name of a table holding what SELECT finds: ids, read with
        `run` in its FROM and the run's ids from `run.lo + %s` to `run.lo + %s`
        exclusive (those two parameters, START and END, are added after
        PARAMS)."""
        name = f"{self.name_prefix}_{len(self.tables)}"
        self.tables.append((name, select, [*params, self.start, self.end]))
        return name


RUNS_BEING_WRITTEN = ContextVar("runs_being_written", default=None)


def countable(queryset):
    """Whether the sample query can wrap QUERYSET's SQL: a plain filtered query of a table."""
    query = getattr(queryset, "query", None)
    return (
        query is not None
        and query.combinator is None
        and not query.is_empty()
        and not query.distinct
        and not query.is_sliced
        and query.model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField", "OneToOneField"}
    )


def windowed_count(queryset, window, runs=None, run_ids=None, glance_matches=None):
    """min(QUERYSET's rows, WINDOW + 1), in one query whose cost stays fixed
    however large the table grows, whenever it can:

    - a table spanning at most RUNS × RUN_IDS ids is counted (up to the window);
    - in a larger one, the rows whose ids fall in the first ids of RUNS evenly
      spaced runs are counted, at most GLANCE_MATCHES a run (the glance:
      ``GLANCE_RUN_MATCHES`` unless given; first over ``FIRST_GLANCE_RUN_IDS``
      ids a run, then over ``GLANCE_RUN_IDS``), and
      when a cautious lower bound scaled up from them (``SAMPLE_SIGMAS``
      standard deviations below) is beyond WINDOW, that settles it: WINDOW + 1;
    - when the glance suggests at least half the window, the whole runs of
      RUN_IDS ids are counted (the sample) and judged the same way;
    - otherwise the window is counted, as for a small table.

    Each branch's subquery runs only when the CASE reaches it."""
    if not countable(queryset):
        return capped_count(queryset, window)
    runs, run_ids = runs or SAMPLE_RUNS, run_ids or SAMPLE_RUN_IDS
    glance_ids = max(1, min(GLANCE_RUN_IDS, run_ids // 2))
    rows = queryset.order_by().values("pk")
    inner, params = rows.query.sql_with_params()
    connection = connections[rows.db]
    meta = queryset.model._meta
    pk, table = connection.ops.quote_name(meta.pk.column), connection.ops.quote_name(meta.db_table)
    if connection.vendor == "sqlite":
        # SQLite cannot tell that a run is narrow and may drive each run from
        # another filter's index instead (a country's 1,300 reports for each
        # of the runs: 280 ms at a million); likelihood() says so, and leaves
        # the comparisons usable by the id's index.
        in_run_condition = (
            f"likelihood({table}.{pk} >= run.lo + %s, 0.01) AND likelihood({table}.{pk} < run.lo + %s, 0.01)"
        )
    else:
        in_run_condition = f"{table}.{pk} >= run.lo + %s AND {table}.{pk} < run.lo + %s"

    ids_tables = []

    def in_runs(width, matches=None, start=0):
        # The rows within each run (at most MATCHES of them), WIDTH ids from
        # its START: a correlated subquery, so that each run is read through
        # the id's index.
        in_run = rows.filter(RawSQL(in_run_condition, (start, start + width), output_field=BooleanField()))
        if matches:
            in_run = in_run[:matches]
        being_written = RunsBeingWritten(f"{table}.{pk}", start, start + width, f"run_ids_{len(ids_tables)}")
        token = RUNS_BEING_WRITTEN.set(being_written)
        try:
            sql, in_run_params = in_run.query.sql_with_params()
        finally:
            RUNS_BEING_WRITTEN.reset(token)
        ids_tables.extend(being_written.tables)
        select = f"SELECT SUM((SELECT COUNT(*) FROM ({sql}) AS in_run)), %s * 1.0 * %s / (SELECT ids FROM span) FROM run"
        return select, [*in_run_params, window, runs * width]

    first_glance_sql, first_glance_params = in_runs(
        max(1, min(FIRST_GLANCE_RUN_IDS, glance_ids // 2)), glance_matches or GLANCE_RUN_MATCHES
    )
    glance_sql, glance_params = in_runs(glance_ids, glance_matches or GLANCE_RUN_MATCHES)
    sample_sql, sample_params = in_runs(run_ids)
    # The runs' next RUN_IDS ids, which with the sample make the wide sample.
    further_sql, further_params = in_runs(run_ids, start=run_ids)
    # found − k·√found > x, with x the window scaled down to the sample,
    # written without a square root (SQLite may have none): found > x and
    # (found − x)² > k²·found.
    beyond_doubt = "found > x AND (found - x) * (found - x) > %s * found"
    # Worked out once, when a branch first reads them.
    tables_sql = "".join(f"{name}(id) AS MATERIALIZED ({select}),\n" for name, select, _ in ids_tables)
    tables_params = [param for _, _, params in ids_tables for param in params]
    sql = f"""
        WITH RECURSIVE
          ends(lo, hi) AS ({id_bounds_sql(table, pk)}),
          span(lo, ids) AS (SELECT lo, hi - lo + 1 FROM ends),
          step(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM step WHERE n < %s),
          run(lo) AS (SELECT span.lo + step.n * (span.ids / %s) FROM span, step),
          {tables_sql}first_glance(found, x) AS ({first_glance_sql}),
          glance(found, x) AS ({glance_sql}),
          sample(found, x) AS ({sample_sql}),
          further(found, x) AS ({further_sql}),
          wide(found, x) AS (SELECT sample.found + further.found, sample.x + further.x FROM sample, further),
          capped(n) AS (SELECT COUNT(*) FROM ({inner} LIMIT %s) AS counted)
        SELECT CASE
          WHEN COALESCE((SELECT ids FROM span), 0) <= %s THEN (SELECT n FROM capped)
          WHEN (SELECT {beyond_doubt} FROM first_glance) THEN %s
          WHEN (SELECT {beyond_doubt} FROM glance) THEN %s
          WHEN (SELECT 2 * found >= x FROM glance) THEN
            CASE
              WHEN (SELECT {beyond_doubt} FROM sample) THEN %s
              WHEN (SELECT ids FROM span) >= %s AND (SELECT {beyond_doubt} FROM sample)
                AND (SELECT {beyond_doubt} FROM wide) THEN %s
              ELSE (SELECT n FROM capped)
            END
          ELSE (SELECT n FROM capped)
        END
    """
    k2 = SAMPLE_SIGMAS**2
    arguments = [runs - 1, runs, *tables_params, *first_glance_params, *glance_params, *sample_params, *further_params]
    arguments += [*params, window + 1]
    arguments += [runs * run_ids, k2, window + 1, k2, window + 1, k2, window + 1]
    arguments += [runs * 2 * run_ids, k2 / 2, k2, window + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return cursor.fetchone()[0]


def barely_narrowing(condition):
    """CONDITION, which SQLite is told nearly every row passes (likelihood()):
    it still reads it from an index that holds it, but does not count on it
    to narrow the rows when it chooses a plan."""
    return Func(condition, RawSQL("0.999", ()), function="likelihood", output_field=BooleanField())


# From this offset on, a page's rows are found by their keys first: the
# database then skips the earlier rows reading only what the filters and the
# order need, and joins what the page shows (country, Representative, ...)
# for its own rows only, not for the thousands it skips.
KEYS_FIRST_OFFSET = 500
# SQLite, for a list whose rows are picked by a subquery (the keys above) or
# checked by one (words, osce_docs/search.py), may read every published
# document's status and sort them rather than walk the list's order index
# (page 200 of the decisions at a million documents: 12 -> 900 ms). A term on
# the key that it is told nearly every row passes (true for every row) makes
# it walk the list's order, as it does for a plain list.
LIST_ORDER_HINT = barely_narrowing(GreaterThan(F("pk"), 0))


def id_bounds_sql(table, pk):
    """A SELECT of TABLE's lowest and highest PK, from its index: two
    subqueries, because SQLite reads MIN and MAX from an index only one at a time."""
    return f"SELECT (SELECT MIN({pk}) FROM {table}), (SELECT MAX({pk}) FROM {table})"


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
        return windowed_count(self.object_list, self.window)

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

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom, top):
        """OBJECT_LIST[BOTTOM:TOP], in one query; past KEYS_FIRST_OFFSET the
        rows whose keys a subquery picks from the list (a "deferred join")."""
        rows = self.object_list
        if bottom < KEYS_FIRST_OFFSET or not countable(rows):
            return rows[bottom:top]
        keys = rows
        if connections[rows.db].vendor == "sqlite":
            keys = rows.filter(LIST_ORDER_HINT)
        return rows.filter(pk__in=keys.values("pk")[bottom:top])

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

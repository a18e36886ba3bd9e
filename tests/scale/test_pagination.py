"""Counting and paging that read a bounded number of rows."""

import pytest
from django.core.paginator import InvalidPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Decision
from osce_docs.models import Document, Status
from osce_docs.pagination import WindowPaginator, capped_count, windowed_count
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve():
    DecisionFactory.create_batch(12, published=True)
    return Document.objects.published().order_by("pk")


def test_capped_count_counts_exactly_below_the_cap_and_stops_above_it(twelve):
    assert capped_count(twelve, 20) == twelve.count()
    assert capped_count(twelve, 5) == 6
    assert capped_count(list(twelve), 5) == 6


def test_capped_count_neither_sorts_nor_works_out_what_only_the_rows_show(twelve):
    cards = twelve.for_cards().order_by("-published_on", "-pk")
    with CaptureQueriesContext(connection) as captured:
        assert capped_count(cards, 5) == 6
    (counting,) = (query["sql"] for query in captured.captured_queries)
    assert "ORDER BY" not in counting
    # The card's symbol (from the decision table) is left out of the count.
    assert "symbol" not in counting


def test_counts_are_exact_inside_the_window(twelve):
    paginator = WindowPaginator(twelve, 5, window=100)
    assert paginator.count == twelve.count()
    assert not paginator.count_is_capped
    assert paginator.num_pages == -(-twelve.count() // 5)


def test_beyond_the_window_the_count_says_more_and_pages_stop(twelve):
    paginator = WindowPaginator(twelve, 2, window=6)
    assert paginator.count == 6
    assert paginator.count_is_capped
    assert paginator.num_pages == 3
    last = paginator.page(3)
    assert not last.has_next()
    assert (last.start_index(), last.end_index()) == (5, 6)
    with pytest.raises(InvalidPage, match="narrow the results"):
        paginator.page(4)


def test_a_known_total_is_shown_exact_while_pages_stop_at_the_window(twelve, django_assert_num_queries):
    expected = list(twelve.values_list("pk", flat=True)[4:6])
    paginator = WindowPaginator(twelve, 2, window=6, total=1_000_000)
    with django_assert_num_queries(1):
        page = paginator.page(3)
        assert [d.pk for d in page.object_list] == expected
    assert paginator.count == 1_000_000
    assert not paginator.count_is_capped
    assert paginator.num_pages == 3
    assert page.end_index() == 6
    with pytest.raises(InvalidPage, match="Only the first 3 pages"):
        paginator.page(2000)


def test_a_deep_page_finds_its_rows_by_key_first_in_the_same_one_query(twelve, monkeypatch):
    from osce_docs import pagination

    monkeypatch.setattr(pagination, "KEYS_FIRST_OFFSET", 4)
    # Ties in the first ordering column, broken by the key, as the lists order.
    Document.objects.update(published_on="2020-01-01")
    cards = twelve.for_cards().order_by("-published_on", "-pk")
    paginator = WindowPaginator(cards, 3, window=100, total=12)
    shallow, deep = paginator.page(1), paginator.page(3)
    with CaptureQueriesContext(connection) as captured:
        rows = list(deep.object_list)
    assert [d.pk for d in rows] == list(cards.values_list("pk", flat=True)[6:9])
    deep_queries = [query["sql"] for query in captured.captured_queries]
    # The offset is taken inside the subquery that picks the keys, not by the page's own query.
    assert deep_queries[0].index("OFFSET 6") > deep_queries[0].index("IN (SELECT")
    if connection.vendor == "sqlite":
        # ...with the hint that keeps SQLite walking the list's order.
        assert "likelihood(" in deep_queries[0]
    with CaptureQueriesContext(connection) as captured:
        list(shallow.object_list)
    assert "IN (SELECT" not in captured[0]["sql"]
    assert len(captured) == len(deep_queries)  # the cards' topics, read the same way


def test_a_stale_negative_total_is_ignored_and_the_results_counted(twelve):
    paginator = WindowPaginator(twelve, 5, window=100, total=-3)
    assert paginator.count == twelve.count()
    assert len(paginator.page(1).object_list) == 5


def test_bad_page_numbers_are_refused_with_a_message(twelve):
    paginator = WindowPaginator(twelve, 5, window=100)
    for bad, message in (("abc", "whole number"), ("0", "start at 1"), ("99", "no page 99")):
        with pytest.raises(InvalidPage, match=message):
            paginator.page(bad)


def test_an_empty_list_has_one_empty_page():
    paginator = WindowPaginator(Document.objects.none(), 25)
    page = paginator.page(1)
    assert paginator.count == 0
    assert (page.start_index(), page.end_index()) == (0, 0)


def test_the_count_query_reads_at_most_the_window(twelve, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        WindowPaginator(twelve, 5, window=7).count
    assert len(captured) == 1
    assert "LIMIT 8" in captured[0]["sql"]


def _sampled_ids(ids, runs, run_ids):
    """The ids windowed_count's sample reads: RUNS evenly spaced runs of RUN_IDS ids."""
    lo, span = min(ids), max(ids) - min(ids) + 1
    return {lo + n * (span // runs) + offset for n in range(runs) for offset in range(run_ids)}


@pytest.fixture
def two_hundred_drafts():
    # The table holds only these: the sample's runs span the table's ids.
    Decision.objects.all().delete()
    decisions = DecisionFactory.create_batch(200, published=False)
    return [decision.pk for decision in decisions]


def _publish(ids):
    Decision.objects.filter(pk__in=ids).update(status=Status.PUBLISHED)
    return Decision.objects.published()


def test_in_a_large_table_a_sample_that_shows_the_window_is_full_answers_without_counting(
    two_hundred_drafts, django_assert_num_queries
):
    # A deliberately unrepresentative table: only the 40 decisions whose ids
    # the sample reads are published. Scaled up from 4 runs of 10 out of 200
    # ids, 40 found means about 200 in the whole table, and even the cautious
    # bound is far above a window of 40: the sample answers "more than 40"
    # where counting would have said exactly 40.
    sampled = _sampled_ids(two_hundred_drafts, runs=4, run_ids=10)
    published = _publish(sampled)
    assert published.count() == 40
    with django_assert_num_queries(1):
        assert windowed_count(published, 40, runs=4, run_ids=10) == 41
    assert capped_count(published, 40) == 40


@pytest.mark.parametrize(
    "runs, glanced_run_ids, window",
    [
        # The glance reads the first 5 ids of each of the 4 runs (half of
        # 10): all 20 published. Scaled up, 20 of 20 glanced ids is about 200
        # in the table: beyond a window of 20 even at the cautious bound. The
        # whole runs would not have settled it (20 found in 40 ids is about
        # 100, too close to call), and counting says 20: 21 can only come
        # from the glance.
        (4, 5, 20),
        # The first glance reads the first 2 ids of each of 12 runs (half the
        # glance's 5): all 24 published, beyond a window of 24; the glance (24
        # of 60 ids) and the sample (24 of 120) cannot tell, and counting says
        # 24: 25 can only come from the first glance, which settles a dense
        # list reading fewest rows.
        (12, 2, 24),
    ],
    ids=["the glance", "the first glance"],
)
def test_a_filter_matching_a_large_share_is_settled_by_a_glance_at_the_runs(
    two_hundred_drafts, django_assert_num_queries, runs, glanced_run_ids, window
):
    glanced = _sampled_ids(two_hundred_drafts, runs=runs, run_ids=glanced_run_ids)
    published = _publish(glanced)
    with django_assert_num_queries(1):
        assert windowed_count(published, window, runs=runs, run_ids=10) == window + 1
    assert published.count() == window


def test_the_glance_stops_reading_a_run_at_its_cap_of_matches(two_hundred_drafts, django_assert_num_queries):
    # As above, every glanced id is published, but the glance now counts at
    # most 2 matches a run: 8 found, too few to settle a window of 20. The
    # sample cannot settle it either (20 in 40 ids), so the list is counted:
    # 20, where the uncapped glance said "more than 20".
    glanced = _sampled_ids(two_hundred_drafts, runs=4, run_ids=5)
    published = _publish(glanced)
    with django_assert_num_queries(1) as captured:
        assert windowed_count(published, 20, runs=4, run_ids=10, glance_matches=2) == 20
    assert "LIMIT 2" in captured[0]["sql"]
    assert windowed_count(published, 20, runs=4, run_ids=10, glance_matches=5) == 21


def test_a_sample_that_passes_the_window_but_not_beyond_doubt_reads_on_before_counting(
    two_hundred_drafts, django_assert_num_queries
):
    # The sample (4 runs of 10 ids) finds its 40 ids all published: scaled
    # up, 200 against a window of 110, more than two standard deviations
    # above it but not four. Read on to twice their length, the runs find 80
    # of 80: beyond doubt, so "more than 110", where counting (what the list
    # did before) says 110.
    read_on = _sampled_ids(two_hundred_drafts, runs=4, run_ids=20)
    elsewhere = sorted(set(two_hundred_drafts) - read_on)[:30]
    published = _publish([*read_on, *elsewhere])
    assert published.count() == 110
    with django_assert_num_queries(1):
        assert windowed_count(published, 110, runs=4, run_ids=10) == 111
    # A larger window neither the sample nor the runs read on can settle
    # (80 found where 48 would be at the window: not beyond doubt) is counted.
    assert windowed_count(published, 120, runs=4, run_ids=10) == 110


def test_when_the_sample_cannot_tell_the_window_is_counted_in_the_same_query(
    two_hundred_drafts, django_assert_num_queries
):
    unsampled = sorted(set(two_hundred_drafts) - _sampled_ids(two_hundred_drafts, runs=4, run_ids=10))
    published = _publish(unsampled[:30])
    with django_assert_num_queries(1):
        assert windowed_count(published, 40, runs=4, run_ids=10) == 30
    assert windowed_count(published, 20, runs=4, run_ids=10) == 21


def test_a_table_the_runs_cover_is_counted_exactly_up_to_the_window(two_hundred_drafts):
    published = _publish(two_hundred_drafts[::2])
    # 20 runs of 10 ids reach past the table's 200 ids: no sampling.
    assert windowed_count(published, 500, runs=20, run_ids=10) == 100
    assert windowed_count(published, 60, runs=20, run_ids=10) == 61
    assert windowed_count(Decision.objects.none().filter(pk__gt=0), 10) == 0


@pytest.mark.parametrize("words", ["shelter", '"shelter review"', '"annual shelter review"', "shelter -budget"])
def test_a_list_walked_among_words_settles_its_sample_from_each_runs_matches_read_at_once(
    two_hundred_drafts, django_assert_num_queries, monkeypatch, words
):
    """SQLite, a list that checks its rows against FTS5 one by one (words
    most of the library holds): the sample reads each run's matches from
    FTS5 by the run's range of ids, once for all its rows, and still counts
    only the rows that match. Only the 40 sampled ids hold the words: the
    sample says "more than 40", where counting says 40."""
    from osce_docs.search import SQLiteEngine, filter_documents

    sampled = _sampled_ids(two_hundred_drafts, runs=4, run_ids=10)
    unsampled = sorted(set(two_hundred_drafts) - sampled)
    for pk in two_hundred_drafts:
        decision = Decision.objects.get(pk=pk)
        decision.title = "Annual shelter review" if pk in sampled else "Annual report"
        decision.title = "Annual budget review" if pk in unsampled[:10] else decision.title
        decision.status = Status.PUBLISHED
        decision.save()
    # Common enough to be walked row by row, whatever the table's size.
    monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 3)
    monkeypatch.setattr(SQLiteEngine, "COMMON_IN_KIND_WINDOWS", 0)
    monkeypatch.setattr(SQLiteEngine, "few_phrase_matches", lambda *args: None)
    listed = filter_documents(Decision.objects.published(), words)
    assert listed.count() == 40
    with django_assert_num_queries(1) as captured:
        assert windowed_count(listed, 40, runs=4, run_ids=10) == 41
    if connection.vendor == "sqlite":
        sql = captured[0]["sql"]
        assert "MATCH" in sql and "rowid >= run.lo" in sql
    # The runs' matches are the rows that match: the sampled rows, which
    # hold no "budget", do not count for it, and its ten are counted.
    assert windowed_count(filter_documents(Decision.objects.published(), "budget"), 20, runs=4, run_ids=10) == 10
    # Runs so short that the glance and the first glance read the same ids
    # each have tables of their own; neither settles 40, which is counted.
    assert windowed_count(listed, 40, runs=4, run_ids=2) == 40

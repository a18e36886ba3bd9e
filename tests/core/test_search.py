"""Full-text search: the same expectations on SQLite (FTS5) and PostgreSQL
(tsvector), through the list entry point and the ranked search."""

import datetime
import time

import pytest

from decisions.models import Body, Decision
from osce_docs import services
from osce_docs.models import Document, SearchEntry
from osce_docs.search import parse_query, search_documents
from tests import files
from tests.factories import (
    DecisionFactory,
    EventFactory,
    RecommendationFactory,
    ReportFactory,
    StateFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_seed_documents(db):
    """The initial data's documents would match common words; each test brings its own."""
    Document.objects.all().delete()


def attach(
    document, *, pages=None, content=None, name="file.pdf", language="en", kind="full_text", is_original=False, capture
):
    """Attach a real file through the service and run its extraction."""
    content = content if content is not None else files.pdf_bytes(pages)
    with capture(execute=True):
        return services.attachment_create(
            document=document,
            uploaded_file=files.upload(name, content),
            kind=kind,
            language=language,
            is_original=is_original,
        )


def titles(results):
    return [hit.document.title for hit in results.hits]


def matching_titles(query):
    return set(Document.objects.published().search(query).values_list("title", flat=True))


def test_a_title_match_ranks_above_a_match_deep_in_an_annex(django_capture_on_commit_callbacks):
    in_file = DecisionFactory(published=True, title="Decision on budgets", summary="Money.")
    attach(
        in_file,
        pages=["Nothing here."] * 3 + ["Domestic servitude is mentioned here. Domestic servitude again."],
        capture=django_capture_on_commit_callbacks,
    )
    in_title = DecisionFactory(published=True, title="Decision on domestic servitude", summary="Short.")
    results = search_documents("domestic servitude")
    assert titles(results) == [in_title.title, in_file.title]


def test_a_summary_match_ranks_between_title_and_files(django_capture_on_commit_callbacks):
    in_file = EventFactory(published=True, title="Event one", summary="Nothing.")
    attach(in_file, pages=["Labour inspectors met."], capture=django_capture_on_commit_callbacks)
    in_summary = EventFactory(published=True, title="Event two", summary="Labour inspectors and victims.")
    in_title = EventFactory(published=True, title="Labour inspectors workshop", summary="Other.")
    assert titles(search_documents("labour inspectors")) == [in_title.title, in_summary.title, in_file.title]


def test_within_a_tier_a_document_about_the_word_ranks_above_one_that_mentions_it():
    # The older one first: newest first would put it second.
    DecisionFactory(
        published=True, title="Decision one", summary="Hotlines: hotlines run by NGOs, hotlines for victims."
    )
    DecisionFactory(
        published=True,
        title="Decision two",
        summary="Budgets, staffing, travel, premises and, in one line among many others, hotlines.",
    )
    assert titles(search_documents("hotlines")) == ["Decision one", "Decision two"]


def test_within_a_tier_a_phrase_is_ordered_newest_first():
    """SQLite would rank a phrase by bm25, whose weight of the phrase is found
    by reading it through the whole index ("public procurement": 2.3 s at a
    million documents): phrases keep their tiers and the newest first."""
    from django.db import connection

    older = DecisionFactory(published=True, title="Decision one", summary="Public procurement. Public procurement!")
    newer = DecisionFactory(
        published=True, title="Decision two", summary="Rules on public procurement, among many others."
    )
    found = titles(search_documents('"public procurement"'))
    assert set(found) == {older.title, newer.title}
    if connection.vendor == "sqlite":
        assert found == [newer.title, older.title]


def test_all_words_must_match():
    DecisionFactory(published=True, title="Child victims of trafficking")
    DecisionFactory(published=True, title="Child protection")
    assert matching_titles("child victims") == {"Child victims of trafficking"}


def test_a_quoted_phrase_matches_the_words_together_only():
    DecisionFactory(published=True, title="Decision", summary="Victims of domestic servitude are protected.")
    DecisionFactory(published=True, title="Other", summary="Servitude in a domestic setting.")
    assert matching_titles('"domestic servitude"') == {"Decision"}


@pytest.mark.parametrize(
    "phrase, matching",
    [
        ("victims of trafficking", {"victims of trafficking"}),
        ("victims trafficking", {"victims trafficking"}),
        ("victims of the trafficking", {"victims of the trafficking"}),
        ("anti-trafficking measures", {"anti-trafficking measures"}),
        ("торговля людьми", {"торговля людьми"}),
        ("o'brien report", {"o'brien report"}),
    ],
)
def test_a_phrase_matches_its_words_in_that_order_only(phrase, matching):
    texts = [
        "victims of trafficking",
        "victims trafficking",
        "trafficking of victims",
        "victims of the trafficking",
        "anti-trafficking measures",
        "measures anti-trafficking",
        "торговля людьми",
        "людьми торговля",
        "o'brien report",
        "report o'brien",
    ]
    for text in texts:
        DecisionFactory(published=True, title=text, summary="Short.")
    assert matching_titles(f'"{phrase}"') == matching
    assert set(titles(search_documents(f'"{phrase}"'))) == matching


def test_a_document_with_very_long_neighbouring_words_is_saved_and_found(django_capture_on_commit_callbacks):
    # PostgreSQL keeps words of up to 2,047 bytes; two of them side by side
    # would make a pair of words longer than it can hold.
    document = DecisionFactory(published=True, title="Annex", summary=f"{'a' * 1500} {'b' * 1500} shelter")
    attach(document, content=f"{'c' * 2000} {'d' * 2000} hotline".encode(), name="annex.txt", capture=django_capture_on_commit_callbacks)
    assert titles(search_documents('"shelter"')) == ["Annex"]
    assert titles(search_documents("hotline")) == ["Annex"]


def _candidates_from_the_index(phrase):
    """PostgreSQL: the titles of the entries that hold PHRASE's pairs of
    neighbouring words (migration 0016): what the index hands over before any
    word position is read."""
    from django.db import connection

    from osce_docs.search import PostgreSQLEngine

    pairs, params = PostgreSQLEngine().pairs_sql(parse_query(f'"{phrase}"'))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.title FROM {SearchEntry._meta.db_table} e JOIN {Document._meta.db_table} d ON d.id = e.document_id "
            f"WHERE {pairs}",
            params,
        )
        return {title for (title,) in cursor.fetchall()}


def _sqlite_candidates_from_the_index(query, kind=None):
    """SQLite: the titles of the documents (of KIND) holding QUERY's pairs of
    neighbouring words (migration 0018; a smaller KIND's own index, 0022)."""
    from django.db import connection

    from osce_docs.search import DOCUMENTS, SQLiteEngine

    fts, kind_in_query = SQLiteEngine.pairs_index_of(DOCUMENTS, kind)
    match, _exact = SQLiteEngine().pairs_query(parse_query(query), kind_in_query)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.title FROM {fts} p JOIN {Document._meta.db_table} d ON d.id = p.rowid WHERE {fts} MATCH %s",
            [match],
        )
        return {title for (title,) in cursor.fetchall()}


def test_a_phrase_never_spans_the_end_of_one_text_and_the_start_of_the_next(django_capture_on_commit_callbacks):
    """The title's last word and the summary's first, or the summary's last
    and the file's first, are not neighbours: on both engines."""
    title_then_summary = DecisionFactory(published=True, title="Labour that is forced", summary="Labour, when forced.")
    summary_then_file = DecisionFactory(published=True, title="Budgets", summary="Nothing is forced")
    attach(summary_then_file, pages=["Labour markets were reviewed."], capture=django_capture_on_commit_callbacks)
    in_order = DecisionFactory(published=True, title="Review", summary="Forced labour in supply chains.")
    assert titles(search_documents('"forced labour"')) == [in_order.title]
    assert matching_titles('"forced labour"') == {in_order.title}
    # Each text's words are still found, and a phrase within one text too.
    assert matching_titles("forced labour") == {title_then_summary.title, summary_then_file.title, in_order.title}
    assert matching_titles('"labour markets"') == {summary_then_file.title}


def test_a_phrase_reads_only_the_documents_holding_its_words_in_order():
    from django.db import connection

    for title in ["National referral mechanism", "Mechanism national referral", "Referral mechanism, national"]:
        DecisionFactory(published=True, title=title, summary="Short.")
    assert matching_titles('"national referral mechanism"') == {"National referral mechanism"}
    # The same words in another order are not even candidates ("referral
    # mechanism" in the third is, and its text is then checked).
    candidates = {
        "postgresql": lambda phrase: _candidates_from_the_index(phrase),
        "sqlite": lambda phrase: _sqlite_candidates_from_the_index(f'"{phrase}"'),
    }[connection.vendor]
    assert candidates("national referral mechanism") == {"National referral mechanism"}
    assert candidates("referral mechanism") == {"National referral mechanism", "Referral mechanism, national"}


def test_the_sqlite_pairs_are_the_words_fts5_indexes_side_by_side():
    """The pairs' words are FTS5's own (its porter stems, its alphabet): a
    document matching a phrase holds its pairs."""
    from osce_docs.sqlite import pairs

    assert pairs.words("Victims of Trafficking, re-trafficked!") == ["victim", "of", "traffick", "re", "traffick"]
    assert pairs.pairs("National referral mechanisms") == {"nation_referr", "referr_mechan"}
    assert pairs.pairs("Торговля людьми") == {"торговля_людьми"}
    assert pairs.pairs("Shelters") == pairs.pairs("") == set()
    # A phrase never spans two texts; the kind is a word no pair can be.
    assert set(pairs.document_pairs("report", "Labour inspectors", None, "meet victims").split()) == {
        "labour_inspector",
        "meet_victim",
        "_kind_report",
    }


def test_the_words_cut_in_python_are_the_words_fts5_cuts_in_any_alphabet(monkeypatch):
    """Words are cut in Python and each looked up once in FTS5; FTS5 itself,
    tokenizing each whole text, is the judge. Combining accents after a letter
    and private-use characters are inside words to FTS5, not to Python. The
    words looked up are forgotten now and then (here every few texts)."""
    import random

    from osce_docs.sqlite import pairs

    monkeypatch.setattr(pairs, "KNOWN_WORDS", 40)

    pieces = [*"abcXYZ019 ,.;:-_'\"()\t\nТорговляЁё", "e\u0301", "\u0308", "ß", "İ", "Σς", "²", "Ⅻ", "中文", "\ue123",
              "😀", "\u200d", "\u00a0", "\u00ad", "ǅ", "ﬁ", "٣", "\u093f", "\u0e31"]
    words = ["trafficking", "victims", "national", "referral", "mechanisms", "running", "generalizations"]
    words += ["ies", "eyed"]
    rng = random.Random(7)
    for _ in range(3000):
        parts = [
            rng.choice(words) if rng.random() < 0.5 else "".join(rng.choices(pieces, k=rng.randint(1, 4)))
            for _ in range(rng.randint(1, 20))
        ]
        text = "".join(part + rng.choice([" ", "", "-", ", "]) for part in parts)
        assert pairs.words(text) == pairs._tokenized(text), repr(text)


@pytest.mark.parametrize("read_from", ["pairs", "words"])
def test_a_list_filtered_by_a_phrase_finds_the_same_documents_from_its_pairs_or_its_words(read_from, monkeypatch):
    """SQLite reads a phrase held by few documents from the pairs' index
    (checking each for the whole query, unless the query is one two-word
    phrase, which its pair answers exactly) and otherwise from FTS5's word
    lists. What matches is the same, word forms and exclusions included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions.models import CountryVisitReport
    from osce_docs.search import SQLiteEngine

    if read_from == "words":
        monkeypatch.setattr(SQLiteEngine, "few_phrase_matches", lambda *args: None)
    for title in [
        "National referral mechanism",
        "National referral mechanisms for labour",
        "Mechanism national referral",
        "Referral mechanism, national",
        "Referral",
    ]:
        DecisionFactory(published=True, title=title, summary="Short.")
    ReportFactory(published=True, title="Visit", summary="The national referral mechanism works.")
    DecisionFactory(title="National referral mechanism, a draft")
    for query, matching in [
        ('"national referral mechanism"', {"National referral mechanism", "National referral mechanisms for labour"}),
        ('"referral mechanism"', {"National referral mechanism", "National referral mechanisms for labour",
                                  "Referral mechanism, national"}),
        ('"national referral mechanism" -labour', {"National referral mechanism"}),
        ('"referral mechanisms" labour', {"National referral mechanisms for labour"}),
        # Punctuation is no word: "mechanism, national" holds the phrase.
        ('"mechanism national" or "labour mechanism"', {"Mechanism national referral", "Referral mechanism, national"}),
        ('"mechanism referral national"', set()),
    ]:
        with CaptureQueriesContext(connection) as captured:
            found = set(Decision.objects.published().search(query).values_list("title", flat=True))
        assert found == matching, query
        if connection.vendor == "sqlite":
            from_pairs = any("osce_search_pairs_fts MATCH" in q["sql"] for q in captured.captured_queries)
            assert from_pairs == (read_from == "pairs"), query
    reports = CountryVisitReport.objects.published().search('"national referral mechanism"')
    assert set(reports.values_list("title", flat=True)) == {"Visit"}


@pytest.mark.parametrize("checked", [200, 1], ids=["few candidates", "too many to check"])
def test_the_search_page_finds_a_phrase_of_common_words_from_its_pairs_only_when_few_hold_them(checked, monkeypatch):
    """SQLite: with more candidates than it checks one by one, a phrase of
    three words is read from the word lists, as before; the hits are the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from osce_docs.search import SQLiteEngine

    monkeypatch.setattr(SQLiteEngine, "CHECKED_CANDIDATES", checked)
    DecisionFactory(published=True, title="National referral mechanism review", summary="Short.")
    DecisionFactory(published=True, title="Review", summary="A national referral mechanism for victims.")
    DecisionFactory(published=True, title="Mechanism national referral", summary="Referral, national, mechanism.")
    with CaptureQueriesContext(connection) as captured:
        found = titles(search_documents('"national referral mechanism"'))
    assert found == ["National referral mechanism review", "Review"]
    assert titles(search_documents('"mechanism referral national"')) == []
    # Both in the title; the word in the title and the phrase in the summary.
    assert titles(search_documents('"national referral" review')) == ["National referral mechanism review", "Review"]
    if connection.vendor == "sqlite":
        # Few: the tiers asked of the few rows alone; otherwise of the indexes' word lists.
        read_tiers = [q["sql"] for q in captured.captured_queries if "WITH a_c AS" in q["sql"]]
        assert len(read_tiers) == (0 if checked > 1 else 1)


def test_a_phrase_leaves_the_pairs_index_when_its_text_changes_and_with_its_document(
    django_capture_on_commit_callbacks,
):
    """A two-word phrase is answered by its pair alone (SQLite): the index
    must lose a document's old pairs whenever its texts change, and so must
    the reports' own (migration 0022)."""
    from django.db import connection

    from decisions.models import CountryVisitReport

    def reports_matching(phrase):
        return set(CountryVisitReport.objects.published().search(phrase).values_list("title", flat=True))

    decision = DecisionFactory(published=True, title="Lantern network", summary="Short.")
    report = ReportFactory(published=True, title="Visit", summary="Short.")
    attachment = attach(
        report, content=b"The harbour beacon stands.", name="r.txt", capture=django_capture_on_commit_callbacks
    )
    assert matching_titles('"lantern network"') == {"Lantern network"}
    assert matching_titles('"harbour beacon"') == {"Visit"}
    decision.title = "Lantern grid"
    decision.save()
    services.attachment_delete(attachment=attachment)
    assert matching_titles('"lantern network"') == set()
    assert matching_titles('"harbour beacon"') == set()
    assert matching_titles('"lantern grid"') == {"Lantern grid"}
    decision.delete()
    assert matching_titles('"lantern grid"') == set()
    assert reports_matching('"harbour beacon"') == set()
    report.summary = "The harbour beacon, renamed."
    report.save()
    assert reports_matching('"harbour beacon"') == {"Visit"}
    if connection.vendor == "sqlite":
        assert _sqlite_candidates_from_the_index('"harbour beacon"', kind="report") == {"Visit"}
    report.summary = "The lighthouse."
    report.save()
    assert reports_matching('"harbour beacon"') == set()
    assert reports_matching('"lighthouse"') == {"Visit"}
    report.delete()
    assert reports_matching('"lighthouse"') == set()
    if connection.vendor == "sqlite":
        for phrase in ['"lantern network"', '"harbour beacon"', '"lantern grid"']:
            assert _sqlite_candidates_from_the_index(phrase) == set(), phrase
            assert _sqlite_candidates_from_the_index(phrase, kind="report") == set(), phrase


def test_a_search_entry_holds_its_documents_kind():
    from django.db import connection

    decision = DecisionFactory(published=True, title="A decision")
    report = ReportFactory(published=True, title="A report")
    event = EventFactory(published=True, title="An event")
    kinds = dict(SearchEntry.objects.values_list("document_id", "kind"))
    assert kinds == {decision.pk: "decision", report.pk: "report", event.pk: "event"}
    if connection.vendor == "postgresql":
        # The pairs' index knows it too (migration 0017).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT document_id FROM {SearchEntry._meta.db_table} WHERE pairs @@ %s::tsquery", ["' kind report'"]
            )
            assert [pk for (pk,) in cursor.fetchall()] == [report.pk]
    if connection.vendor == "sqlite":
        # And so does SQLite's (migration 0018).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM osce_search_pairs_fts WHERE osce_search_pairs_fts MATCH %s", ['"_kind_report"']
            )
            assert [pk for (pk,) in cursor.fetchall()] == [report.pk]


def _lantern_network_documents():
    """The phrase "regional lantern network" in three decisions and one
    report; its words, not in that order, in another report."""
    for n in range(3):
        DecisionFactory(published=True, title=f"Regional lantern network {n}", summary="Short.")
    ReportFactory(published=True, title="Visit one", summary="Its regional lantern network works.")
    ReportFactory(published=True, title="Visit two", summary="A network for regional lanterns.")


# The window, 1,000 by default, is where PostgreSQL stops listing a phrase's
# matches: with none, every list with a candidate checks its own rows.
LISTED_OR_CHECKED = pytest.mark.parametrize("window", [1000, 0], ids=["matches listed", "rows checked"])


@LISTED_OR_CHECKED
def test_a_list_of_one_kind_finds_a_phrase_in_its_own_kind_only(window, settings, monkeypatch):
    """The reports' list asks the pairs' index for the pairs held by reports
    alone (PostgreSQL: migration 0017), and finds the one report holding the
    phrase; the decisions' list its decisions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions.models import CountryVisitReport
    from osce_docs.search import PostgreSQLEngine

    settings.LIST_RESULT_WINDOW = window
    monkeypatch.setattr(PostgreSQLEngine, "DENSE_SHARE", 1.0)
    monkeypatch.setattr(PostgreSQLEngine, "PROBED_KIND_SHARE", 1.0)
    _lantern_network_documents()
    executed = []

    def record(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(record):
        reports = CountryVisitReport.objects.published().search('"regional lantern network"')
        assert set(reports.values_list("title", flat=True)) == {"Visit one"}
    decisions = Decision.objects.published().search('"regional lantern network"')
    assert set(decisions.values_list("title", flat=True)) == {f"Regional lantern network {n}" for n in range(3)}
    if connection.vendor == "postgresql":
        probes = [query["sql"] for query in captured.captured_queries if "e.pairs @@" in query["sql"]]
        assert probes and all("' kind report'" in sql for sql in probes)
        # Listed, the list holds the matches' ids and reads no vector.
        assert ("vector @@" in str(reports.query)) == (window == 0)
        # The pairs are read among the reports' entries, so that their own
        # index (migration 0021) can answer: without the whole library's,
        # it is the one the probe uses.
        if window == 0:
            assert "e.kind = " in str(reports.query)
            return
        probe, params = next((sql, params) for sql, params in executed if "WITH candidates" in sql)
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX osce_search_pairs")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {probe}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
        assert "osce_search_pairs_report" in plan, plan


@pytest.mark.parametrize("kind_share", [1.0, 0.0], ids=["a small kind", "most of the library"])
def test_a_phrase_not_rare_is_probed_only_in_a_list_of_a_kind_holding_little_of_the_library(kind_share, monkeypatch):
    """PostgreSQL: in a list of a kind holding most of the library, a phrase
    whose pairs are not rare would be probed for nothing; the list then reads
    it as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions.models import CountryVisitReport
    from osce_docs.search import PostgreSQLEngine

    monkeypatch.setattr(PostgreSQLEngine, "DENSE_SHARE", 1.0)
    monkeypatch.setattr(PostgreSQLEngine, "PROBED_KIND_SHARE", kind_share)
    # Not rare (rare pairs are probed in any list).
    monkeypatch.setattr(PostgreSQLEngine, "RARE_PAIRS_SHARE", 0.0)
    monkeypatch.setattr(PostgreSQLEngine, "UNLISTED_PAIRS_ARE_RARE", False)
    _lantern_network_documents()
    with CaptureQueriesContext(connection) as captured:
        reports = CountryVisitReport.objects.published().search('"regional lantern network"')
        assert set(reports.values_list("title", flat=True)) == {"Visit one"}
    if connection.vendor == "postgresql":
        probed = any("WITH candidates" in query["sql"] for query in captured.captured_queries)
        assert probed == bool(kind_share)


def test_a_two_word_phrase_the_statistics_do_not_list_is_read_from_its_pair_in_a_list_of_most_of_the_library(
    monkeypatch,
):
    """PostgreSQL: the planner estimates a pair its statistics do not list at
    its floor, which can be above RARE_PAIRS_SHARE; such a phrase in the
    decisions' list was walked through every decision to find a few."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from osce_docs.search import PostgreSQLEngine

    monkeypatch.setattr(PostgreSQLEngine, "RARE_PAIRS_SHARE", 0.0)
    monkeypatch.setattr(PostgreSQLEngine, "PROBED_KIND_SHARE", 0.0)
    # No probe: the list keeps a subquery, of the pairs or of every vector.
    monkeypatch.setattr(PostgreSQLEngine, "PROBED_FACTOR", 0)
    _lantern_network_documents()
    with CaptureQueriesContext(connection) as captured:
        decisions = Decision.objects.published().search('"lantern network"')
        assert set(decisions.values_list("title", flat=True)) == {f"Regional lantern network {n}" for n in range(3)}
    if connection.vendor == "postgresql":
        assert any("' no such pair'" in query["sql"] for query in captured.captured_queries)
        assert "e.pairs @@" in str(decisions.query)


def test_the_search_page_filtered_by_kind_finds_a_phrase_in_that_kind_only():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _lantern_network_documents()
    with CaptureQueriesContext(connection) as captured:
        assert titles(search_documents('"regional lantern network"', filters={"kind": "report"})) == ["Visit one"]
    if connection.vendor == "postgresql":
        assert any("' kind report'" in query["sql"] for query in captured.captured_queries)
    if connection.vendor == "sqlite":
        # From the reports' own pairs (migration 0022), which need not name the kind.
        sql = " ".join(query["sql"] for query in captured.captured_queries)
        assert "osce_search_pairs_report_fts MATCH" in sql and '"_kind_report"' not in sql
    # A kind no document has (a caller other than the search form) finds nothing, and says nothing wrong.
    assert titles(search_documents('"regional lantern network"', filters={"kind": 'no "such" kind'})) == []


@pytest.mark.parametrize("probed", [10, 0], ids=["matches listed", "rows checked"])
def test_a_list_filtered_by_words_finds_the_same_documents_listed_or_checked(probed, monkeypatch):
    """PostgreSQL lists the matches of words the planner expects in few
    documents, read first from their index; others stay a subquery that the
    list checks row by row. A phrase with no pairs (its words three apart)
    is found either way."""
    from django.db import connection

    from osce_docs.search import PostgreSQLEngine

    monkeypatch.setattr(PostgreSQLEngine, "PROBED_FACTOR", probed)
    # However small the table (or the planner's idea of it).
    monkeypatch.setattr(PostgreSQLEngine, "DENSE_SHARE", 1.0)
    for title in ["Shelters for adults", "Shelters for children", "Victims of the trafficking", "Hotlines"]:
        DecisionFactory(published=True, title=title, summary="Short.")
    rows = Document.objects.published().search("shelters -children")
    assert set(rows.values_list("title", flat=True)) == {"Shelters for adults"}
    no_pairs = Document.objects.published().search('"victims of the trafficking"')
    assert set(no_pairs.values_list("title", flat=True)) == {"Victims of the trafficking"}
    if connection.vendor == "postgresql":
        assert ("vector @@" in str(rows.query)) == (probed == 0)
        # Listed, the ids are one array parameter (KeyInArray), not one placeholder each.
        assert ("= ANY(" in str(rows.query)) == (probed != 0)


@pytest.mark.parametrize(
    "probed, rare_share, path",
    [(10, 0.001, "listed"), (0, 0.0, "words"), (0, 1.0, "pairs")],
    ids=["matches listed", "rows checked", "pairs read"],
)
def test_a_list_filtered_by_a_phrase_finds_the_same_documents_every_way(probed, rare_share, path, monkeypatch):
    """PostgreSQL lists a phrase's matches, found from the pairs' index, when
    they are few; otherwise the list reads the documents holding the pairs
    when the planner expects few, or else checks its own rows in its order.
    What matches is the same."""
    from django.db import connection

    from osce_docs.search import PostgreSQLEngine

    monkeypatch.setattr(PostgreSQLEngine, "PROBED_FACTOR", probed)
    monkeypatch.setattr(PostgreSQLEngine, "RARE_PAIRS_SHARE", rare_share)
    # In a small test table every estimate is the planner's floor.
    monkeypatch.setattr(PostgreSQLEngine, "UNLISTED_PAIRS_ARE_RARE", False)
    monkeypatch.setattr(PostgreSQLEngine, "DENSE_SHARE", 1.0)
    # A list of every kind: probed as a list of a small kind would be.
    monkeypatch.setattr(PostgreSQLEngine, "PROBED_KIND_SHARE", 1.0)
    for title in ["National referral mechanism", "Mechanism national referral", "Referral mechanism, national"]:
        DecisionFactory(published=True, title=title, summary="Short.")
    for query, matching in [
        ('"national referral mechanism"', {"National referral mechanism"}),
        ('"mechanism national referral"', {"Mechanism national referral"}),
        ('"national referral" -"referral mechanism"', {"Mechanism national referral"}),
    ]:
        rows = Document.objects.published().search(query)
        assert set(rows.values_list("title", flat=True)) == matching
        if connection.vendor == "postgresql":
            sql = str(rows.query)
            # Listed, the list holds the matches' ids and reads no vector.
            assert ("vector @@" in sql, "e.pairs @@" in sql) == {
                "listed": (False, False),
                "words": (True, False),
                "pairs": (True, True),
            }[path]


@pytest.mark.parametrize(
    "words",
    [
        # Some 15,000 different words: with a pair for each two neighbours,
        # and one for each two with a word between, its pairs would pass
        # PostgreSQL's 1 MB limit for a tsvector.
        [f"w{n:05d}x{n * 7919 % 100000:05d}" for n in range(15_000)],
        # More words than PostgreSQL records positions for (16,383).
        [f"w{n % 500:03d}" for n in range(17_000)],
    ],
    ids=["too many pairs", "too many words"],
)
def test_a_phrase_is_found_in_a_file_too_large_for_its_pairs_of_words(words, django_capture_on_commit_callbacks):
    from django.db import connection

    document = DecisionFactory(published=True, title="Annexes", summary="Short.")
    attach(
        document, content=" ".join(words).encode(), name="annexes.txt", capture=django_capture_on_commit_callbacks
    )
    DecisionFactory(published=True, title="Other", summary=f"{words[11]} {words[10]}")

    assert titles(search_documents(f'"{words[10]} {words[11]}"')) == ["Annexes"]
    assert matching_titles(f'"{words[11]} {words[10]}"') == {"Other"}
    if connection.vendor == "postgresql":
        # Its entry says that its pairs were left out, and so it is a candidate for any phrase.
        left_out = SearchEntry.objects.extra(where=["pairs @@ %s::tsquery"], params=["' pairs left out'"])
        assert list(left_out.values_list("document__title", flat=True)) == ["Annexes"]
        assert _candidates_from_the_index("w99999 w99998") == {"Annexes"}


@pytest.mark.parametrize("words_are", ["rare", "common", "common in the newest only"])
def test_a_phrase_is_ranked_and_excluded_the_same_whether_its_words_are_rare_or_common(
    words_are, monkeypatch, django_capture_on_commit_callbacks
):
    from osce_docs.search import PostgreSQLEngine, SQLiteEngine

    if words_are != "rare":
        # Every tier read as for common words: newest first along the key, each document checked.
        monkeypatch.setattr(PostgreSQLEngine, "DENSE_FACTOR", -1)
    if words_are == "common in the newest only":
        # The walk stops after the newest id; older matches come from the index.
        monkeypatch.setattr(PostgreSQLEngine, "WALK_IDS", 1)
    if words_are != "rare":
        # SQLite: read from FTS5's word lists, not from the pairs' index.
        monkeypatch.setattr(SQLiteEngine, "few_phrase_matches", lambda *args: None)
    in_title = DecisionFactory(published=True, title="National referral mechanism review", summary="Short.")
    in_summary = DecisionFactory(published=True, title="Review", summary="A national referral mechanism for victims.")
    in_file = DecisionFactory(published=True, title="Annex", summary="Nothing.")
    attach(in_file, pages=["Preface.", "The national referral mechanism."], capture=django_capture_on_commit_callbacks)
    DecisionFactory(published=True, title="Mechanism national referral", summary="Referral, national, mechanism.")
    DecisionFactory(title="National referral mechanism in a draft")

    assert titles(search_documents('"national referral mechanism"')) == [in_title.title, in_summary.title, in_file.title]
    assert titles(search_documents('"national referral mechanism" -review')) == [in_file.title]
    assert titles(search_documents('"referral mechanism national"')) == []
    # The same words, in any order: both titles first, then the summary, then the file.
    found = titles(search_documents("national referral mechanism"))
    assert set(found[:2]) == {in_title.title, "Mechanism national referral"}
    assert found[2:] == [in_summary.title, in_file.title]


def test_a_word_in_a_large_share_of_a_small_library_is_read_newest_first_not_scanned():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with_word = [DecisionFactory(published=True, title=f"Shelter {n}", summary="Short.") for n in range(6)]
    DecisionFactory.create_batch(4, published=True, title="Other", summary="Short.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")  # as autovacuum would
    with CaptureQueriesContext(connection) as captured:
        found = titles(search_documents("shelter"))
    # The same score for every title: newest first.
    assert found == [decision.title for decision in reversed(with_word)]
    if connection.vendor == "postgresql":
        # Six matches are far fewer than ten pages, but most of the table: each
        # tier walks the newest ids (where the planner would scan every entry).
        (candidates,) = (query["sql"] for query in captured.captured_queries if "a_c AS (" in query["sql"])
        assert candidates.count("walked_first") == 3
        # Each walk's end, worked out once.
        assert candidates.count("_end AS MATERIALIZED") == 3


def checks_each_row(words, index=None, kind=None):
    """SQLite: whether a list (of KIND's documents) filtered by WORDS checks
    each of its rows in turn, the words being common, rather than reading
    their matches first."""
    from django.db import connection

    from osce_docs.search import DOCUMENTS, SQLiteEngine, Walk

    ids, walk = SQLiteEngine().list_matches(parse_query(words), connection.alias, index or DOCUMENTS, kind, 1000)
    return ids is None and isinstance(walk, Walk)


def _list_filtered_by(client, words, sort="symbol"):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/decisions/", {"q": words, "sort": sort})
    assert response.status_code == 200
    shown = [decision.title for decision in response.context["object_list"]]
    return shown, " ".join(query["sql"] for query in captured.captured_queries)


@pytest.mark.parametrize(
    "words", ["shelter", '"shelter review"', '"shelter review" -annex', "shelter -annex", "shelter or hotline"]
)
def test_a_list_filtered_by_a_common_word_checks_each_row_in_its_order_and_shows_the_same(
    client, words, monkeypatch
):
    from django.db import connection

    from osce_docs.search import SQLiteEngine

    for n in range(12):
        DecisionFactory(published=True, title=f"Shelter review {n}" if n % 3 else f"Shelter review annex {n}")
    DecisionFactory(published=True, title="Hotline")
    DecisionFactory(published=True, title="Budget")
    # A phrase held by few documents is listed from its pairs' index: not here.
    monkeypatch.setattr(SQLiteEngine, "few_phrase_matches", lambda *args: None)
    monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 10**9)
    gathered, gathered_sql = _list_filtered_by(client, words)
    monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 3)
    monkeypatch.setattr(SQLiteEngine, "COMMON_IN_KIND_WINDOWS", 0)
    walked, walked_sql = _list_filtered_by(client, words)

    assert walked == gathered and len(walked) >= 8
    if connection.vendor == "sqlite":
        # Gathered: every match listed first. Walked: each row checked in the
        # list's order; a phrase of two words, nothing excluded, by its pairs.
        assert "EXISTS (SELECT 1 FROM osce_search_fts" not in gathered_sql
        checks_pairs = "EXISTS (SELECT 1 FROM osce_search_pairs_fts" in walked_sql
        checks_words = "EXISTS (SELECT 1 FROM osce_search_fts" in walked_sql
        assert (checks_pairs, checks_words) == {
            '"shelter review"': (True, False),
            '"shelter review" -annex': (False, True),
        }.get(words, (False, True))


@pytest.mark.parametrize("newest_ids", [0, 6, 10**6])
@pytest.mark.parametrize("words", ["shelter", '"shelter review"', '"annual shelter review"'])
def test_a_walked_list_reads_the_newest_ids_matches_at_once_and_checks_older_rows_one_by_one(
    client, monkeypatch, words, newest_ids
):
    """SQLite, a list walked among a common query's matches: the rows among
    the newest ids are looked up among those ids' matches, read from FTS5 as
    one range; older rows are checked one by one. Whatever the range (none,
    some of the rows, all of them), the list shows the same rows in its
    order, though its dates do not follow its ids."""
    from django.db import connection

    from osce_docs.search import MatchesEachRow, SQLiteEngine

    for n in range(16):
        title = f"Annual shelter review {n}" if n % 2 else f"Annual budget review {n}"
        # Dates shuffled against ids: the newest ids are not the list's first rows.
        DecisionFactory(published=True, title=title, published_on=datetime.date(2000 + (n * 7) % 16, 1, 1))
    monkeypatch.setattr(SQLiteEngine, "few_phrase_matches", lambda *args: None)
    # Gathered: every match read, then sorted (the reference order).
    monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 10**9)
    gathered, _ = _list_filtered_by(client, words, sort="")
    monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 3)
    monkeypatch.setattr(SQLiteEngine, "COMMON_IN_KIND_WINDOWS", 0)
    monkeypatch.setattr(MatchesEachRow, "NEWEST_MAX_IDS", newest_ids)
    walked, walked_sql = _list_filtered_by(client, words, sort="")
    assert walked == gathered
    assert sorted(walked) == sorted(f"Annual shelter review {n}" for n in range(1, 16, 2))
    if connection.vendor == "sqlite":
        assert "CASE WHEN" in walked_sql and "EXISTS (SELECT 1 FROM osce_search" in walked_sql


def walks_among_matches(captured):
    """SQLite: whether the decisions' list walked its order looking each row
    up among the matches read once (`+id IN (the matches)`)."""
    marker = '+"decisions_decision"."document_ptr_id" IN (SELECT rowid FROM osce_search_fts'
    return any(marker in query["sql"] for query in captured.captured_queries)


@pytest.mark.parametrize("words", ["shelter", '"shelter review"', "shelter -annex", "shelter or hotline"])
@pytest.mark.parametrize("sort", ["symbol", ""])
def test_a_list_filtered_by_words_most_documents_hold_walks_its_order_among_their_matches_and_shows_the_same(
    client, words, sort, monkeypatch
):
    """SQLite: fewer matches than COMMON_MATCHES, most of them the list's
    own: read once, then the list walks its order looking each row up among
    them, instead of looking up and sorting every match."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from osce_docs.search import SQLiteEngine

    for n in range(12):
        DecisionFactory(published=True, title=f"Shelter review {n}" if n % 3 else f"Shelter review annex {n}")
    DecisionFactory(published=True, title="Hotline")
    DecisionFactory(published=True, title="Budget")
    # A phrase held by few documents is listed from its pairs' index: not here.
    monkeypatch.setattr(SQLiteEngine, "few_phrase_matches", lambda *args: None)

    def listed(**query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/decisions/", {"q": words, "sort": sort, **query})
        assert response.status_code == 200
        return [decision.title for decision in response.context["object_list"]], walks_among_matches(captured)

    with monkeypatch.context() as never_walked:
        never_walked.setattr(SQLiteEngine, "GATHER_TO_WALK_COST", 0)  # each match looked up, then all sorted
        gathered, gathered_walked = listed()
    walked, walked_walked = listed()

    assert walked == gathered and len(walked) >= 8
    assert all(title.startswith(("Shelter review", "Hotline")) for title in walked)
    if connection.vendor == "sqlite":
        assert (gathered_walked, walked_walked) == (False, True)
        # A word one document of fourteen holds is gathered.
        assert listed(q="budget") == (["Budget"], False)


@pytest.mark.parametrize("shelters_in", ["decisions", "events"])
def test_a_list_walks_among_a_words_matches_only_when_its_own_kind_holds_enough_of_them(
    client, settings, monkeypatch, shelters_in
):
    """SQLite: a word in a quarter of the library is walked among in the
    decisions' list when decisions hold it (the walk stops at the window's
    matches), gathered when only events do (the walk would read the whole
    list, twice, to find none)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from osce_docs.search import SQLiteEngine

    settings.LIST_RESULT_WINDOW = 4
    monkeypatch.setattr(SQLiteEngine, "LARGEST_PAGE", 1)
    holding, other = (DecisionFactory, EventFactory) if shelters_in == "decisions" else (EventFactory, DecisionFactory)
    held = [holding(published=True, title=f"Shelter review {n}") for n in range(10)]
    for n in range(30):
        other(published=True, title=f"Budget {n}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/decisions/", {"q": "shelter"})
    assert response.status_code == 200
    shown = [document.pk for document in response.context["object_list"]]
    walked = walks_among_matches(captured)
    if shelters_in == "decisions":
        # The window's four, all holding the word.
        assert len(shown) == 4 and set(shown) <= {decision.pk for decision in held}
    else:
        assert shown == []
    if connection.vendor == "sqlite":
        assert walked == (shelters_in == "decisions")


def test_a_word_common_in_the_library_but_rare_in_a_lists_kind_is_gathered_not_walked(client, monkeypatch):
    """SQLite: walking the reports to find a word that other kinds hold read
    every report (and counted them all again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from osce_docs.search import DOCUMENTS, SQLiteEngine

    monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 3)
    # More than five matches of a kind are common in it (the window is 1,000;
    # the bound of one match in ten is about four).
    monkeypatch.setattr(SQLiteEngine, "COMMON_IN_KIND_WINDOWS", 0.005)
    for n in range(8):
        DecisionFactory(published=True, title=f"Shelter review {n}")
    sheltered = ReportFactory(published=True, title="Visit on shelters")
    ReportFactory(published=True, title="Visit on hotlines")
    if connection.vendor == "sqlite":
        # Common in the library (9 of 10) and in the decisions (8): each row
        # checked; not in the reports (1): their one match listed.
        assert checks_each_row("shelter")
        assert checks_each_row("shelter", kind="decision")
        assert SQLiteEngine().list_matches(parse_query("shelter"), connection.alias, DOCUMENTS, "report", 1000) == (
            [sheltered.pk],
            None,
        )

    def listed(path):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, {"q": "shelter"})
        assert response.status_code == 200
        walked = any("EXISTS (SELECT 1 FROM osce_search_fts" in query["sql"] for query in captured.captured_queries)
        return [document.pk for document in response.context["object_list"]], walked

    reports, reports_walked = listed("/reports/")
    decisions, decisions_walked = listed("/decisions/")
    assert reports == [sheltered.pk]
    assert len(decisions) == 8
    if connection.vendor == "sqlite":
        assert (reports_walked, decisions_walked) == (False, True)


def test_a_list_filtered_by_words_counts_and_pages_only_within_the_window(client, settings):
    settings.LIST_RESULT_WINDOW = 4
    for n in range(6):
        DecisionFactory(published=True, title=f"Shelter review {n}")
    DecisionFactory(published=True, title="Budget")

    words = client.get("/decisions/", {"q": "shelter"})
    paginator = words.context["paginator"]
    assert (paginator.window, paginator.count, paginator.count_is_capped) == (4, 4, True)
    assert len(words.context["object_list"]) == 4
    assert "More than 4" in words.content.decode() or "more than 4" in words.content.decode()
    beyond = client.get("/decisions/", {"q": "shelter", "page": 2})
    assert beyond.status_code == 404
    assert "Only the first 1 pages can be shown" in beyond.content.decode()


def test_a_word_found_only_in_the_newest_documents_is_not_taken_for_a_common_one(monkeypatch):
    from django.db import connection

    from osce_docs.search import SQLiteEngine

    monkeypatch.setattr(SQLiteEngine, "PROBE_RUNS", 4)
    monkeypatch.setattr(SQLiteEngine, "PROBE_RUN_IDS", 2)
    monkeypatch.setattr(SQLiteEngine, "COMMON_MATCHES", 5)
    decisions = [DecisionFactory(published=True, title=f"Decision {n}") for n in range(40)]
    Document.objects.filter(pk__in=[d.pk for d in decisions[-5:]]).update(title="Newest helpline decision")
    for decision in decisions:
        decision.refresh_from_db()
        decision.save()  # its search entry follows the title
    if connection.vendor == "sqlite":
        # Four runs of two ids spread over 40: none falls on the newest five.
        assert not checks_each_row("helpline")
        # In every document: 8 of 8 probed, 40 expected.
        assert checks_each_row("decision")
    assert matching_titles("helpline") == {"Newest helpline decision"}


def test_a_minus_word_excludes():
    DecisionFactory(published=True, title="Child victims", summary="Sexual exploitation.")
    DecisionFactory(published=True, title="Child labour", summary="Labour exploitation.")
    assert matching_titles("child -labour") == {"Child victims"}
    assert titles(search_documents("child -labour")) == ["Child victims"]


def test_a_minus_word_found_only_in_a_file_excludes_a_document_whose_title_matches(django_capture_on_commit_callbacks):
    annexed = DecisionFactory(published=True, title="Decision on shelters", summary="Short.")
    attach(annexed, pages=["An annex on labour inspections."], capture=django_capture_on_commit_callbacks)
    DecisionFactory(published=True, title="Shelters for victims", summary="Short.")
    assert titles(search_documents("shelters -inspections")) == ["Shelters for victims"]
    assert matching_titles("shelters -inspections") == {"Shelters for victims"}
    # Without the exclusion both are found.
    assert set(titles(search_documents("shelters"))) == {"Decision on shelters", "Shelters for victims"}


def test_or_accepts_either_word():
    DecisionFactory(published=True, title="Forced begging")
    DecisionFactory(published=True, title="Organ removal")
    DecisionFactory(published=True, title="Fishing industry")
    assert matching_titles("begging or organ") == {"Forced begging", "Organ removal"}


def test_word_forms_match_in_english():
    DecisionFactory(published=True, title="Persons trafficked for labour")
    assert matching_titles("trafficking") == {"Persons trafficked for labour"}
    assert matching_titles("exploited labourers") == set()
    DecisionFactory(published=True, title="Exploitation of labourers")
    assert matching_titles("exploited labourer") == {"Exploitation of labourers"}


def test_russian_text_in_a_file_is_found_by_its_words(django_capture_on_commit_callbacks):
    document = DecisionFactory(published=True, title="Plan of action")
    attach(
        document,
        pages=["Introduction", "Торговля людьми является тяжким преступлением."],
        name="plan-ru.pdf",
        language="ru",
        capture=django_capture_on_commit_callbacks,
    )
    results = search_documents("торговля людьми")
    assert titles(results) == ["Plan of action"]
    hit = results.hits[0]
    assert hit.file_name == "plan-ru.pdf"
    assert hit.file_page == 2
    assert "<mark>Торговля</mark>" in hit.file_snippet


def test_symbol_puts_the_decision_and_its_revisions_first():
    base = DecisionFactory(published=True, number=557, title="Action Plan", slug="pc-dec-557-t")
    revision = DecisionFactory(published=True, number=557, revision=1, title="Action Plan revised", slug="r-557")
    DecisionFactory(published=True, number=5570, title="Another decision citing PC.DEC/557 in its title")
    DecisionFactory(published=True, number=558, title="Unrelated")
    for query in ["PC.DEC/557", "pc.dec/557", "557"]:
        results = search_documents(query)
        assert [hit.document.pk for hit in results.hits[:2]] == [base.pk, revision.pk], query
        assert results.hits[0].symbol_match


def test_ministerial_council_symbol_with_year():
    wanted = DecisionFactory(published=True, body=Body.MINISTERIAL_COUNCIL, number=8, adopted_on=datetime.date(2007, 11, 30))
    DecisionFactory(published=True, body=Body.MINISTERIAL_COUNCIL, number=8, adopted_on=datetime.date(2005, 12, 6))
    results = search_documents("MC.DEC/8/07")
    assert results.hits[0].document.pk == wanted.pk
    assert Decision.objects.published().search("MC.DEC/8/07").get().pk == wanted.pk


def test_search_works_on_every_kinds_queryset():
    DecisionFactory(published=True, title="Victims first")
    ReportFactory(published=True, title="Visit on victims")
    assert list(Decision.objects.published().search("victims").values_list("title", flat=True)) == ["Victims first"]


def test_report_recommendations_practices_and_challenges_are_searched():
    report = ReportFactory(published=True, title="Visit", promising_practices="Hotline", challenges="Backlog")
    RecommendationFactory(report=report, text="Establish a compensation fund for survivors.")
    assert matching_titles("compensation fund") == {"Visit"}
    assert matching_titles("hotline") == {"Visit"}
    assert matching_titles("backlog") == {"Visit"}


def test_summary_snippet_marks_the_words_and_escapes_html():
    DecisionFactory(published=True, title="Decision", summary="Identify victims & witnesses <script>alert(1)</script>")
    hit = search_documents("victims").hits[0]
    assert "<mark>victims</mark> &amp; witnesses" in hit.summary_snippet
    assert "<script>" not in hit.summary_snippet


def test_a_summary_snippet_shows_where_the_summary_holds_a_word_in_any_form_and_only_there(
    django_capture_on_commit_callbacks,
):
    # PostgreSQL draws summary snippets only for entries whose title or
    # summary match (the rest would come back without a mark): this checks
    # that no summary holding the words loses its snippet.
    in_title = DecisionFactory(published=True, title="Trafficking review", summary="Nothing else here.")
    in_summary = DecisionFactory(published=True, title="Decision", summary="Persons were trafficked across borders.")
    in_file = DecisionFactory(published=True, title="Annex", summary="A plain summary.")
    attach(in_file, pages=["Trafficking in persons, page one."], name="a.pdf", capture=django_capture_on_commit_callbacks)
    either = DecisionFactory(published=True, title="Other", summary="Forced labour in agriculture.")

    hits = {hit.document.pk: hit for hit in search_documents("trafficking").hits}
    assert set(hits) == {in_title.pk, in_summary.pk, in_file.pk}
    assert hits[in_title.pk].summary_snippet == ""
    assert "<mark>trafficked</mark>" in hits[in_summary.pk].summary_snippet
    assert hits[in_file.pk].summary_snippet == ""
    assert "<mark>Trafficking</mark>" in hits[in_file.pk].file_snippet

    hits = {hit.document.pk: hit for hit in search_documents("trafficking or labour").hits}
    assert "<mark>labour</mark>" in hits[either.pk].summary_snippet
    assert "<mark>trafficked</mark>" in hits[in_summary.pk].summary_snippet


def test_snippet_names_the_right_file_and_page(django_capture_on_commit_callbacks):
    document = DecisionFactory(published=True, title="Decision")
    attach(document, pages=["General provisions."], name="main.pdf", capture=django_capture_on_commit_callbacks)
    attach(
        document,
        pages=["Annex intro.", "Nothing.", "Referral mechanisms for child victims."],
        name="annex.pdf",
        kind="annex",
        capture=django_capture_on_commit_callbacks,
    )
    hit = search_documents("referral mechanisms").hits[0]
    assert (hit.file_name, hit.file_page) == ("annex.pdf", 3)
    assert "<mark>Referral</mark> <mark>mechanisms</mark>" in hit.file_snippet


def test_the_snippet_is_the_originals_first_matching_page_though_other_files_match_too(
    django_capture_on_commit_callbacks,
):
    document = DecisionFactory(published=True, title="Decision")
    # Attached first, not the original: its page 1 matches, but an original comes first.
    capture = django_capture_on_commit_callbacks
    attach(document, pages=["Referral mechanisms, in French."], name="fr.pdf", language="fr", capture=capture)
    pages = ["Nothing.", "Referral mechanisms, first.", "Nothing.", "Referral mechanisms, again."]
    attach(document, pages=pages, name="en.pdf", is_original=True, capture=capture)
    hit = search_documents("referral mechanisms").hits[0]
    assert (hit.file_name, hit.file_page) == ("en.pdf", 2)
    assert "first" in hit.file_snippet


def test_a_word_file_snippet_names_the_file_without_a_page(django_capture_on_commit_callbacks):
    document = DecisionFactory(published=True, title="Decision")
    attach(
        document,
        content=files.docx_bytes(["Labour inspection reform."]),
        name="note.docx",
        capture=django_capture_on_commit_callbacks,
    )
    hit = search_documents("inspection").hits[0]
    assert (hit.file_name, hit.file_page) == ("note.docx", None)


def test_facets_count_the_matches_by_kind_year_country_topic_and_language(django_capture_on_commit_callbacks):
    italy, spain = StateFactory(iso2="XI", name="Testland XI"), StateFactory(iso2="XS", name="Testland XS")
    topic = TopicFactory(name="Forced labour", slug="forced-labour")
    first = DecisionFactory(published=True, title="Forced labour one", adopted_on=datetime.date(2019, 1, 1), states=[italy], topics=[topic])
    DecisionFactory(published=True, title="Forced labour two", adopted_on=datetime.date(2020, 1, 1), states=[italy, spain])
    EventFactory(published=True, title="Forced labour event", published_on=datetime.date(2020, 3, 1))
    DecisionFactory(published=True, title="Something else", states=[spain])
    attach(first, pages=["Text"], language="fr", capture=django_capture_on_commit_callbacks)
    facets = search_documents("forced labour").facets

    def counts(name):
        return {item["value"]: item["count"] for item in facets[name]}

    assert counts("kind") == {"decision": 2, "event": 1}
    assert counts("year") == {"2019": 1, "2020": 2}
    assert counts("country") == {"XI": 2, "XS": 1}
    assert counts("topic") == {"forced-labour": 1}
    assert counts("language") == {"fr": 1}


def test_filters_narrow_the_results():
    state = StateFactory(iso2="XQ")
    DecisionFactory(published=True, title="Labour one", states=[state], adopted_on=datetime.date(2019, 5, 1))
    DecisionFactory(published=True, title="Labour two", adopted_on=datetime.date(2020, 5, 1))
    EventFactory(published=True, title="Labour three", published_on=datetime.date(2020, 6, 1))
    assert titles(search_documents("labour", filters={"country": "XQ"})) == ["Labour one"]
    assert set(titles(search_documents("labour", filters={"year": "2020"}))) == {"Labour two", "Labour three"}
    assert titles(search_documents("labour", filters={"kind": "event"})) == ["Labour three"]


def test_results_are_paginated():
    for number in range(25):
        DecisionFactory(published=True, title=f"Prevention measure {number}")
    first, second = search_documents("prevention", per_page=20), search_documents("prevention", page=2, per_page=20)
    assert first.total == 25 and first.num_pages == 2
    assert len(first.hits) == 20 and len(second.hits) == 5
    assert not {hit.document.pk for hit in first.hits} & {hit.document.pk for hit in second.hits}


def test_ranking_reads_a_bounded_number_of_matches_and_says_so_as_a_lower_bound(settings, client):
    settings.SEARCH_CANDIDATES = 5
    for number in range(12):
        DecisionFactory(published=True, title=f"Protection {number}")
    results = search_documents("protection")
    assert results.more
    assert results.total == 6
    # Six are read and shown; whether a seventh exists is not (12 do here).
    assert "At least 6 documents match" in client.get("/search/", {"q": "protection"}).text


class TestDraftsNeverMatch:
    def test_a_drafts_words_do_not_match_publicly(self):
        DecisionFactory(title="Secret draft about sextortion")
        assert matching_titles("sextortion") == set()
        assert search_documents("sextortion").total == 0

    def test_drafts_are_not_counted_in_facets_or_symbol_hits(self):
        DecisionFactory(published=True, number=900, title="Published trafficking decision")
        DecisionFactory(number=900, revision=1, title="Draft trafficking revision", slug="draft-900")
        results = search_documents("900")
        assert titles(results) == ["Published trafficking decision"]
        assert results.facets["kind"] == [{"value": "decision", "label": "decision", "count": 1}]


class TestFreshness:
    def test_publishing_makes_a_document_findable_at_once(self):
        document = DecisionFactory(title="Newly published on sextortion")
        services.document_publish(document=document)
        assert matching_titles("sextortion") == {"Newly published on sextortion"}

    def test_unpublishing_removes_it_at_once(self):
        document = DecisionFactory(published=True, title="Withdrawn on sextortion")
        services.document_unpublish(document=document)
        assert matching_titles("sextortion") == set()

    def test_editing_the_title_changes_what_matches(self):
        document = DecisionFactory(published=True, title="Old wording")
        document.title = "New wording on grooming"
        document.save()
        assert matching_titles("grooming") == {"New wording on grooming"}
        assert matching_titles("old") == set()

    def test_deleting_a_document_removes_its_entry(self):
        document = DecisionFactory(published=True, title="Deleted on grooming")
        document.delete()
        assert matching_titles("grooming") == set()
        assert not SearchEntry.objects.filter(document_id=document.pk).exists()

    def test_deleting_a_file_removes_its_words(self, django_capture_on_commit_callbacks):
        document = DecisionFactory(published=True, title="Decision")
        attachment = attach(document, pages=["Cybercrime and recruitment online"], capture=django_capture_on_commit_callbacks)
        assert matching_titles("cybercrime") == {"Decision"}
        services.attachment_delete(attachment=attachment)
        assert matching_titles("cybercrime") == set()

    def test_replacing_a_file_replaces_its_words(self, django_capture_on_commit_callbacks):
        document = DecisionFactory(published=True, title="Decision")
        attachment = attach(document, pages=["Cybercrime"], capture=django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.attachment_replace_file(attachment=attachment, uploaded_file=files.pdf_upload("new.pdf", ["Smuggling"]))
        assert matching_titles("cybercrime") == set()
        assert matching_titles("smuggling") == {"Decision"}

    def test_a_replaced_files_old_words_leave_before_extraction_runs(self, django_capture_on_commit_callbacks):
        document = DecisionFactory(published=True, title="Decision")
        attachment = attach(document, pages=["Cybercrime"], capture=django_capture_on_commit_callbacks)
        services.attachment_replace_file(attachment=attachment, uploaded_file=files.pdf_upload("new.pdf", ["Smuggling"]))
        assert matching_titles("cybercrime") == set()

    def test_a_new_recommendation_is_found_at_once(self):
        report = ReportFactory(published=True, title="Visit")
        recommendation = RecommendationFactory(report=report, text="Train labour inspectors")
        assert matching_titles("inspectors") == {"Visit"}
        recommendation.delete()
        assert matching_titles("inspectors") == set()

    def test_deleting_a_report_with_recommendations_and_files(self, django_capture_on_commit_callbacks):
        report = ReportFactory(published=True, title="Visit")
        RecommendationFactory(report=report, text="Train labour inspectors")
        attach(report, pages=["Annex"], capture=django_capture_on_commit_callbacks)
        report.delete()
        assert not SearchEntry.objects.exists() or not SearchEntry.objects.filter(document_id=report.pk).exists()
        assert matching_titles("inspectors") == set()

    def test_rebuild_command_restores_a_lost_entry(self):
        from django.core.management import call_command

        document = DecisionFactory(published=True, title="Recovered on grooming")
        SearchEntry.objects.filter(document_id=document.pk).delete()
        assert matching_titles("grooming") == set()
        call_command("rebuild_search_index", verbosity=0)
        assert matching_titles("grooming") == {"Recovered on grooming"}

    @pytest.mark.parametrize("option", ["--fts", "--optimize"])
    def test_rebuild_options_keep_search_working(self, option):
        from django.core.management import call_command

        DecisionFactory(published=True, title="Kept on grooming")
        call_command("rebuild_search_index", option, verbosity=0)
        assert matching_titles("grooming") == {"Kept on grooming"}


    def test_rebuild_of_the_indexes_restores_a_kinds_own_pairs(self):
        """SQLite: `rebuild_search_index --fts` writes each smaller kind's
        pairs' index (migration 0022) again too, before it rewrites the
        entries: their triggers take a contentless index's old pairs out,
        which fails on an index that lost them. The reports' list reads a
        phrase from it."""
        from django.core.management import call_command
        from django.db import connection

        from decisions.models import CountryVisitReport

        def reports_matching(phrase):
            return set(CountryVisitReport.objects.published().search(phrase).values_list("title", flat=True))

        ReportFactory(published=True, title="The harbour beacon")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO osce_search_pairs_report_fts(osce_search_pairs_report_fts) VALUES ('delete-all')")
            assert reports_matching('"harbour beacon"') == set()
        call_command("rebuild_search_index", "--fts", verbosity=0)
        assert reports_matching('"harbour beacon"') == {"The harbour beacon"}


class TestMalformedQueries:
    @pytest.mark.parametrize(
        "query",
        [
            '"unbalanced quote',
            'trafficking "',
            "\x00\x01\x02",
            "trafficking\x00victims",
            "x" * 5000,
            "word " * 1000,
            "-",
            '""',
            "or or or",
            "(((",
            "NEAR(a b)",
            "a AND",
            "* ^ :",
            "{a_text} : x",
            "'; DROP TABLE osce_docs_document; --",
        ],
    )
    def test_never_an_error(self, query):
        DecisionFactory(published=True, title="Trafficking victims")
        search_documents(query)
        list(Document.objects.published().search(query))

    def test_only_common_words_give_a_message(self):
        results = search_documents("the of and")
        assert results.total == 0
        assert "common" in results.messages[0]

    def test_only_an_exclusion_gives_a_message_on_the_search_page(self):
        assert "exclude" in search_documents("-labour").messages[0]

    def test_only_an_exclusion_keeps_the_other_documents_on_lists(self):
        DecisionFactory(published=True, title="Labour")
        DecisionFactory(published=True, title="Begging")
        assert "Labour" not in matching_titles("-labour")
        assert "Begging" in matching_titles("-labour")

    def test_an_unbalanced_quote_is_a_phrase_to_the_end(self):
        DecisionFactory(published=True, title="Domestic servitude cases")
        assert matching_titles('"domestic servitude') == {"Domestic servitude cases"}

    def test_a_long_query_is_cut_and_says_so(self):
        assert "first 500 characters" in parse_query("trafficking " * 600).messages[0]


def _slow_candidates(self, cursor, parsed, filters, limit):
    """A query that runs for seconds on either engine."""
    from django.db import connection

    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_sleep(5)")
    else:
        cursor.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT COUNT(*) FROM n")
    return []


# As in production, search runs outside a transaction; the database is restored afterwards, as the
# other transactional tests expect.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_phrase_search_that_takes_too_long_is_stopped_with_a_message_and_the_next_one_works(client, settings, monkeypatch):
    from osce_docs.search import engine_for

    DecisionFactory(published=True, title="Labour inspectors and trafficking")
    settings.SEARCH_TIME_LIMIT_MS = 200
    engine = type(engine_for())
    original = engine.candidates
    monkeypatch.setattr(engine, "candidates", _slow_candidates)

    started = time.monotonic()
    response = client.get("/search/", {"q": '"labour inspectors"'})

    assert response.status_code == 200
    assert time.monotonic() - started < 4
    assert b"took too long and was stopped" in response.content
    assert b"Labour inspectors and trafficking" not in response.content

    monkeypatch.setattr(engine, "candidates", original)
    assert titles(search_documents('"labour inspectors"')) == ["Labour inspectors and trafficking"]


@pytest.mark.parametrize("read", ["from the index", "newest ids, then older", "every tier dense"])
def test_a_phrase_ranks_title_summary_and_file_matches_from_one_read_of_its_pairs(
    read, monkeypatch, django_capture_on_commit_callbacks
):
    """PostgreSQL: every tier takes the same matches from the pairs' index,
    read once (those among the newest ids, then the older ones if a tier
    needs them), even a tier whose words are common: the hits are the same,
    in the tiers' order, and nothing is walked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from osce_docs.search import PostgreSQLEngine

    if read == "every tier dense":
        # Words this common would be walked newest first; a phrase is read
        # from its pairs among the newest two ids, then the older ones.
        monkeypatch.setattr(PostgreSQLEngine, "DENSE_SHARE", 0)
        monkeypatch.setattr(PostgreSQLEngine, "WALK_IDS", 2)
    else:
        monkeypatch.setattr(PostgreSQLEngine, "DENSE_SHARE", 1)
        monkeypatch.setattr(PostgreSQLEngine, "DENSE_FACTOR", 1_000_000)
    if read == "newest ids, then older":
        # The newest 7 of the 9 documents below hold the title's match; the
        # summary's and the file's are older.
        monkeypatch.setattr(PostgreSQLEngine, "WALK_IDS", 7)
    in_file = DecisionFactory(published=True, title="Annual report", summary="Budgets.")
    attach(in_file, pages=["Nothing.", "Victims of forced labour were identified."], capture=django_capture_on_commit_callbacks)
    in_summary = DecisionFactory(published=True, title="Review", summary="A review of forced labour cases.")
    in_title = DecisionFactory(published=True, title="Forced labour in supply chains", summary="Short.")
    DecisionFactory(published=True, title="Labour that is forced", summary="Labour, when forced.")
    DecisionFactory(title="Forced labour, a draft", summary="Short.")
    for _ in range(4):  # newer than the matches: the walk over the newest ids finds none of them
        DecisionFactory(published=True, title="Unrelated", summary="Nothing.")

    with CaptureQueriesContext(connection) as captured:
        found = titles(search_documents('"forced labour"'))
    assert found == [in_title.title, in_summary.title, in_file.title]
    if connection.vendor == "postgresql":
        ranked = [q["sql"] for q in captured.captured_queries if "a_c AS" in q["sql"]]
        assert len(ranked) == 1
        # Once among the newest ids (with their bands), once among the older.
        assert ranked[0].count("e.pairs @@") == 3
        assert ranked[0].count("e.pairs @@ (SELECT q FROM newest_bands)") == 1
        assert "FROM older_pairs p" in ranked[0] and "FROM newest_pairs p" in ranked[0]
        assert "_end AS MATERIALIZED" not in ranked[0]


def test_a_phrase_among_the_newest_ids_is_found_in_their_bands_across_a_bands_edge(monkeypatch):
    """PostgreSQL reads a phrase's matches among the newest ids from the pairs'
    index asked for their bands of 4,096 ids (migration 0023): the newest ten
    ids here straddle two bands, and the oldest match lies in a third, read
    with the older ids. Every engine finds all three, newest first."""
    from django.db import connection

    from osce_docs.search import PostgreSQLEngine, id_bands_sql

    monkeypatch.setattr(PostgreSQLEngine, "WALK_IDS", 10)
    for pk, title in [(100, "Forced labour, the oldest"), (8190, "Forced labour, band one"), (8195, "Forced labour, band two")]:
        DecisionFactory(id=pk, published=True, title=title, summary="Short.")
    DecisionFactory(id=8191, published=True, title="Labour that was forced", summary="Short.")

    assert titles(search_documents('"forced labour"')) == [
        "Forced labour, band two",
        "Forced labour, band one",
        "Forced labour, the oldest",
    ]
    if connection.vendor == "postgresql":

        def in_bands(lowest, highest):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT document_id FROM {SearchEntry._meta.db_table} WHERE pairs @@ {id_bands_sql('%s', '%s')}",
                    [lowest, highest],
                )
                return {pk for (pk,) in cursor.fetchall()}

        # Band 1 is ids 4,096-8,191, band 2 from 8,192.
        assert in_bands(8186, 8195) == {8190, 8191, 8195}
        assert in_bands(8192, 8195) == {8195}
        assert in_bands(0, 4095) == {100}


def test_a_phrase_in_few_titles_is_read_for_the_title_tier_from_the_titles_index_not_its_many_pairs(
    monkeypatch,
):
    """PostgreSQL: each tier reads whichever index holds fewer documents, its
    own words' or the phrase's pairs'; the hits are the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from osce_docs.search import PostgreSQLEngine

    # Planner's figures: the words in 1 title and 1,000 summaries and texts of
    # 10,000 entries; the pairs in 500 documents.
    monkeypatch.setattr(PostgreSQLEngine, "_estimated_matches", lambda self, cursor, tiers: [1, 1000, 1000, 10_000, 500])
    in_title = DecisionFactory(published=True, title="Child victims of trafficking", summary="Short.")
    in_summaries = [DecisionFactory(published=True, title=f"Review {n}", summary="Child victims were identified.") for n in range(3)]
    DecisionFactory(published=True, title="Victims, child", summary="Victims; a child.")
    with CaptureQueriesContext(connection) as captured:
        found = titles(search_documents('"child victims"'))
    assert found[0] == in_title.title
    assert sorted(found[1:]) == sorted(document.title for document in in_summaries)
    if connection.vendor == "postgresql":
        ranked = next(q["sql"] for q in captured.captured_queries if "a_c AS" in q["sql"])
        title_tier = ranked[ranked.index("a_c AS") : ranked.index("ab_c AS")]
        assert "WHERE e.vector_a @@" in title_tier and "_pairs p" not in title_tier
        assert ranked.count("FROM newest_pairs p") == 2  # the summary tier and the whole text's

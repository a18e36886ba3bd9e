"""Finding documents by their words.

`Document.objects.search(query)` (the same on every kind's queryset) is the
entry point the list pages use: it keeps the documents that match QUERY and
leaves their order to the caller. `search_documents()` is what the search page
uses: ranked results with snippets and facet counts in a fixed number of
queries.

Query syntax, as PostgreSQL's websearch_to_tsquery reads it: all words must
match; "a quoted phrase"; -word excludes; `or` between two words accepts
either. The query is parsed here once, and each engine gets the same logical
query: a tsquery built with phraseto_tsquery() per term on PostgreSQL (the
search page's candidates for a phrase also hold its pairs of neighbouring
words, which have an index of their own: migration 0016), an FTS5 MATCH
expression on SQLite. What is indexed lives in SearchEntry and AttachmentPage
(osce_docs/search_index.py); the engines' own structures are created by
migration 0003 and kept up to date by the database.

Ranking is bounded, so that a word found in most documents stays fast: each
search reads at most SEARCH_CANDIDATES matches per tier, taken in an order
an index gives for free (newest document first), and ranks only those. The
tiers: the whole query in the symbol or title, then in the title and summary
texts, then anywhere (files included); within a tier by ts_rank of the
symbol, title and summary texts (PostgreSQL: the files' vectors are large,
and reading two hundred of them would cost more than the rest of the search)
or bm25 (SQLite, when few documents match)."""

import contextlib
import json
import math
import re
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, connections
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .pagination import LIST_ORDER_HINT, RUNS_BEING_WRITTEN, id_bounds_sql, result_window
from .sqlite import pairs as word_pairs

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
# Marks around matched words in snippets: private-use characters that
# extraction and indexing strip from every text, replaced by <mark> only after
# the snippet has been HTML-escaped.
MARK_START, MARK_END = "\ue000", "\ue001"

# PostgreSQL's English stop words: not searched when typed alone (in a quoted
# phrase they stay), on both engines alike.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while of
    at by for with about against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each few more most other
    some such no nor not only own same so than too very s t can will just don should now""".split()
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ue000\ue001]")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_PART = re.compile(r"[^\W_]+")
_BARE_NUMBER = re.compile(r"^\d{1,6}$")


@dataclass(frozen=True)
class Term:
    """A word or phrase, already reduced to its word characters ("PC.DEC/557" → "PC DEC 557")."""

    text: str
    phrase: bool = False


@dataclass
class ParsedQuery:
    """A query as both engines read it: clauses that must all match (each an
    OR of terms) and terms that must not."""

    raw: str = ""
    clauses: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    # A decision's symbol or number ("PC.DEC/557"): found by symbol first.
    names_a_symbol: bool = False

    @property
    def has_positive(self):
        return bool(self.clauses)

    @property
    def is_empty(self):
        return not self.clauses and not self.excluded

    @property
    def positive_terms(self):
        return [term for clause in self.clauses for term in clause]

    @property
    def has_phrase(self):
        return any(term.phrase for term in self.positive_terms)


def _clean_query(text):
    text = unicodedata.normalize("NFC", str(text or ""))
    return " ".join(_CONTROL.sub(" ", text).split())


def _term(text, *, phrase):
    words = _WORD_PART.findall(text)
    if not words:
        return None
    return Term(" ".join(words)[:200], phrase=phrase or len(words) > 1)


def parse_query(text):
    """Read a query typed by anyone into a ParsedQuery; never raises. The
    messages say what was left out (over-long queries, common words)."""
    parsed = ParsedQuery(raw=_clean_query(text))
    query = parsed.raw
    if len(query) > MAX_QUERY_CHARS:
        query = query[:MAX_QUERY_CHARS]
        parsed.messages.append(
            _("Your search was long: only its first %(count)d characters were used.") % {"count": MAX_QUERY_CHARS}
        )
    pending_or, dropped_common, terms_seen = False, [], 0
    for match in _TOKEN.finditer(query):
        negated, quoted, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.lower() == "or":
            pending_or = bool(parsed.clauses)
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word.lstrip("-")
        if quoted is not None:
            term = _term(quoted, phrase=True)
        else:
            if word.lower() in STOP_WORDS and not negated:
                dropped_common.append(word)
                pending_or = False
                continue
            term = _term(word, phrase=False)
        if term is None:
            continue
        terms_seen += 1
        if terms_seen > MAX_TERMS:
            parsed.messages.append(_("Only the first %(count)d words were searched.") % {"count": MAX_TERMS})
            break
        if negated:
            parsed.excluded.append(term)
            pending_or = False
        elif pending_or:
            parsed.clauses[-1].append(term)
            pending_or = False
        else:
            parsed.clauses.append([term])
    if dropped_common and not parsed.clauses:
        parsed.messages.append(
            _("“%(words)s”: words this common are not searched on their own. Add a more specific word.")
            % {"words": " ".join(dropped_common[:5])}
        )
    elif parsed.excluded and not parsed.clauses:
        parsed.messages.append(_("Add a word to look for: a search cannot only exclude words."))
    return parsed


def looks_like_symbol(text):
    """The decision a query names by symbol or bare number: ('number', 557),
    ('symbol', Symbol(body='PC', number=557, ...)), or None."""
    from decisions.symbols import SymbolError, parse_symbol

    text = _clean_query(text)
    if _BARE_NUMBER.match(text):
        return ("number", int(text))
    if "." not in text and "/" not in text:
        return None
    try:
        return ("symbol", parse_symbol(text))
    except SymbolError:
        return None


# ---------------------------------------------------------------------------
# The engines: the same logical query in each database's own words.


# A pair no document holds (no word starts with a space): the planner's
# estimate for it is its floor for any pair its statistics do not list.
UNLISTED_PAIR = "' no such pair'"


def kind_lexeme(kind):
    """The word a document's pairs hold for its KIND (migration 0017), as a tsquery."""
    return f"' kind {kind}'"


# Each entry's pairs hold the band of ids it lies in (migration 0023, whose
# BAND_PREFIX and BAND_BITS these are).
ID_BAND_PREFIX = " ids "
ID_BAND_BITS = 12


def id_bands_sql(lowest, highest):
    """A tsquery (SQL) that the pairs of every entry whose id lies between the
    SQL expressions LOWEST and HIGHEST match, and those of few others (their
    bands' other ids): asked for it beside a phrase's pairs, the GIN index
    reads the bands' short lists and skips through the pairs' long ones."""
    return (
        f"(SELECT string_agg(quote_literal('{ID_BAND_PREFIX}' || band), ' | ')::tsquery "
        f"FROM generate_series(({lowest}) >> {ID_BAND_BITS}, ({highest}) >> {ID_BAND_BITS}) band)"
    )


@dataclass(frozen=True)
class ListIndex:
    """What a list filtered by words reads: its rows (TABLE, KEY) and their
    full-text index, an FTS5 table on SQLite (and one of their pairs of
    words, PAIRS_FTS), a `vector` column on PostgreSQL."""

    table: str
    key: str
    fts: str
    vector_table: str
    vector_key: str
    pairs_fts: str


DOCUMENTS = ListIndex(
    "osce_docs_document", "id", "osce_search_fts", "osce_docs_searchentry", "document_id", "osce_search_pairs_fts"
)
# The recommendations' own texts (decisions migrations 0010 and 0011).
RECOMMENDATIONS = ListIndex(
    "decisions_recommendation",
    "id",
    "decisions_recommendation_fts",
    "decisions_recommendation",
    "id",
    "decisions_recommendation_pairs_fts",
)


class _Engine:
    entry = DOCUMENTS.vector_table
    document = DOCUMENTS.table
    attachment = "osce_docs_attachment"
    page = "osce_docs_attachmentpage"
    # Above this many matches a query is "common" (SQLiteEngine.list_matches):
    # gathering every match then costs more than checking each row a list reads.
    COMMON_MATCHES = 20_000

    def ids_in(self, column, ids):
        raise NotImplementedError

    def filters_sql(self, filters):
        """SQL conditions on the document `d` for the search page's filters."""
        from .models import Document

        sql, params = [], []
        if filters.get("kind"):
            sql.append("d.kind = %s")
            params.append(filters["kind"])
        if filters.get("year"):
            import datetime

            year = int(filters["year"])
            sql.append("d.published_on >= %s AND d.published_on < %s")
            params += [datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)]
        if filters.get("country"):
            through = Document.states.through._meta.db_table
            sql.append(
                f"EXISTS (SELECT 1 FROM {through} ds JOIN osce_docs_state s ON s.id = ds.state_id "
                "WHERE ds.document_id = d.id AND s.iso2 = %s)"
            )
            params.append(filters["country"].upper())
        if filters.get("topic"):
            through = Document.topics.through._meta.db_table
            sql.append(
                f"EXISTS (SELECT 1 FROM {through} dt JOIN osce_docs_topic t ON t.id = dt.topic_id "
                "WHERE dt.document_id = d.id AND t.slug = %s)"
            )
            params.append(filters["topic"])
        if filters.get("language"):
            sql.append(f"EXISTS (SELECT 1 FROM {self.attachment} fa WHERE fa.document_id = d.id AND fa.language = %s)")
            params.append(filters["language"])
        return "".join(f" AND {condition}" for condition in sql), params

    def facets(self, cursor, ids):
        """Counts per kind, year, country, topic and file language among IDS, in one query."""
        from .models import Document

        states = Document.states.through._meta.db_table
        topics = Document.topics.through._meta.db_table
        # Each link table is read by its document_id index: joined from the
        # documents' side, the planner hashes the whole link table instead.
        in_documents, param = self.ids_in("d.id", ids)
        in_state_links, _ = self.ids_in("ds.document_id", ids)
        in_topic_links, _ = self.ids_in("dt.document_id", ids)
        in_files, _ = self.ids_in("fa.document_id", ids)
        sql = f"""
            SELECT 'kind', d.kind, NULL, COUNT(*) FROM {self.document} d WHERE {in_documents} GROUP BY d.kind
            UNION ALL
            SELECT 'year', {self.year_sql('d.published_on')}, NULL, COUNT(*) FROM {self.document} d
                WHERE {in_documents} AND d.published_on IS NOT NULL GROUP BY 2
            UNION ALL
            SELECT 'country', s.iso2, s.name, COUNT(*) FROM {states} ds JOIN osce_docs_state s ON s.id = ds.state_id
                WHERE {in_state_links} GROUP BY s.iso2, s.name
            UNION ALL
            SELECT 'topic', t.slug, t.name, COUNT(*) FROM {topics} dt JOIN osce_docs_topic t ON t.id = dt.topic_id
                WHERE {in_topic_links} GROUP BY t.slug, t.name
            UNION ALL
            SELECT 'language', fa.language, NULL, COUNT(DISTINCT fa.document_id) FROM {self.attachment} fa
                WHERE {in_files} GROUP BY fa.language
        """
        cursor.execute(sql, [param] * 5)
        return cursor.fetchall()


class PostgreSQLEngine(_Engine):
    vendor = "postgresql"

    @staticmethod
    def _term(term, *, words_only=False):
        # Parsed as the documents are (migration 0007): English stems, other
        # languages' words as written. WORDS_ONLY drops a phrase's word order.
        function = "plainto_tsquery" if words_only else "phraseto_tsquery"
        return f"{function}('english', %s)", [term.text]

    def _combine(self, clauses, excluded=(), *, words_only=False):
        sql, params = [], []
        for clause in clauses:
            parts = [self._term(term, words_only=words_only) for term in clause]
            sql.append("(" + " || ".join(p[0] for p in parts) + ")")
            params += [value for p in parts for value in p[1]]
        for term in excluded:
            term_sql, term_params = self._term(term)
            sql.append(f"!!{term_sql}")
            params += term_params
        return "(" + " && ".join(sql) + ")", params

    def query(self, parsed):
        return self._combine(parsed.clauses, parsed.excluded)

    def any_term(self, parsed):
        return self._combine([parsed.positive_terms])

    def ids_in(self, column, ids):
        # A subquery, not the literal array: given the literal, the planner
        # estimates each of its (up to 200) ids in turn, once per facet
        # (planning 1.1 -> 0.5 ms beside 1.9 ms of counting at 10,000).
        return f"{column} = ANY(ARRAY(SELECT unnest(%s::bigint[])))", id_array(ids)

    @staticmethod
    def year_sql(column):
        return f"to_char({column}, 'YYYY')"

    def pairs_sql(self, parsed, *, kind=None, estimated=False, column="e.pairs"):
        """A condition on the entry `e` (or on another index's COLUMN of pairs:
        the recommendations', decisions 0012) that every document matching
        PARSED's phrases meets and few others do: holding the phrases' pairs of
        neighbouring words (migration 0016), which their GIN index answers
        without reading a word's position. "" when PARSED has no phrase (a
        clause with a single word in it is left to the words). KIND: only
        documents of that kind, which the same index knows (migration 0017).
        ESTIMATED: without the documents that keep no pairs (that marker,
        found in no sampled row, is estimated at half the least common pair's
        share, more than a rare phrase's pairs together)."""
        sql, params = [], []
        pairs = "osce_search_pairs(phraseto_tsquery('english', %s))"
        # What documents without pairs hold (see the migration).
        held = pairs if estimated else f"({pairs} || ''' pairs left out'''::tsquery)"
        kind_params = [kind_lexeme(kind)] if kind else []
        if kind:
            held = f"({held} && %s::tsquery)"
        for clause in parsed.clauses:
            if all(term.phrase for term in clause):
                # A phrase without pairs (its words three apart) is a NULL the
                # planner folds into "true" before planning.
                sql.append("(" + " OR ".join(f"{column} @@ {held} OR {pairs} IS NULL" for _ in clause) + ")")
                params += [value for term in clause for value in [term.text, *kind_params, term.text]]
        return " AND ".join(sql), params

    def match_sql(self, parsed, index=DOCUMENTS):
        full, params = self.query(parsed)
        return f"SELECT {index.vector_key} FROM {index.vector_table} WHERE vector @@ {full}", params

    # Words or a phrase are probed (list_matches) when the planner expects at
    # most this many times the window of documents to hold them (or its
    # pairs), and at most DENSE_SHARE of all the entries.
    PROBED_FACTOR = 10
    # A phrase whose pairs are not rare is probed only in a list of a kind
    # holding at most this share of the library (reports, events,
    # statements; not decisions or a list of every kind).
    PROBED_KIND_SHARE = 0.5
    # A list with more matches than the window reads a phrase from the pairs'
    # index when the planner expects at most this share of the entries to
    # hold its pairs; otherwise the list checks its rows in turn.
    RARE_PAIRS_SHARE = 0.001
    # ...or when it is estimated at the planner's floor: its one pair is
    # rarer than any its statistics list (a product of several pairs' shares
    # is not taken for rare that way: words that go together are
    # underestimated so).
    UNLISTED_PAIRS_ARE_RARE = True

    def list_matches(self, parsed, using, index, kind, window):
        """(ids, None): the keys of every row matching PARSED (of KIND), when
        they are at most WINDOW, read once; (None, (sql, params)): a subquery
        of the matches, for a list that has more, or whose matches no index
        finds without reading each row's vector (a list then checks its own
        rows in its order: the words' matches are many).

        Listed, the matches cost the list nothing more; as a subquery, the
        sampled count (osce_docs/pagination.py) looked them up in the GIN
        index once per run of ids, fifty times ("national referral mechanism"
        in no recommendation: 390 ms at a million)."""
        full, params = self.query(parsed)
        plain = self.match_sql(parsed, index)
        probe = None
        if index is DOCUMENTS:
            # A phrase's candidates are the documents holding its pairs (of
            # KIND: migration 0017), which the pairs' index answers exactly
            # with no vector read; only the few are checked for the whole
            # query. Common words in an unusual order ("mechanism referral
            # national"), or a phrase common in other kinds and rare in the
            # list's ("national referral mechanism" in reports), had each of
            # their words' documents or each of the list's rows read (1.8 s
            # and 2.5-3 s at a million). Words are read from their own index.
            # The probe stops at WINDOW + 1 candidates.
            pairs, pairs_params = self.pairs_sql(parsed, kind=kind)
            if pairs:
                estimated = self.pairs_sql(parsed, kind=kind, estimated=True)
            elif parsed.has_phrase:
                # A phrase or a word ('"referral mechanism" or hotline'): no
                # pairs to read, and the planner, multiplying the phrase's
                # words' shares, could take a common phrase for a rare one.
                return None, plain
            else:
                estimated = f"e.vector @@ {full}", params
            # What the planner expects in many documents is common: no probe
            # (building the index's bitmap of a word or a pair held by half
            # the library costs more than walking the list). It multiplies
            # the pairs' and the kind's shares, so a phrase common elsewhere
            # and rare in the list is expected in few of the list's
            # documents, and probed.
            tiers = [estimated, ("true", [])]
            kind_params = [kind_lexeme(kind)] if kind else []
            if pairs:
                # A pair the statistics do not list, of the same kind: the
                # planner's floor, at which a two-word phrase's one rare pair
                # is estimated (0.35 % of the entries at 100,000, above
                # RARE_PAIRS_SHARE: "public procurement", in 6 documents, was
                # walked through the decisions, 270 ms).
                and_kind = " && %s::tsquery" if kind else ""
                tiers.append((f"e.pairs @@ (%s::tsquery{and_kind})", [UNLISTED_PAIR, *kind_params]))
            if pairs and kind:
                tiers.append(("e.pairs @@ %s::tsquery", kind_params))
            with connections[using].cursor() as cursor:
                expected, entries, *more = self._estimated_matches(cursor, tiers)
            if pairs and kind:
                # Read among the kind's entries: a small kind's pairs have an
                # index of their own (migration 0021). Not in the estimates,
                # which the kind's lexeme narrows already.
                pairs, pairs_params = f"{pairs} AND e.kind = %s", [*pairs_params, kind]
            floor = more[0] if pairs else None
            kind_entries = more[1] if pairs and kind else entries
            rare_pairs = pairs and (
                expected <= self.RARE_PAIRS_SHARE * entries or (self.UNLISTED_PAIRS_ARE_RARE and expected == floor)
            )
            if rare_pairs:
                # A common phrase is walked in the list's order, each row
                # checked: from the pairs' index, every candidate's vector was
                # read ("national referral mechanism": 22-26 ms -> 35-37 at a
                # million). Rare pairs are read from their index.
                sql = f"SELECT e.document_id FROM {self.entry} e WHERE {pairs} AND e.vector @@ {full}"
                plain = sql, [*pairs_params, *params]
            elif pairs and kind_entries > self.PROBED_KIND_SHARE * entries:
                # In a list holding most of the library a phrase rare in it is
                # rare in the library, and its pairs tell so; a common phrase
                # was probed for nothing (the decisions list filtered by
                # "national referral mechanism": 20 -> 42 ms at a million).
                return None, plain
            # (In a small library, a tenth of it is fewer than ten windows:
            # a word in most of 10,000 documents was probed for nothing.)
            if expected > self.PROBED_FACTOR * window or expected > self.DENSE_SHARE * entries:
                return None, plain
            if pairs:
                in_window = "(SELECT COUNT(*) FROM candidates) <= %s"
                probe = (
                    f"WITH candidates AS MATERIALIZED (SELECT e.document_id FROM {self.entry} e WHERE {pairs} LIMIT %s) "
                    f"SELECT e.document_id FROM {self.entry} e WHERE {in_window} "
                    f"AND e.document_id IN (SELECT document_id FROM candidates) AND e.vector @@ {full} "
                    f"UNION ALL SELECT NULL WHERE NOT {in_window}"
                )
                probe_params = [*pairs_params, window + 1, window, *params, window]
        elif index is RECOMMENDATIONS:
            # Their pairs' index (decisions 0012) hands over only the rows
            # holding a phrase's pairs, where the words' index intersected
            # the words' long lists ("national referral mechanism", in no
            # recommendation: 4 ms at a million).
            pairs, pairs_params = self.pairs_sql(parsed, column="pairs")
            if pairs:
                probe = f"{plain[0]} AND {pairs} LIMIT %s"
                probe_params = [*plain[1], *pairs_params, window + 1]
        if probe is None:
            probe, probe_params = f"{plain[0]} LIMIT %s", [*plain[1], window + 1]
        with connections[using].cursor() as cursor:
            cursor.execute(probe, probe_params)
            ids = [pk for (pk,) in cursor.fetchall()]
        if len(ids) > window or None in ids:
            return None, plain
        return ids, None

    def exclusion_sql(self, parsed, index=DOCUMENTS):
        any_excluded, params = self._combine([parsed.excluded])
        return f"SELECT {index.vector_key} FROM {index.vector_table} WHERE vector @@ {any_excluded}", params

    # A tier whose matches the planner estimates above this many times the
    # limit is read newest first along the primary key (stopping at the limit);
    # a sparser one through its GIN index, then sorted.
    DENSE_FACTOR = 10
    # ...or in more than this share of all entries, however few they are: the
    # walk then finds its matches within ten times as many rows, where the
    # planner, with a small table, scans every entry and reads each one's
    # large vector (a word in a fifth of 10,000 documents: 51 → 21 ms).
    DENSE_SHARE = 0.1
    # How far a dense tier walks before it asks the index (see candidates).
    WALK_IDS = 10_000
    # ...if the newest this many held enough matches; otherwise only these.
    SHORT_WALK_IDS = 1_000

    def _estimated_matches(self, cursor, tiers):
        """The planner's estimate of each tier's matches, from one EXPLAIN
        (planning only: no row is read). Phrases of common words are where
        PostgreSQL's own choice under a LIMIT goes wrong, scanning the whole
        table for a rare phrase; deciding here keeps both cases bounded."""
        selects = ", ".join(f"(SELECT COUNT(*) FROM {self.entry} e WHERE {condition})" for condition, _ in tiers)
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT {selects}", [value for _, params in tiers for value in params])
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        estimates = []

        def walk(node):
            if node.get("Relation Name") == self.entry and node.get("Node Type") != "Bitmap Index Scan":
                estimates.append(node.get("Plan Rows", 0))
                return
            for child in node.get("Plans", ()):
                walk(child)

        walk(plan[0]["Plan"])
        return estimates if len(estimates) == len(tiers) else [0] * len(tiers)

    # How many of the newest entries are read to measure how common several
    # words are together in titles and summaries (see _probed_matches).
    PROBE_ROWS = 1000

    def _probed_matches(self, cursor, words, words_params):
        """Matches of WORDS in the title tier (vector_a) and the title and
        summary tier (vector_ab), scaled up from the newest PROBE_ROWS entries:
        where a dense tier's walk starts. The planner multiplies the words'
        frequencies as if they were independent, and words that go together
        ("national referral mechanism": 65,660 titles in a million, estimated
        at 292) were then read through the index, every match fetched and
        sorted (230 ms), instead of walked newest first (a few ms)."""
        cursor.execute(
            f"SELECT (SELECT reltuples FROM pg_class WHERE oid = %s::regclass), COUNT(*), "
            f"COUNT(*) FILTER (WHERE s.vector_a @@ {words}), COUNT(*) FILTER (WHERE s.vector_ab @@ {words}) "
            f"FROM (SELECT vector_a, vector_ab FROM {self.entry} ORDER BY document_id DESC LIMIT %s) s",
            [self.entry, *words_params, *words_params, self.PROBE_ROWS],
        )
        entries, probed, in_a, in_ab = cursor.fetchone()
        scale = max(entries, probed) / probed if probed else 0
        return in_a * scale, in_ab * scale

    def candidates(self, cursor, parsed, filters, limit):
        full, full_params = self.query(parsed)
        positive, positive_params = self._combine(parsed.clauses)
        where, where_params = self.filters_sql(filters)

        # A match in vector_a or vector_ab is a match in `vector` too (it starts
        # with the same lexemes at the same positions): only excluded words
        # need the large vector read.
        excluded_sql, excluded_params = "", []
        if parsed.excluded:
            any_excluded, excluded_params = self._combine([parsed.excluded])
            excluded_sql = f" AND NOT e.vector @@ {any_excluded}"
        conditions = [
            (f"e.vector_a @@ {positive}{excluded_sql}", [*positive_params, *excluded_params]),
            (f"e.vector_ab @@ {positive}{excluded_sql}", [*positive_params, *excluded_params]),
            (f"e.vector @@ {full}", full_params),
        ]
        # Estimated on the words that must match: an excluded word removes few
        # rows but makes each one expensive to read, so it never makes a tier
        # sparse. A phrase is estimated as its words: PostgreSQL guesses a
        # phrase of common words to be rare, and reading all its candidates
        # through the index then costs one large vector per document.
        words, words_params = self._combine(parsed.clauses, words_only=True)
        kind = filters.get("kind") or None
        pairs, pairs_params = self.pairs_sql(parsed, kind=kind)
        estimated_pairs, estimated_pairs_params = self.pairs_sql(parsed, kind=kind, estimated=True)
        *estimates, entries, with_pairs = self._estimated_matches(
            cursor,
            [
                (f"e.vector_a @@ {words}", words_params),
                (f"e.vector_ab @@ {words}", words_params),
                (f"e.vector @@ {words}", words_params),
                ("true", []),
                (estimated_pairs or "true", estimated_pairs_params),
            ],
        )

        # Not for a symbol: its decisions are found by symbol (one query of
        # the page's eight), and its parts ("pc", "dec", "557") go together
        # only in the few documents that cite it.
        several_words = sum(len(term.text.split()) for term in parsed.positive_terms) > 1
        if several_words and not parsed.names_a_symbol and min(estimates[:2]) <= self.DENSE_FACTOR * limit:
            probed = self._probed_matches(cursor, words, words_params)
            estimates[:2] = [max(estimate, found) for estimate, found in zip(estimates[:2], probed)]
        # Where a tier's own words index holds fewer documents than the pairs'
        # ("child victims": in one title of 100,000, its pairs in 5,029
        # documents, each then checked: 18 ms), the tier reads that index.
        words_estimates = list(estimates)
        if pairs:
            # Words that are common together, in another order, are a rare
            # phrase: fewer documents hold its pairs than its words. (The
            # planner multiplies the pairs' frequencies, so a common phrase is
            # underestimated too, by less: "national referral mechanism", in
            # 6 % of documents, is still taken as common.)
            estimates = [min(estimate, with_pairs) for estimate in estimates]

        # A dense tier walks the newest WALK_IDS ids at most; past them its
        # matches come from the index. So an estimate that was wrong (words
        # common alone and rare together: "PC.DEC/557" walked all of a million
        # documents for 5 s) costs a bounded walk, not a walk of the library.
        # The newest id, read once (the CTE newest_id below).
        max_id = "(SELECT id FROM newest_id)"
        walk_end = f"{max_id} - %s"

        def tier(name, condition, params, estimate, n, vector, words_estimate):
            """(the tier's SQL, its params, its walk's end: the CTE NAME_end
            and its params, or None when it is read from an index)."""
            # A phrase whose pairs the index holds for fewer documents than its
            # words: the pairs among the newest ids are read first, as a dense
            # tier would walk them, from the newest bands of ids (migration
            # 0023), and each checked in turn. A walk read every newest entry's
            # vector (the whole text's tier: 2,650 for its 201 at a million,
            # 13.6 ms); the pairs' index asked for the newest bands hands over
            # only those holding the pairs, the same the walk would find.
            reads_pairs = bool(pairs) and with_pairs <= words_estimate
            dense = not reads_pairs and (
                estimate > self.DENSE_FACTOR * limit or estimate > self.DENSE_SHARE * entries
            )
            # In a form the planner cannot turn into an index condition or a
            # join: where this code has chosen a walk, the planner, trusting its
            # own estimate for words that go together, would read every match
            # through the index and sort them.
            checked = f"coalesce({condition}, false)"
            # Where a walked tier stops (the CTE below), past which its
            # matches come from an index.
            tier_end = f"(SELECT lo FROM {name}_end)"

            def from_index(below_walk):
                # "+ 0": a filter on the index's matches, not a bitmap of the
                # primary key's million ids ANDed with them.
                def bounded(key):
                    return (f" AND {key} + 0 <= {tier_end}", []) if below_walk else ("", [])

                if parsed.has_phrase:
                    # The planner cannot estimate a phrase (it multiplies its
                    # words' frequencies) and the index cannot tell word order:
                    # asked for a phrase, it hands over every document holding
                    # the words, and each one's vector is read to check the
                    # positions. So an index is asked for the phrase's pairs
                    # of words (or its words, when it has no pairs or the
                    # tier's words are in fewer documents), answered exactly
                    # with no vector read, and each document's phrase
                    # is checked below. The pairs alone: their matches are
                    # already few, and ANDing the words' index costs a bitmap
                    # of every document holding them (65,660 titles: 16 ms).
                    check = f"FROM {self.entry} e JOIN {self.document} d ON d.id = e.document_id WHERE e.document_id = m.id AND {checked}"
                    check_params = params
                else:
                    check, check_params = f"FROM {self.document} d WHERE d.id = m.id", []
                newest_first = "ORDER BY m.id DESC "
                if reads_pairs:
                    # Every tier takes the same pairs' matches: read once (the
                    # CTEs below), each tier sorting its own copy of the ids;
                    # the older ones only when the newest do not give N. (Never
                    # below a walk: such a tier is not walked.)
                    older = "(SELECT p.id FROM older_pairs p ORDER BY p.id DESC)"
                    newest = "(SELECT p.id FROM newest_pairs p ORDER BY p.id DESC)"
                    matches, matches_params = f"{newest} UNION ALL {older}", []
                    # Newest first already: a sort of both would read the older.
                    newest_first = ""
                else:
                    found, found_params = (f"e.{vector} @@ {words}", words_params) if parsed.has_phrase else (condition, params)
                    bound, bound_params = bounded("e.document_id")
                    matches = f"SELECT e.document_id AS id FROM {self.entry} e WHERE {found}{bound} ORDER BY e.document_id DESC"
                    matches_params = [*found_params, *bound_params]
                # Newest first, each match checked in turn (a LATERAL subquery
                # that cannot be flattened) until N pass: otherwise the planner,
                # expecting many matches, may walk the whole documents table
                # backwards to merge-join a handful of them (360 ms for 60 at a
                # million).
                sql = (
                    f"SELECT m.id FROM ({matches} OFFSET 0) m CROSS JOIN LATERAL ("
                    f"SELECT 1 {check} AND d.status = 'published'{where} OFFSET 0) checked "
                    f"{newest_first}LIMIT %s"
                )
                return sql, [*matches_params, *check_params, *where_params, n]

            if not dense:
                return (*from_index(below_walk=False), None)
            # The walk goes on past the newest SHORT_WALK_IDS ids only if
            # they held enough matches for it to find N within WALK_IDS (half
            # the share that needs, at least one): the planner's estimates do
            # not tell a rare phrase of common words from a common one, and a
            # walk of 10,000 entries for a rare one found 6 matches in two
            # tiers ("forced labour" at a million, 64 ms; its pairs take a few).
            # (The entries alone, drafts and filters aside: a filtered walk
            # goes on as far as an unfiltered one.)
            short = min(self.SHORT_WALK_IDS, self.WALK_IDS)
            enough = max(1, math.ceil(n * short / self.WALK_IDS / 2))
            end = (
                f"{name}_end AS MATERIALIZED (SELECT {max_id} - CASE WHEN (SELECT COUNT(*) FROM ("
                f"SELECT 1 FROM {self.entry} e WHERE e.document_id > {max_id} - %s AND {checked} "
                f"ORDER BY e.document_id DESC LIMIT %s) found) >= %s THEN %s ELSE %s END AS lo), "
            )
            end_params = [short, *params, enough, enough, self.WALK_IDS, short]
            walk = (
                f"SELECT e.document_id AS id FROM {self.entry} e JOIN {self.document} d ON d.id = e.document_id "
                f"WHERE e.document_id > {tier_end} AND {checked} AND d.status = 'published'{where} "
                f"ORDER BY e.document_id DESC LIMIT %s"
            )
            rest, rest_params = from_index(below_walk=True)
            # The index is read only when the walk found fewer than N: the
            # LIMIT stops pulling rows before the second branch starts.
            sql = f"SELECT id FROM (({walk}) UNION ALL ({rest})) walked_first LIMIT %s"
            return sql, [*params, *where_params, n, *rest_params, n], (end, end_params)

        parts = [
            tier("a", *conditions[0], estimates[0], limit, "vector_a", words_estimates[0]),
            tier("ab", *conditions[1], estimates[1], limit, "vector_ab", words_estimates[1]),
            tier("all", *conditions[2], estimates[2], limit + 1, "vector", words_estimates[2]),
        ]
        # Each walked tier's end, worked out once however often it is read.
        ends, ends_params = "", []
        for part in parts:
            if end := part[2]:
                ends += end[0]
                ends_params += end[1]
        # The documents holding the phrases' pairs, for the tiers read from
        # the pairs' index: PostgreSQL computes them when a tier first asks,
        # and once for all three (each tier's own scan of the index read every
        # match's row: three times 4-5 ms for "national referral mechanism"
        # at 100,000 documents). Among the newest WALK_IDS ids first: the
        # index says which entries match, but each one's id is read from its
        # row, and a phrase in 6 % of the library is 6,576 rows at 100,000
        # documents (8 ms) where the tiers need about 200; ANDed with the
        # newest ids' range (the primary key's index), 699 rows (2 ms). The
        # newest ids are asked of the pairs' index too, as their bands
        # (migration 0023): given the range alone, it read the whole list of
        # the phrase's rarer pair first (65,660 entries at a million, 17.7
        # ms). The older ones are read only for a tier that did not find its
        # N there.
        phrase_pairs, phrase_pairs_params = "", []
        if pairs:
            phrase_pairs = (
                f"newest_bands AS MATERIALIZED (SELECT {id_bands_sql(f'{walk_end} + 1', max_id)} AS q), "
                f"newest_pairs AS (SELECT e.document_id AS id FROM {self.entry} e "
                f"WHERE {pairs} AND e.pairs @@ (SELECT q FROM newest_bands) AND e.document_id > {walk_end}), "
                # "+ 0": the index's matches filtered, not ANDed with a range of most ids.
                f"older_pairs AS (SELECT e.document_id AS id FROM {self.entry} e "
                f"WHERE {pairs} AND e.document_id + 0 <= {walk_end}), "
            )
            phrase_pairs_params = [self.WALK_IDS, *pairs_params, self.WALK_IDS, *pairs_params, self.WALK_IDS]
        sql = f"""
            WITH newest_id AS MATERIALIZED (SELECT MAX(document_id) AS id FROM {self.entry}),
            {phrase_pairs}{ends}a_c AS ({parts[0][0]}), ab_c AS ({parts[1][0]}), all_c AS ({parts[2][0]}),
            scored AS (
                SELECT c.id, 0 AS tier, ts_rank(e.vector_ab, {positive}) AS score
                    FROM a_c c JOIN {self.entry} e ON e.document_id = c.id
                UNION ALL
                SELECT c.id, 1, ts_rank(e.vector_ab, {positive}) FROM ab_c c JOIN {self.entry} e ON e.document_id = c.id
                UNION ALL
                SELECT c.id, 2, ts_rank(e.vector_ab, {positive}) FROM all_c c JOIN {self.entry} e ON e.document_id = c.id
            ),
            best AS (SELECT id, tier, score, ROW_NUMBER() OVER (PARTITION BY id ORDER BY tier) AS n FROM scored)
            SELECT id, tier, score, (SELECT COUNT(*) FROM all_c) FROM best WHERE n = 1
            ORDER BY tier, score DESC, id DESC
        """
        params = [
            *phrase_pairs_params,
            *ends_params,
            *parts[0][1],
            *parts[1][1],
            *parts[2][1],
            *positive_params,
            *positive_params,
            *positive_params,
        ]
        cursor.execute(sql, params)
        return cursor.fetchall()

    def snippets(self, cursor, parsed, ids):
        terms, terms_params = self.any_term(parsed)
        options = (
            f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=30, MinWords=12, '
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        sql = f"""
            SELECT a.document_id, 'file', a.id, a.original_name, a.content_type, p.number,
                   ts_headline('english', p.text, {terms}, %s)
            FROM (
                SELECT DISTINCT ON (fa.document_id) fa.document_id, fp.id AS page_id
                FROM {self.attachment} fa JOIN {self.page} fp ON fp.attachment_id = fa.id
                WHERE fa.document_id = ANY(%s::bigint[]) AND fp.vector @@ {terms}
                ORDER BY fa.document_id, fa.is_original DESC, fa.id, fp.number
            ) best
            JOIN {self.page} p ON p.id = best.page_id JOIN {self.attachment} a ON a.id = p.attachment_id
            UNION ALL
            SELECT e.document_id, 'summary', NULL, NULL, NULL, NULL, ts_headline('english', e.b_text, {terms}, %s)
            FROM {self.entry} e WHERE e.document_id = ANY(%s::bigint[]) AND e.b_text <> ''
                AND coalesce(e.vector_ab @@ {terms}, false)
        """
        # Summary snippets only for entries whose title or summary holds a
        # word: ts_headline parses the whole text, and one without a word
        # comes back without a mark, to be dropped (a word found only in the
        # files: 7.0 -> 5.1 ms for this query at 10,000 documents). Checked
        # on each of the page's rows, in a form the planner cannot take to
        # the GIN index (a common word's every entry, ANDed with twenty ids).
        ids = id_array(ids)
        params = [*terms_params, options, ids, *terms_params, *terms_params, options, ids, *terms_params]
        cursor.execute(sql, params)
        return cursor.fetchall()


def id_array(ids):
    """PostgreSQL: IDS as one array literal, for `%s::bigint[]`. Given a list,
    psycopg writes it element by element and checks each with a regular
    expression: 0.14 ms of CPU for 240 ids, 0.06 ms as one literal, and a
    search sends seven such lists (facets, snippets)."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def fts_row_matches(fts, key, match="%s"):
    """SQLite: whether the row KEY matches the FTS5 query MATCH (by default
    the next parameter), asked of the FTS5 table FTS for that row alone.
    With EXISTS (or LIMIT 1), never by joining FTS5 on its rowid: asked
    whether a row matches, FTS5 reads on to the next row that does before it
    checks the bound, and a joined matching row then had it look for its
    next one (through a rare phrase's common words, most of their lists:
    7.5 ms for `PC.DEC/557` at a million documents). FTS5 takes no alias on
    the left of MATCH: the table is named itself."""
    return f"EXISTS (SELECT 1 FROM {fts} WHERE {fts} MATCH {match} AND {fts}.rowid = {key})"


class SQLiteEngine(_Engine):
    vendor = "sqlite"
    fts = DOCUMENTS.fts
    # The symbol, title and summary texts alone, for the first two tiers (0012).
    head_fts = "osce_search_head_fts"
    page_fts = "osce_search_page_fts"
    # bm25 column weights: symbol and title, summary texts, files.
    weights = "10.0, 4.0, 1.0"

    @staticmethod
    def _term(term):
        return '"' + term.text.replace('"', '""') + '"'

    def _positive(self, clauses):
        return " AND ".join("(" + " OR ".join(self._term(term) for term in clause) + ")" for clause in clauses)

    def _excluding(self, parsed):
        return "".join(f" NOT {self._term(term)}" for term in parsed.excluded)

    def query(self, parsed, columns=None, *, excluding=True):
        positive = self._positive(parsed.clauses)
        if columns:
            positive = "{" + " ".join(columns) + "} : (" + positive + ")"
        return "(" + positive + ")" + (self._excluding(parsed) if excluding else "")

    def any_term(self, parsed):
        return " OR ".join(self._term(term) for term in parsed.positive_terms)

    def ids_in(self, column, ids):
        return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(list(ids))

    @staticmethod
    def year_sql(column):
        return f"strftime('%%Y', {column})"

    def match_sql(self, parsed, index=DOCUMENTS):
        # FTS5 keeps the words' positions in its index: a phrase needs no pairs.
        return f"SELECT rowid FROM {index.fts} WHERE {index.fts} MATCH %s", [self.query(parsed)]

    def exclusion_sql(self, parsed, index=DOCUMENTS):
        any_excluded = " OR ".join(self._term(term) for term in parsed.excluded)
        return f"SELECT rowid FROM {index.fts} WHERE {index.fts} MATCH %s", [any_excluded]

    # A query is "common" (see list_matches) when the matches found in
    # PROBE_RUNS evenly spaced runs of PROBE_RUN_IDS ids, scaled up to all the
    # ids, pass COMMON_MATCHES: below that, gathering every match is cheap.
    PROBE_RUNS = 4
    PROBE_RUN_IDS = 500
    # ...and, for a list of one kind, when its own kind's matches are more
    # than this many windows: its count is then settled by the sample
    # (osce_docs/pagination.py: about two windows at a million ids) and its
    # page within a few hundred rows. With fewer, the count and the page each
    # walk most of the kind ("national referral mechanism", in 65,000
    # documents at a million and in no report, read all 80,000 reports
    # twice: 1.5 s), where gathering the matches costs about 3 µs a match
    # (120 ms); with more, gathering costs more than walking
    # ("labour exploitation" in 4,500 reports: 340 ms gathered, 46 walked).
    COMMON_IN_KIND_WINDOWS = 3
    # The kind of the first this many matches of each run is looked up (a
    # common word's 2,000 lookups cost 2 ms).
    KIND_CHECKED = 50
    # Fewer than COMMON_MATCHES, and the list's rows hold enough of them:
    # the list reads the matches once and walks its own order, each row
    # looked up among them (InListOrder), instead of looking up each match
    # and sorting them all (walks_among_matches). Gathering costs about this
    # many times as much a match (about 2-4 µs) as the walk a row (about
    # 0.4 µs). "trafficking" in 9,000 of 10,000 documents: the decisions'
    # first page 34 -> 15 ms (its rows' query 19 -> 1.5 ms), page 40 31 -> 18
    # ms, the recommendations' 23 -> 15 ms; "mc" in 12,600 decisions of
    # 100,000: its rows' query 50 -> 2 ms. (Past COMMON_MATCHES each row is
    # checked against FTS5 instead: reading the matches costs too much.)
    GATHER_TO_WALK_COST = 6
    # The rows a list's page reads, taken above the site's page sizes (25 on
    # the public lists, 50 in the admin), so that the estimate errs towards
    # gathering.
    LARGEST_PAGE = 100

    # A phrase's candidates are checked one by one only when its pairs are
    # held by at most this many: a candidate that matches is found at once,
    # one that does not (few: it holds the pairs) has FTS5 read on to the
    # next row holding the phrase.
    CHECKED_CANDIDATES = 200

    def pairs_query(self, parsed, kind=None):
        """(query, exact): a query of the pairs' index that every document
        matching PARSED (and of KIND) satisfies, from the pairs of each clause
        made of phrases alone (a word alone has no pair), and whether the
        documents it finds all match PARSED too: each clause a phrase of two
        words, nothing excluded. (None, False) when no clause has pairs."""
        clauses, exact = [], not parsed.excluded
        for clause in parsed.clauses:
            alternatives = []
            for term in clause:
                held = sorted(word_pairs.pairs(term.text))
                if not held:
                    exact = False
                    break
                exact = exact and len(held) == 1
                alternatives.append("(" + " AND ".join(f'"{pair}"' for pair in held) + ")")
            else:
                clauses.append("(" + " OR ".join(alternatives) + ")")
        if not clauses:
            return None, False
        # A kind is one word of the index (a name no kind has matches nothing
        # in the documents' own filter: left to it).
        if kind and _WORD_PART.fullmatch(kind):
            clauses.append(f'"{word_pairs.kind_word(kind)}"')
        return " AND ".join(clauses), exact

    @staticmethod
    def pairs_index_of(index, kind):
        """(pairs' index, kind its query names) for a phrase in INDEX's rows
        of KIND: a smaller kind's own index, which holds only that kind
        (osce_docs 0022), or the whole index with the kind as one of its
        words."""
        if index is DOCUMENTS and kind in word_pairs.KINDS_APART:
            return word_pairs.kind_pairs_fts(kind), None
        return index.pairs_fts, kind

    def few_phrase_matches(self, cursor, parsed, index, kind, limit):
        """The ids matching PARSED (of KIND), newest first, when few
        documents hold its phrases' pairs (LIMIT, or CHECKED_CANDIDATES when
        each must be checked for the whole query); None when more do, or
        PARSED has no pairs. FTS5 reads a phrase through the whole lists of
        its words ("mechanism referral national", in no document, through
        the 87,000 documents holding its three words at a million); the
        pairs' lists are as short as the phrase is rare."""
        pairs_fts, kind_in_query = self.pairs_index_of(index, kind)
        pairs_match, exact = self.pairs_query(parsed, kind_in_query)
        if pairs_match is None:
            return None
        if not exact:
            limit = min(limit, self.CHECKED_CANDIDATES)
        fts = index.fts
        # One query: the candidates checked only when they are few (NULL
        # says they are not).
        checked = " WHERE few.yes" if exact else f" WHERE few.yes AND {fts_row_matches(fts, 'c.id')}"
        cursor.execute(
            f"""WITH candidate AS MATERIALIZED (
                    SELECT rowid AS id FROM {pairs_fts} WHERE {pairs_fts} MATCH %s
                    ORDER BY rowid DESC LIMIT %s),
                few(yes) AS (SELECT COUNT(*) <= %s FROM candidate)
                SELECT c.id FROM few CROSS JOIN candidate c{checked}
                UNION ALL SELECT NULL FROM few WHERE NOT few.yes""",
            [pairs_match, limit + 1, limit, *([] if exact else [self.query(parsed)])],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        if None in ids:
            return None
        return sorted(ids, reverse=True)

    def list_matches(self, parsed, using, index, kind, window):
        """A phrase held by few documents of KIND is read from the pairs'
        index (few_phrase_matches): (its ids, None). Otherwise (None, a Walk)
        when PARSED is common (expected to match more than COMMON_MATCHES
        rows of INDEX, and more than COMMON_IN_KIND_WINDOWS windows of KIND's
        documents): the list checks its own rows in its order. (ids, None):
        the matches of KIND, when the query is common in the library but
        they are at most WINDOW, read once. Otherwise (None, the matches'
        subquery): FTS5 hands over a rare query's matches from its index at
        once; an InListOrder subquery when the list had better walk its own
        order, each row looked up among them (walks_among_matches)."""
        with connections[using].cursor() as cursor:
            few = self.few_phrase_matches(cursor, parsed, index, kind, window)
        if few is not None:
            return few, None
        matches, of_kind, of_kind_at_least, span, newest_id = self._sampled_matches(using, parsed, index, kind)
        plain = self.match_sql(parsed, index)
        if matches <= self.COMMON_MATCHES:
            walk = self.walks_among_matches(matches, of_kind_at_least, span, window)
            return None, InListOrder(plain) if walk else plain
        if of_kind is None or of_kind > self.COMMON_IN_KIND_WINDOWS * window:
            return None, Walk(newest_id, of_kind_at_least / span if span else 0.0)
        # The kind's ids read from its index, each looked up among the
        # matches (+id: not each match looked up among the kind's ids), once
        # instead of in the count and again in the page ("referral mechanism"
        # in 54 of 80,000 reports at a million: 45 ms, against 80 and 100).
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {self.document} WHERE kind = %s AND +id IN ({plain[0]}) LIMIT %s",
                [kind, *plain[1], window + 1],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        return (None, plain) if len(ids) > window else (ids, None)

    def walks_among_matches(self, matches, in_list, span, window):
        """Whether a list of at most SPAN rows, IN_LIST of them among the
        query's MATCHES (at least, spread along its order), should walk its
        own order looking each row up among the matches rather than gather
        them: the count reads its rows up to the window's matches, the page up
        to its own, each at most the whole list; gathering reads every match.
        Matches bunched at the far end of the list's order (the oldest) make
        the walk read more than that, twice the list at worst."""
        if not matches:
            return False
        wanted = (window + 1, self.LARGEST_PAGE)
        share_read = sum(min(1.0, rows / in_list) if in_list > 0 else 1.0 for rows in wanted)
        return span * share_read <= self.GATHER_TO_WALK_COST * matches

    def _sampled_matches(self, using, parsed, index, kind):
        """How many rows of INDEX match PARSED, at most and at least how
        many of them are KIND's documents (None and all the matches without a
        KIND), scaled up from the matches in PROBE_RUNS runs of ids, the
        span of INDEX's ids and its highest id. FTS5 counts the matches within a range of ids by
        seeking each word's list (a few ms at a million documents); runs
        spread over all the ids, so that a word found only in the newest rows
        is not taken for a common one."""
        # One query: a list filtered by words keeps its query count.
        fts = index.fts
        of_kind = f"(SELECT d.kind = %s FROM {self.document} d WHERE d.id = hit.id)" if kind else "0"
        runs = " UNION ALL ".join(
            f"SELECT rowid AS id, ROW_NUMBER() OVER () AS n FROM {fts} WHERE {fts} MATCH %s AND rowid "
            f"BETWEEN (SELECT lo + {n} * step FROM ends) AND (SELECT lo + {n} * step + MIN(step, %s) - 1 FROM ends)"
            for n in range(self.PROBE_RUNS)
        )
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"WITH bounds(lo, hi) AS ({id_bounds_sql(index.table, index.key)}), "
                f"ends(lo, span, step) AS (SELECT lo, hi - lo + 1, MAX((hi - lo + 1) / %s, 1) FROM bounds) "
                f"SELECT (SELECT span FROM ends), (SELECT lo + span - 1 FROM ends), COUNT(*), TOTAL(n <= %s), "
                f"TOTAL(CASE WHEN n <= %s THEN {of_kind} END) FROM ({runs}) AS hit",
                [
                    self.PROBE_RUNS,
                    self.KIND_CHECKED,
                    self.KIND_CHECKED,
                    *([kind] if kind else []),
                    *[self.query(parsed), self.PROBE_RUN_IDS] * self.PROBE_RUNS,
                ],
            )
            span, newest_id, found, checked, found_of_kind = cursor.fetchone()
        if not found:
            return 0, (0 if kind else None), 0, span or 0, newest_id or 0
        # Runs no longer than their step, so that none is counted twice in a
        # small table.
        step = max(span // self.PROBE_RUNS, 1)
        matches = found * span / min(span, self.PROBE_RUNS * min(step, self.PROBE_RUN_IDS))
        if not kind:
            return matches, None, matches, span, newest_id
        # Two standard deviations above the kind's share of the checked
        # matches: a few of 200 checked decide, and walking a kind for few
        # matches costs about as many times more as gathering many does
        # (1.3-1.5 s walked against 120-190 ms gathered; 46 ms against 330).
        # And below, for a walk among the matches.
        spread = 2 * math.sqrt(found_of_kind)
        at_most = matches * (found_of_kind + spread) / checked
        return matches, at_most, matches * max(0.0, found_of_kind - spread) / checked, span, newest_id

    def candidates(self, cursor, parsed, filters, limit):
        where, where_params = self.filters_sql(filters)
        # A rare phrase's matches (of the kind asked for), from the pairs' index.
        few = self.few_phrase_matches(cursor, parsed, DOCUMENTS, filters.get("kind"), limit)
        if few is not None:
            return self._few_in_tiers(cursor, parsed, few, where, where_params)

        # The FTS table drives (CROSS JOIN keeps it outer) in rowid order, so
        # LIMIT stops the scan after LIMIT published matches.
        def tier(fts, match, n, excluded=("", [])):
            sql = (
                f"SELECT {fts}.rowid AS id FROM {fts} CROSS JOIN {self.document} d "
                f"WHERE {fts} MATCH %s AND d.id = {fts}.rowid AND d.status = 'published'{where}{excluded[0]} "
                f"ORDER BY {fts}.rowid DESC LIMIT %s"
            )
            return sql, [match, *where_params, *excluded[1], n]

        # The head index holds no file text: an excluded word is looked for
        # in everything.
        excluded = ("", [])
        if parsed.excluded:
            exclusion, exclusion_params = self.exclusion_sql(parsed)
            excluded = (f" AND d.id NOT IN ({exclusion})", exclusion_params)
        a_match = self.query(parsed, ["a_text"], excluding=False)
        ab_match = self.query(parsed, ["a_text", "b_text"], excluding=False)
        a_sql, a_params = tier(self.head_fts, a_match, limit, excluded)
        ab_sql, ab_params = tier(self.head_fts, ab_match, limit, excluded)
        all_sql, all_params = tier(self.fts, self.query(parsed), limit + 1)
        sql = f"""
            WITH a_c AS ({a_sql}), ab_c AS ({ab_sql}), all_c AS ({all_sql}),
            tiers AS (
                SELECT id, 0 AS tier FROM a_c UNION ALL SELECT id, 1 FROM ab_c UNION ALL SELECT id, 2 FROM all_c
            )
            SELECT id, MIN(tier), 0.0, (SELECT COUNT(*) FROM all_c) FROM tiers GROUP BY id
            ORDER BY 2, id DESC
        """
        cursor.execute(sql, [*a_params, *ab_params, *all_params])
        rows = cursor.fetchall()
        if 1 < len(rows) and rows[0][3] <= limit and not any(" " in term.text for term in parsed.positive_terms):
            rows = self._ranked(cursor, parsed, rows)
        return rows

    def _few_in_tiers(self, cursor, parsed, ids, where, where_params):
        """The search's candidates among IDS, PARSED's matches: those
        published and within the filters, each in its tier, newest first
        within it. The tiers are asked of FTS5 over a scratch table of these
        rows' symbol, title and summary texts: asked of the head index
        whether one row matches, FTS5 reads on to the next row that does
        (about 0.5 ms a row for "public procurement" at a million documents,
        where most rows hold it in their files only)."""
        cursor.execute(
            f"SELECT d.id, e.a_text, e.b_text FROM json_each(%s) few CROSS JOIN {self.document} d "
            f"CROSS JOIN {self.entry} e WHERE d.id = few.value AND e.document_id = d.id "
            f"AND d.status = 'published'{where}",
            [json.dumps(ids), *where_params],
        )
        rows = cursor.fetchall()
        tier_queries = [self.query(parsed, columns, excluding=False) for columns in (["a_text"], ["a_text", "b_text"])]
        in_a, in_ab = word_pairs.rows_matching(rows, tier_queries)
        tiers = [(pk, 0 if pk in in_a else 1 if pk in in_ab else 2, 0.0, len(rows)) for pk, _a, _b in rows]
        return sorted(tiers, key=lambda row: (row[1], -row[0]))

    def _ranked(self, cursor, parsed, rows):
        """Order each tier by bm25. Only when few documents match: bm25 counts
        every match of every term in the whole index (its IDF), which is what
        must not happen for a word found in most documents; those stay in
        tier, newest first."""
        cursor.execute(
            f"SELECT {self.fts}.rowid, -bm25({self.fts}, {self.weights}) FROM json_each(%s) j CROSS JOIN {self.fts} "
            f"WHERE {self.fts}.rowid = j.value AND {self.fts} MATCH %s",
            [json.dumps([row[0] for row in rows]), self.query(parsed)],
        )
        scores = dict(cursor.fetchall())
        rows = [(pk, tier, scores.get(pk, 0.0), count) for pk, tier, _score, count in rows]
        rows.sort(key=lambda row: (row[1], -row[2], -row[0]))
        return rows

    def snippets(self, cursor, parsed, ids):
        terms = self.any_term(parsed)
        ids_json = json.dumps(list(ids))
        # Each row's match asked alone (fts_row_matches(), or LIMIT 1 for
        # its snippet). A hit's pages are asked in the order its snippet is
        # chosen in (the original's file first, then each file's pages in
        # order), up to the first that matches: each page asked costs FTS5 a
        # seek in the words' lists (every page of the 20 hits' files, 67
        # pages: 1.6 ms for "trafficking" at a million documents; 20 pages,
        # 0.5 ms). The ordered pages' LIMIT -1 keeps SQLite from merging them
        # into the outer query, which would ask every page before sorting them.
        sql = f"""
            WITH best AS (
                SELECT (
                    SELECT ordered.id FROM (
                        SELECT fp.id FROM {self.attachment} fa CROSS JOIN {self.page} fp
                        WHERE fa.document_id = j.value AND fp.attachment_id = fa.id
                        ORDER BY fa.is_original DESC, fa.id, fp.number LIMIT -1
                    ) AS ordered
                    WHERE {fts_row_matches(self.page_fts, "ordered.id")}
                    LIMIT 1
                ) AS page_id
                FROM json_each(%s) j
            )
            SELECT a.document_id, 'file', a.id, a.original_name, a.content_type, p.number,
                   (SELECT snippet({self.page_fts}, 0, %s, %s, ' … ', 30) FROM {self.page_fts}
                    WHERE {self.page_fts} MATCH %s AND {self.page_fts}.rowid = best.page_id LIMIT 1)
            FROM best CROSS JOIN {self.page} p CROSS JOIN {self.attachment} a
            WHERE p.id = best.page_id AND a.id = p.attachment_id
            UNION ALL
            SELECT j.value, 'summary', NULL, NULL, NULL, NULL,
                   (SELECT snippet({self.fts}, 1, %s, %s, ' … ', 30) FROM {self.fts}
                    WHERE {self.fts} MATCH %s AND {self.fts}.rowid = j.value LIMIT 1)
            FROM json_each(%s) j
        """
        # Not narrowed to the summaries that hold a word (the column filter
        # `{b_text} : (...)`), as PostgreSQL's are: asked of a row whose
        # summary lacks them, FTS5 would read on through the word's list to
        # the next row whose summary holds one (see fts_row_matches).
        params = [terms, ids_json, MARK_START, MARK_END, terms, MARK_START, MARK_END, terms, ids_json]
        cursor.execute(sql, params)
        return [row for row in cursor.fetchall() if row[6] is not None]


ENGINES = {"postgresql": PostgreSQLEngine(), "sqlite": SQLiteEngine()}


def engine_for(alias="default"):
    return ENGINES.get(connections[alias].vendor)


# ---------------------------------------------------------------------------
# The entry point every list uses.


def _icontains_fallback(queryset, parsed):
    """Other databases: a word scan, so that the site still works there."""
    from .models import Document

    symbol_lookup = "decision__symbol" if queryset.model is Document else "document_ptr__decision__symbol"
    for term in parsed.positive_terms:
        queryset = queryset.filter(
            Q(title__icontains=term.text) | Q(summary__icontains=term.text) | Q(**{f"{symbol_lookup}__icontains": term.text})
        )
    return queryset


class MatchesEachRow(Func):
    """SQLite: the row matches the FTS5 query, checked for this row alone
    (fts_row_matches(): FTS5 seeks each word's list to its id), so that a
    list walks its own order and stops at its page.

    A query that is its pairs of words exactly (two-word phrases, nothing
    excluded: SQLiteEngine.pairs_query) is checked against the row's pairs
    instead (PAIRS: the pairs' query and FTS5 table): one list to seek, no
    positions to compare ("forced labour": 31 against 55 µs a row at a
    million documents, 26 against 117 at 10,000). Not for longer phrases,
    whose pairs would be a first check: two pairs cost more than the phrase
    at a million (48 against 39 µs a row for "national referral mechanism";
    the list took 45 -> 57 ms).

    In a sampled count's runs of ids (pagination.windowed_count) each run's
    matches are read from FTS5 at once instead, by the run's range of ids.
    And given a WALK (SQLiteEngine.list_matches), a query that reads at most
    so many rows (a page, a capped count) reads the matches among the
    newest ids from FTS5 as one range, enough of them for its rows at the
    list's share of matches (NEWEST_MARGIN times, at most NEWEST_MAX_IDS
    ids), and looks each of those rows up among them; older rows are
    checked one by one. Reading a range costs about 0.1 µs an id at a
    million documents ("trafficking", 40,000 ids: 3.4 ms; "national
    referral mechanism" 1.9 ms), a row checked 30-40 µs, and lists ordered
    by date meet the newest ids first when documents are added as they are
    adopted (in the synthetic corpus the newest 1,000 decisions by date lie
    within 3,100 ids of the newest)."""

    output_field = BooleanField()
    NEWEST_MARGIN = 2
    NEWEST_MAX_IDS = 100_000

    def __init__(self, key, match, fts, pairs=None, walk=None):
        super().__init__(key, Value(match))
        self.fts = fts
        self.pairs = pairs
        self.walk = walk

    def newest_from(self, rows_wanted):
        """The lowest id of the newest range read at once, for a query that
        reads at most ROWS_WANTED of the list's rows; None when unbounded."""
        if self.walk is None or not rows_wanted:
            return None
        per_id = self.walk.matches_per_id
        ids = self.NEWEST_MAX_IDS if per_id <= 0 else min(self.NEWEST_MAX_IDS, self.NEWEST_MARGIN * rows_wanted / per_id)
        return self.walk.newest_id - math.ceil(ids) + 1

    def as_sql(self, compiler, connection, **extra):
        key, key_params = compiler.compile(self.source_expressions[0])
        if self.pairs is not None:
            (match, match_params), fts = ("%s", [self.pairs[0]]), self.pairs[1]
        else:
            (match, match_params), fts = compiler.compile(self.source_expressions[1]), self.fts
        runs = RUNS_BEING_WRITTEN.get()
        if runs is not None and key == runs.key:
            # A sampled count's runs of the same ids (not a subquery's of
            # another table): each run's matches read from FTS5 at once, by
            # its range of ids (one query a run, not one a row). `+`: each row
            # of a run looked up among them, not they driving.
            table = runs.ids_table(
                f"SELECT {fts}.rowid FROM run JOIN {fts} ON {fts} MATCH {match}"
                f" AND {fts}.rowid >= run.lo + %s AND {fts}.rowid < run.lo + %s",
                match_params,
            )
            return f"+{key} IN (SELECT id FROM {table})", key_params
        row_sql, row_params = fts_row_matches(fts, key, match), [*match_params, *key_params]
        newest_from = self.newest_from(compiler.query.high_mark)
        if newest_from is None:
            return row_sql, row_params
        # The range's matches: a subquery of no row, read once.
        return (
            f"CASE WHEN {key} >= %s THEN {key} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {match}"
            f" AND rowid >= %s) ELSE {row_sql} END",
            [*key_params, newest_from, *key_params, *match_params, newest_from, *row_params],
        )


@dataclass(frozen=True)
class Walk:
    """SQLite, a query common in a list (SQLiteEngine.list_matches): the
    list checks its own rows in its order (MatchesEachRow). NEWEST_ID: the
    index's highest id when sampled; MATCHES_PER_ID: the list's matches per
    id of the index, at least (from the sample)."""

    newest_id: int
    matches_per_id: float


class InListOrder(tuple):
    """(sql, params) of a query's matches, for a list that walks its own
    order and looks each row up among them (SQLiteEngine.list_matches)."""


class KeyInMatches(Func):
    """KEY among the matches of an InListOrder subquery, read once. The `+`
    keeps SQLite from driving the list from them (each match looked up, then
    all sorted): with LIST_ORDER_HINT it walks the list's order instead."""

    output_field = BooleanField()

    def __init__(self, key, matches):
        super().__init__(key)
        self.matches = matches

    def as_sql(self, compiler, connection, **extra):
        key, key_params = compiler.compile(self.source_expressions[0])
        sql, params = self.matches
        return f"+{key} IN ({sql})", [*key_params, *params]


class KeyInArray(Func):
    """KEY among IDS, the ids sent as one array parameter (SQLite: a JSON
    array, as the engine's `ids_in`). Written out as `IN (%s, %s, …)`,
    PostgreSQL's 736 ids cost more to send, parse and plan than to run (the
    count's subqueries hold them three times: its query 4 -> 15 ms). Not
    PostgreSQL's `ids_in`, whose subquery hides the ids from the planner: the
    list's count and page read them through the key's index."""

    output_field = BooleanField()

    def __init__(self, key, ids):
        super().__init__(key)
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra):
        key, key_params = compiler.compile(self.source_expressions[0])
        return f"{key} = ANY(%s::bigint[])", [*key_params, id_array(self.ids)]

    def as_sqlite(self, compiler, connection, **extra):
        key, key_params = compiler.compile(self.source_expressions[0])
        sql, ids = engine_for(connection.alias).ids_in(key, self.ids)
        return sql, [*key_params, ids]


def filter_documents(queryset, query):
    """QUERYSET narrowed to the documents matching QUERY, in the caller's order.

    A query with nothing to search (empty, only common words) leaves the
    queryset as it is; a query that only excludes words keeps the documents
    without them. Whether a document is published is the caller's filter
    (`.published()`), as everywhere."""
    parsed = parse_query(query)
    if parsed.is_empty:
        return queryset
    if engine_for(queryset.db) is None:
        return _icontains_fallback(queryset, parsed)
    return _filter_by_index(queryset, parsed, DOCUMENTS)


def filter_recommendations(queryset, query):
    """Recommendations whose own text matches QUERY (`Recommendation.objects.search`),
    read as every list reads words: every clause (a word, a "phrase", words
    joined by "or") matches, no -word does; word forms match. Over their own
    full-text index (decisions migration 0010)."""
    parsed = parse_query(query)
    if parsed.is_empty:
        return queryset
    if engine_for(queryset.db) is None:
        for clause in parsed.clauses:
            either = Q()
            for term in clause:
                either |= Q(text__icontains=term.text)
            queryset = queryset.filter(either)
        for term in parsed.excluded:
            queryset = queryset.exclude(text__icontains=term.text)
        return queryset
    return _filter_by_index(queryset, parsed, RECOMMENDATIONS)


def _filter_by_index(queryset, parsed, index):
    engine = engine_for(queryset.db)
    if not parsed.has_positive:
        sql, params = engine.exclusion_sql(parsed, index)
        return queryset.exclude(pk__in=RawSQL(sql, params))
    # A list of one kind (decisions, reports, ...) asks for its own kind's
    # matches where the index knows kinds (PostgreSQL's pairs: migration 0017)
    # or how common they are in its kind (SQLite).
    kind = getattr(queryset.model, "DOCUMENT_KIND", None) if index is DOCUMENTS else None
    ids, subquery = engine.list_matches(parsed, queryset.db, index, kind, result_window())
    if ids is not None:
        return queryset.filter(KeyInArray(F("pk"), ids)) if ids else queryset.none()
    if isinstance(subquery, Walk):
        # SQLite, a common query: a list ordered by date would otherwise
        # gather every match (900,000 for "trafficking" at a million
        # documents), look each one up and sort them: 1.2 s for its first
        # page, 2.5 s for its 100th. Without the hint SQLite checked every
        # published document, then sorted (23 s).
        pairs_match, exact = engine.pairs_query(parsed)
        pairs = (pairs_match, index.pairs_fts) if exact else None
        return queryset.filter(
            LIST_ORDER_HINT, MatchesEachRow(F("pk"), engine.query(parsed), index.fts, pairs, walk=subquery)
        )
    if isinstance(subquery, InListOrder):
        return queryset.filter(LIST_ORDER_HINT, KeyInMatches(F("pk"), subquery))
    return queryset.filter(pk__in=RawSQL(*subquery))


# ---------------------------------------------------------------------------
# The search page: ranked hits, snippets and facets.


@dataclass
class Hit:
    document: object
    summary_snippet: str = ""
    file_snippet: str = ""
    file_name: str = ""
    file_url: str = ""
    file_page: int | None = None
    symbol_match: bool = False


@dataclass
class SearchResults:
    parsed: ParsedQuery
    hits: list = field(default_factory=list)
    total: int = 0
    # True when more documents match than were ranked (then `total` is the number ranked).
    more: bool = False
    facets: dict = field(default_factory=dict)
    page_number: int = 1
    num_pages: int = 1
    per_page: int = 20

    @property
    def messages(self):
        return self.parsed.messages

    @property
    def has_previous(self):
        return self.page_number > 1

    @property
    def has_next(self):
        return self.page_number < self.num_pages


class PageOutOfRange(Exception):
    pass


def _marked_html(text):
    """A snippet from the database as safe HTML: escaped first, then marked."""
    if not text or MARK_START not in text:
        return ""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


def _download_url(attachment_id, name):
    from django.urls import NoReverseMatch

    from .reversing import reverse_file

    try:
        return reverse_file("core:attachment_download", attachment_id, name)
    except NoReverseMatch:
        return ""


def _symbol_hit_ids(named, filters):
    """Published decisions with the symbol or number NAMED (looks_like_symbol's reading of the query), by symbol."""
    from decisions.models import Decision

    if named is None or (filters.get("kind") and filters["kind"] != "decision"):
        return []
    decisions = Decision.objects.published()
    if named[0] == "number":
        # Spelled out so that the (body, year, number) index serves both bodies.
        decisions = decisions.filter(Q(body="PC", year__isnull=True, number=named[1]) | Q(body="MC", number=named[1]))
    else:
        decisions = decisions.named_or_amending(named[1])
    if filters.get("year"):
        decisions = decisions.filter(published_on__year=int(filters["year"]))
    if filters.get("country"):
        decisions = decisions.filter(states__iso2=filters["country"].upper())
    if filters.get("topic"):
        decisions = decisions.filter(topics__slug=filters["topic"])
    if filters.get("language"):
        decisions = decisions.filter(attachments__language=filters["language"])
    return list(dict.fromkeys(decisions.by_symbol().values_list("pk", flat=True)[: settings.SEARCH_CANDIDATES]))


def _facet_lists(rows):
    from .languages import language_name
    from .models import DocumentKind

    facets = {"kind": [], "year": [], "country": [], "topic": [], "language": []}
    kind_labels = dict(DocumentKind.choices)
    for name, value, label, count in rows:
        value = str(value)
        if name == "kind":
            label = kind_labels.get(value, value)
        elif name == "language":
            label = language_name(value)
        elif name == "year":
            label = value
        facets[name].append({"value": value, "label": label, "count": count})
    for name, items in facets.items():
        if name == "year":
            items.sort(key=lambda item: item["value"], reverse=True)
        else:
            items.sort(key=lambda item: (-item["count"], str(item["label"])))
    return facets


class SearchTooSlow(Exception):
    pass


@contextlib.contextmanager
def time_limit(using, milliseconds):
    """Stop the queries inside after MILLISECONDS (SearchTooSlow): PostgreSQL's
    statement_timeout for this transaction only, SQLite's progress handler."""
    connection = connections[using]
    if not milliseconds or connection.vendor not in {"postgresql", "sqlite"}:
        yield
        return
    if connection.vendor == "postgresql":
        from psycopg import pq
        from psycopg.errors import QueryCanceled

        # For this session until reset below: two short queries, no savepoint.
        # (Stopped inside a transaction, the transaction is lost: search runs
        # in autocommit, outside one.)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, false)",
                [str(int(milliseconds))],
            )
            before = cursor.fetchone()[0]
        try:
            yield
        except OperationalError as error:
            if isinstance(error.__cause__, QueryCanceled):
                raise SearchTooSlow from error
            raise
        finally:
            if connection.connection.info.transaction_status != pq.TransactionStatus.INERROR:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, false)", [before])
        return
    connection.ensure_connection()
    deadline = time.monotonic() + milliseconds / 1000
    connection.connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        yield
    except OperationalError as error:
        if "interrupted" in str(error) and time.monotonic() > deadline:
            raise SearchTooSlow from error
        raise
    finally:
        connection.connection.set_progress_handler(None, 0)


def search_documents(query, *, filters=None, page=1, per_page=20, using="default"):
    """The search page's results for QUERY among published documents, ranked,
    with snippets and facet counts. FILTERS narrows them (kind, year,
    country, topic, language). Raises PageOutOfRange for a page past the end."""
    from .models import Document

    filters = {name: value for name, value in (filters or {}).items() if value}
    parsed = parse_query(query)
    results = SearchResults(parsed=parsed, per_page=per_page)
    engine = engine_for(using)
    if engine is None or not parsed.has_positive:
        return results
    limit = settings.SEARCH_CANDIDATES
    named = looks_like_symbol(query)
    parsed.names_a_symbol = named is not None
    symbol_ids = _symbol_hit_ids(named, filters)
    with connections[using].cursor() as cursor:
        # Only a phrase can make the engines read every document holding its
        # words; words alone are read newest first or through the index, bounded.
        try:
            with time_limit(using, settings.SEARCH_TIME_LIMIT_MS if parsed.has_phrase else 0):
                ranked = engine.candidates(cursor, parsed, filters, limit)
        except SearchTooSlow:
            parsed.messages.append(
                _(
                    "This search took too long and was stopped. Try rarer words, fewer words, "
                    "or the words without quotes, or narrow it with the filters."
                )
            )
            return results
        all_matches = ranked[0][3] if ranked else 0
        symbol_set = set(symbol_ids)
        ordered = symbol_ids + [row[0] for row in ranked if row[0] not in symbol_set]
        results.more = all_matches > limit
        results.total = len(ordered)
        if not ordered:
            return results
        results.num_pages = max(1, -(-len(ordered) // per_page))
        if page < 1 or page > results.num_pages:
            raise PageOutOfRange(page)
        results.page_number = page
        page_ids = ordered[(page - 1) * per_page : page * per_page]
        results.facets = _facet_lists(engine.facets(cursor, ordered))
        snippet_rows = engine.snippets(cursor, parsed, page_ids)
    from django.db.models import F

    documents = Document.objects.filter(pk__in=page_ids).annotate(card_symbol=F("decision__symbol"))
    by_id = {document.pk: document for document in documents}
    hits = {pk: Hit(document=by_id[pk], symbol_match=pk in symbol_set) for pk in page_ids if pk in by_id}
    for document_id, source, attachment_id, name, content_type, number, text in snippet_rows:
        hit = hits.get(document_id)
        if hit is None:
            continue
        html = _marked_html(text)
        if source == "summary":
            hit.summary_snippet = html
        elif html:
            from .filetypes import PDF

            hit.file_snippet = html
            hit.file_name = name
            hit.file_page = number if content_type == PDF else None
            hit.file_url = _download_url(attachment_id, name)
    results.hits = [hits[pk] for pk in page_ids if pk in hits]
    return results

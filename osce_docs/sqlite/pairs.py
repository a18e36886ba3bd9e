"""SQLite: the pairs of neighbouring words of each document, for phrases of
common words (migration 0018; PostgreSQL's counterpart is migration 0016).

FTS5 answers a phrase by reading the lists of its words, with their
positions, in the order of the ids: a phrase of common words that few
documents hold ("mechanism referral national" at a million documents) is
read through every document holding its words to find none. The pairs'
index holds, for each document, every two words that follow each other in
one of its texts ('referr_mechan'), without positions: a phrase's pairs are
few documents when the phrase is, and those are checked for the phrase.

The words are FTS5's own, so that a document that matches a phrase always
holds the phrase's pairs, whatever the words' forms or alphabet: a text is
cut where FTS5 cuts it (checked against FTS5 for each character met), and
each word is looked up once in FTS5 with the documents' tokenizer (porter
stems), in a scratch in-memory table read back through `fts5vocab` (see
words()). The same scratch connection answers, for a few rows, which of them
match a query (rows_matching(): the search page's tiers). The index is kept
by triggers that call `osce_search_pairs()`, registered on every connection
(osce_docs/sqlite/base.py): a program that writes search entries through
another connection (the `sqlite3` shell) is refused with "no such function"."""

import importlib
import logging
import re
import sqlite3
import threading

logger = logging.getLogger(__name__)

TOKENIZE = importlib.import_module("osce_docs.migrations.0005_search")._TOKENIZE
_by_kind = importlib.import_module("osce_docs.migrations.0022_sqlite_search_pairs_by_kind")
# The kinds whose documents' pairs also have an index of their own (0022),
# and its name.
KINDS_APART = tuple(_by_kind.SMALL_KINDS)
kind_pairs_fts = _by_kind.kind_pairs_fts
# The indexes of the search entries' pairs: the whole library's (0018), its
# documents' kinds among the words, then each smaller kind's own (0022).
# (index, the kind it holds (None: every kind), the pairs function's
# arguments from an entry's columns)
ENTRY_INDEXES = (
    ("osce_search_pairs_fts", None, "kind, a_text, b_text, c_text"),
    *((kind_pairs_fts(kind), kind, "NULL, a_text, b_text, c_text") for kind in KINDS_APART),
)
FUNCTION = "osce_search_pairs"
# A pair's two words, joined by a character no word holds (FTS5's unicode61
# words are letters, digits and private-use characters).
JOIN = "_"
# The document's kind, as a word no pair can be (it starts with the join).
KIND_PREFIX = JOIN + "kind" + JOIN

# Runs of letters and digits: where FTS5's unicode61 cuts words, checked
# against FTS5 itself for every word and every other character met (see
# words()).
_WORD = re.compile(r"[^\W_]+")
# Each word met, as FTS5 indexes it (forgotten past this many words).
_indexed_as = {}
KNOWN_WORDS = 200_000
# Characters FTS5 confirmed cut words, characters it keeps inside a word
# although Python's `\w` does not (combining accents, private use), and a
# pattern that finds any character that is neither a confirmed cut nor a
# word character to Python ("_" is one to `\w`).
_separators = set()
_joining = set()
_unconfirmed = re.compile(r"[^\w]|_")

_local = threading.local()


def _scratch():
    scratch = getattr(_local, "connection", None)
    if scratch is None:
        scratch = sqlite3.connect(":memory:")
        scratch.execute(f"CREATE VIRTUAL TABLE words USING fts5(text, content='', {TOKENIZE})")
        scratch.execute("CREATE VIRTUAL TABLE word_at USING fts5vocab(words, 'instance')")
        scratch.execute(f"CREATE VIRTUAL TABLE heads USING fts5(a_text, b_text, content='', {TOKENIZE})")
        _local.connection = scratch
    return scratch


def _tokenized_each(texts):
    """Each of TEXTS's words as FTS5 indexes them, in order: FTS5 itself,
    through a scratch table (about 0.5 ms for 6 kB of text, most of it
    reading the words back)."""
    scratch = _scratch()
    with scratch:
        scratch.executemany("INSERT INTO words(rowid, text) VALUES (?, ?)", enumerate(texts))
        try:
            at = sorted(scratch.execute('SELECT doc, "offset", term FROM word_at'))
        finally:
            scratch.execute("INSERT INTO words(words) VALUES ('delete-all')")
    each = [[] for _ in texts]
    for doc, _offset, term in at:
        each[doc].append(term)
    return each


def _tokenized(text):
    return _tokenized_each([text])[0]


def _confirm(characters):
    global _unconfirmed
    for character, held in zip(characters, _tokenized_each([f"a{c}a" for c in characters])):
        (_separators if held == ["a", "a"] else _joining).add(character)
    confirmed = "".join(map(re.escape, sorted(_separators)))
    _unconfirmed = re.compile(f"[^\\w{confirmed}]" + ("" if "_" in _separators else "|_"))


def words(text):
    """TEXT's words as FTS5 indexes them, in order. Cut here, and each word
    looked up in what FTS5 made of it once (its stem, its case folding): the
    same as FTS5 gives for the text whenever FTS5 cuts it where Python does,
    which is checked for every character met that is not a word character
    to both, and for every new word (one word to FTS5). Otherwise (a
    combining accent after a letter, a private-use character) the text is
    tokenized by FTS5 whole."""
    if not text:
        return []
    if _unconfirmed.search(text):
        others = set(_WORD.sub("", text))
        if others - _separators - _joining:
            _confirm(sorted(others - _separators - _joining))
        if others & _joining:
            return _tokenized(text)
    found = _WORD.findall(text)
    try:
        # Every word seen before (nearly every text once the index holds a
        # few hundred documents): 15 % of the pairs' Python time.
        return [_indexed_as[word] for word in found]
    except KeyError:
        pass
    # This text's own words: the shared ones may be forgotten meanwhile.
    indexed_as = {word: _indexed_as.get(word) for word in set(found)}
    new = [word for word, term in indexed_as.items() if term is None]
    if new:
        indexed = _tokenized_each(new)
        if any(len(held) != 1 for held in indexed):
            return _tokenized(text)
        learnt = {word: held[0] for word, held in zip(new, indexed)}
        indexed_as.update(learnt)
        if len(_indexed_as) + len(learnt) > KNOWN_WORDS:
            _indexed_as.clear()
        _indexed_as.update(learnt)
    return [indexed_as[word] for word in found]


def rows_matching(rows, queries):
    """For each of QUERIES (FTS5 queries of the columns a_text and b_text),
    the ids of ROWS ((id, a_text, b_text)) that match it: FTS5 itself, over
    a scratch table of these rows alone."""
    scratch = _scratch()
    with scratch:
        scratch.executemany("INSERT INTO heads(rowid, a_text, b_text) VALUES (?, ?, ?)", rows)
        try:
            matching = "SELECT rowid FROM heads WHERE heads MATCH ?"
            return [{pk for (pk,) in scratch.execute(matching, (query,))} for query in queries]
        finally:
            scratch.execute("INSERT INTO heads(heads) VALUES ('delete-all')")


def pairs(text):
    """TEXT's pairs of neighbouring words, as the index holds them."""
    try:
        held = words(text)
    except Exception:
        # Called by the index's triggers: a failure here would refuse the write.
        logger.exception("Words cut for the pairs' index failed: the text was tokenized by FTS5 whole")
        held = _tokenized(text)
    return set(map(JOIN.join, zip(held, held[1:])))


def document_pairs(kind, *texts):
    """What the index holds for a document of KIND with TEXTS: its texts'
    pairs (a phrase never spans two texts) and its kind, space-separated.
    Without a KIND, what its kind's own index holds (0022)."""
    held = set()
    for text in texts:
        held |= pairs(text)
    if kind:
        held.add(kind_word(kind))
    return " ".join(held)


def with_kind(held, kind):
    """What the whole library's index holds for a document of KIND whose own
    kind's index holds HELD (document_pairs without a kind)."""
    return f"{held} {kind_word(kind)}" if kind else held


def kind_word(kind):
    return KIND_PREFIX + kind


def register(connection):
    # osce_search_pairs(kind, text, ...): the kind may be NULL.
    connection.create_function(FUNCTION, -1, document_pairs)

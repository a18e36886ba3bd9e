"""SQLite: the pairs of neighbouring words of each document, for phrases of
common words (migration 0018; PostgreSQL's counterpart is migration 0016).

FTS5 answers a phrase by reading the lists of its words, with their
positions, in the order of the ids: a phrase of common words that few
documents hold ("mechanism referral national" at a million documents) is
read through every document holding its words to find none. The pairs'
index holds, for each document, every two words that follow each other in
one of its texts ('referr_mechan'), without positions: a phrase's pairs are
few documents when the phrase is, and those are checked for the phrase.

The words are FTS5's own: each text is tokenized by FTS5 itself, with the
documents' tokenizer (porter stems), in a scratch in-memory table read back
through `fts5vocab`, so that a document that matches a phrase always holds
the phrase's pairs, whatever the words' forms or alphabet. The index is kept
by triggers that call `osce_search_pairs()`, registered on every connection
(osce_docs/sqlite/base.py): a program that writes search entries through
another connection (the `sqlite3` shell) is refused with "no such function"."""

import importlib
import sqlite3
import threading

TOKENIZE = importlib.import_module("osce_docs.migrations.0005_search")._TOKENIZE
FUNCTION = "osce_search_pairs"
# A pair's two words, joined by a character no word holds (FTS5's unicode61
# words are letters, digits and private-use characters).
JOIN = "_"
# The document's kind, as a word no pair can be (it starts with the join).
KIND_PREFIX = JOIN + "kind" + JOIN

_local = threading.local()


def _scratch():
    scratch = getattr(_local, "connection", None)
    if scratch is None:
        scratch = sqlite3.connect(":memory:")
        scratch.execute(f"CREATE VIRTUAL TABLE words USING fts5(text, content='', {TOKENIZE})")
        scratch.execute("CREATE VIRTUAL TABLE word_at USING fts5vocab(words, 'instance')")
        _local.connection = scratch
    return scratch


def words(text):
    """TEXT's words as FTS5 indexes them, by position."""
    if not text:
        return {}
    scratch = _scratch()
    with scratch:
        scratch.execute("INSERT INTO words(rowid, text) VALUES (1, ?)", (text,))
        try:
            return {offset: term for term, offset in scratch.execute('SELECT term, "offset" FROM word_at')}
        finally:
            scratch.execute("INSERT INTO words(words) VALUES ('delete-all')")


def pairs(text):
    """TEXT's pairs of neighbouring words, as the index holds them."""
    by_position = words(text)
    return {by_position[at] + JOIN + by_position[at + 1] for at in by_position if at + 1 in by_position}


def document_pairs(kind, *texts):
    """What the index holds for a document of KIND with TEXTS: its texts'
    pairs (a phrase never spans two texts) and its kind, space-separated."""
    held = set()
    for text in texts:
        held |= pairs(text)
    if kind:
        held.add(KIND_PREFIX + kind)
    return " ".join(held)


def kind_word(kind):
    return KIND_PREFIX + kind


def register(connection):
    connection.create_function(FUNCTION, 4, document_pairs)

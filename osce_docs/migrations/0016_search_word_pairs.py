"""PostgreSQL: each document's pairs of neighbouring words, in a column with
its own GIN index, so that the index can answer a phrase.

A GIN index knows which documents hold a word, not where: asked for
"mechanism referral national", it handed over every document holding the
three words (87,000 at a million), and each one's vector was read to check
their order: 3 s. `pairs` holds, as lexemes without positions, every two
words that follow each other ('referr mechan') or have one word between
them ('victim . traffick', for "victims of trafficking": the English
configuration drops "of" but keeps its place), built from the same vector
as `vector` and its positions. A phrase's candidates on the search page are
then the documents holding its pairs (`osce_search_pairs` turns the phrase's
tsquery into its pairs), and only those are checked for the whole phrase.

The pairs never change what matches, only what is read: a document that
matches a phrase holds all its pairs. A pair of two words longer than 1,000
bytes together is left out on both sides. A document whose pairs would pass
PostgreSQL's 1 MB limit for a tsvector, or with more than 16,383 words (past
which PostgreSQL records no positions), keeps none and says so
(' pairs left out', which no word can be); phrase queries accept it and
check its text, as they did every document's before.

The pairs are a column of their own, not lexemes added to `vector`: there
they made every vector four times larger, and everything that reads
vectors row by row (a list filtered by a common word) slower. Writing a
document of 2 kB of text costs about 1.5 ms more: 0.8 ms to parse its text
a second time and pair its words, 0.75 ms to keep the index (which
`seed_demo` drops while it loads). SQLite is unchanged: FTS5 keeps word
positions in its index."""

import importlib

from django.db import migrations

vectors = importlib.import_module("osce_docs.migrations.0007_search_vectors")

WORD_PAIRS = "osce_search_word_pairs"
PAIRS = "osce_search_pairs"
# Longer pairs are left out of documents and queries alike.
PAIR_BYTES = 1000
LEFT_OUT = " pairs left out"

# Each position's word paired with the next one or two positions' (a
# document's positions are its own: English stems hold one word each, A, B
# and C follow each other), in one sort of the document's words.
CREATE_WORD_PAIRS = f"""
    CREATE FUNCTION {WORD_PAIRS}(words tsvector) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
            -- Past position 16,383 PostgreSQL puts every word at that one
            -- position; a tsvector holds at most 1 MB (a lexeme: its bytes and 8).
            WHEN bool_or(past_last) OR coalesce(sum(octet_length(pair) + 8), 0) >= 900000
                THEN array_to_tsvector('{{"{LEFT_OUT}"}}')
            ELSE array_to_tsvector(coalesce(array_agg(pair) FILTER (WHERE pair IS NOT NULL), '{{}}')) END
        FROM (
            SELECT position >= 16383 AS past_last, unnest(ARRAY[
                       CASE WHEN octet_length(word) + octet_length(next1) > {PAIR_BYTES} THEN NULL
                            WHEN position1 = position + 1 THEN word || ' ' || next1
                            WHEN position1 = position + 2 THEN word || ' . ' || next1 END,
                       CASE WHEN position2 = position + 2 AND octet_length(word) + octet_length(next2) <= {PAIR_BYTES}
                            THEN word || ' . ' || next2 END]) AS pair
            FROM (
                SELECT w.lexeme AS word, position,
                       lead(position) OVER later AS position1, lead(w.lexeme) OVER later AS next1,
                       lead(position, 2) OVER later AS position2, lead(w.lexeme, 2) OVER later AS next2
                FROM unnest(words) w CROSS JOIN LATERAL unnest(w.positions) position
                WINDOW later AS (ORDER BY position)
            ) neighbours
        ) pairs
    $$"""

# PHRASE's pairs, as phraseto_tsquery() wrote it ('victim' <2> 'traffick'),
# joined by &, or NULL when it has none (one word; words further apart).
CREATE_PAIRS = f"""
    CREATE FUNCTION {PAIRS}(phrase tsquery) RETURNS tsquery LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
        chain text := phrase::text;
        step text[];
        previous text;
        pairs text[] := '{{}}';
    BEGIN
        IF chain !~ '^''(?:[^'']|'''')*''(?: <(?:-|\\d+)> ''(?:[^'']|'''')*'')+$' THEN
            RETURN NULL;
        END IF;
        FOR step IN SELECT regexp_matches(chain, '(?:<(-|\\d+)> )?''((?:[^'']|'''')*)''', 'g') LOOP
            IF previous IS NOT NULL AND step[1] IN ('-', '2')
               AND octet_length(replace(previous, '''''', '''')) + octet_length(replace(step[2], '''''', '''')) <= {PAIR_BYTES} THEN
                pairs := pairs || ('''' || previous || CASE step[1] WHEN '-' THEN ' ' ELSE ' . ' END || step[2] || '''');
            END IF;
            previous := step[2];
        END LOOP;
        IF cardinality(pairs) = 0 THEN
            RETURN NULL;
        END IF;
        RETURN array_to_string(pairs, ' & ')::tsquery;
    END
    $$"""


def _vector():
    words = vectors._words
    return f"{words('a_text', 'A')} || {words('b_text', 'B')} || {words('c_text', 'C')}"


FORWARD = [
    CREATE_WORD_PAIRS,
    CREATE_PAIRS,
    f"ALTER TABLE osce_docs_searchentry ADD COLUMN pairs tsvector GENERATED ALWAYS AS ({WORD_PAIRS}({_vector()})) STORED",
    "CREATE INDEX osce_search_pairs ON osce_docs_searchentry USING gin (pairs)",
    # The planner's list of the commonest pairs: 10,000 instead of 1,000, so
    # that a pair outside it (estimated at half the least common one's share)
    # reads as rare: "mechanism referral national" was estimated at 5,025
    # documents of a million, and walked as common.
    "ALTER TABLE osce_docs_searchentry ALTER COLUMN pairs SET STATISTICS 1000",
]
BACKWARD = [
    "ALTER TABLE osce_docs_searchentry DROP COLUMN IF EXISTS pairs",
    f"DROP FUNCTION IF EXISTS {PAIRS}(tsquery)",
    f"DROP FUNCTION IF EXISTS {WORD_PAIRS}(tsvector)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0015_attachment_uploaded_at"),
    ]

    operations = [
        migrations.RunPython(vectors._on_postgresql(FORWARD), vectors._on_postgresql(BACKWARD)),
    ]

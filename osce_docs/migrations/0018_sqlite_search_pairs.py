"""SQLite: an FTS5 index of each document's pairs of neighbouring words and
its kind, so that a phrase of common words is read from its pairs (see
osce_docs/sqlite/pairs.py; PostgreSQL has had its own since 0016 and 0017).

The index holds no positions and no copy of the texts (`detail=none`,
`content=''`): a pair is a word of its own, 'referr_mechan', which the
`ascii` tokenizer with `_` as a word character keeps whole. Removing a
document's pairs gives FTS5 the same words again, computed from the old
texts by the same function. Filled from the entries as they are: one
document's pairs cost about 0.4 ms of Python for 6 kB of text (its words
cut, each new word looked up in FTS5), and as much again for FTS5 to index
them. `pairs_index` also serves the recommendations' own (decisions 0011)."""

import importlib

from django.db import migrations

search = importlib.import_module("osce_docs.migrations.0005_search")


def pairs_index(fts, table, key, texts, kind=None, of_kind=None):
    """SQL creating FTS (and dropping it, backwards) to hold the pairs of
    each row of TABLE (its id KEY) in its TEXTS, and its KIND column (if
    any), kept by triggers; filled from the rows. OF_KIND, (column, kind):
    only the rows of that kind (osce_docs 0022)."""

    def pairs(row):
        return f"osce_search_pairs({', '.join(f'{row}.{column}' if column else 'NULL' for column in [kind, *texts])})"

    def of(row):
        return f" WHERE {row}.{of_kind[0]} = '{of_kind[1]}'" if of_kind else ""

    columns = [key, kind, *texts, of_kind[0] if of_kind else None]
    forward = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(pairs, content='', detail=none, tokenize = \"ascii tokenchars '_'\")",
        f"""CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN
            INSERT INTO {fts}(rowid, pairs) SELECT new.{key}, {pairs("new")}{of("new")};
        END""",
        f"""CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, pairs) SELECT 'delete', old.{key}, {pairs("old")}{of("old")};
        END""",
        f"""CREATE TRIGGER {fts}_update AFTER UPDATE OF {", ".join(dict.fromkeys(filter(None, columns)))}
            ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, pairs) SELECT 'delete', old.{key}, {pairs("old")}{of("old")};
            INSERT INTO {fts}(rowid, pairs) SELECT new.{key}, {pairs("new")}{of("new")};
        END""",
        f"INSERT INTO {fts}(rowid, pairs) SELECT {key}, {pairs(table)} FROM {table}{of(table)}",
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {fts}_update",
        f"DROP TRIGGER IF EXISTS {fts}_delete",
        f"DROP TRIGGER IF EXISTS {fts}_insert",
        f"DROP TABLE IF EXISTS {fts}",
    ]
    return forward, backward


FORWARD, BACKWARD = pairs_index(
    "osce_search_pairs_fts", "osce_docs_searchentry", "document_id", ["a_text", "b_text", "c_text"], kind="kind"
)


class Migration(migrations.Migration):
    dependencies = [
        ("osce_docs", "0017_search_entry_kind"),
    ]

    operations = [
        migrations.RunPython(search._run({"sqlite": FORWARD}), search._run({"sqlite": BACKWARD})),
    ]

"""Counts the public pages read instead of counting: published documents per
State and kind, published documents per topic, recommendations per status of
their report. Kept by triggers, like DocumentCount (0006).

"Concerns a State" is Document.objects.concerning(): named by the document,
a report on a visit to it, an event it hosted; a document tied to a State
twice counts once. Every trigger compares one change against what the
database holds at that moment (is the document published, does another
link already tie it to that State), so the counts stay right whatever the
order of the writes: the ORM's cascades (links before documents), raw
deletes with deferred foreign keys (documents before links), bulk inserts.

PostgreSQL: statement-level triggers with transition tables (one grouped
upsert per statement and count table), and TRUNCATE triggers that recount
(a test's flush). SQLite: row triggers, with the same SQL on a one-row
source. The counts start from the rows that exist, one grouped
INSERT ... SELECT per table, after the triggers exist (on PostgreSQL
creating a trigger locks its table against writes until the migration
commits, so no write falls between the two)."""

import django.db.models.deletion
from django.db import migrations, models

DOCUMENTS = "osce_docs_document"
STATE_LINKS = "osce_docs_document_states"
TOPIC_LINKS = "osce_docs_document_topics"
REPORTS = "decisions_countryvisitreport"
EVENTS = "alliance_allianceevent"
RECOMMENDATIONS = "decisions_recommendation"

STATE_COUNTS = "osce_docs_statedocumentcount"
TOPIC_COUNTS = "osce_docs_topicdocumentcount"
RECOMMENDATION_COUNTS = "osce_docs_recommendationcount"

# Each source of a State tie, as (document, state) columns.
TIES = {
    STATE_LINKS: ("document_id", "state_id"),
    REPORTS: ("document_ptr_id", "country_id"),
    EVENTS: ("document_ptr_id", "host_country_id"),
}


def _tied_elsewhere(document, state, source):
    """Whether a tie other than SOURCE's already joins DOCUMENT to STATE."""
    return " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE {doc_col} = {document} AND {state_col} = {state})"
        for table, (doc_col, state_col) in TIES.items()
        if table != source
    )


def _upsert(table, keys, select, vendor):
    existing = table if vendor == "postgresql" else ""
    added = f"{existing}.count" if existing else "count"
    return (
        f"INSERT INTO {table} ({', '.join(keys)}, count) {select} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET count = {added} + EXCLUDED.count;"
    )


def _join(table, alias, columns, condition, vendor):
    """The rows of TABLE that match each changed row (CONDITION names the
    changed row `r`). PostgreSQL: a LATERAL subquery that the planner cannot
    flatten (OFFSET 0), so a statement always looks its changed rows up
    through the index. As a plain join, a bulk load's statistics (always a
    step behind a growing table) let the planner scan the whole table, once per
    statement or once per changed row: the cost of every write then grew with
    the library (osce_docs 0011). SQLite has no LATERAL, and its row triggers
    join one row anyway."""
    if vendor == "postgresql":
        return f"CROSS JOIN LATERAL (SELECT {', '.join(columns)} FROM {table} {alias} WHERE {condition} OFFSET 0) {alias}"
    return f"JOIN {table} {alias} ON {condition}"


# --- what one change adds or takes away -------------------------------------
# ROWS is the changed rows with a `sign` column: +1 for a row that came, -1 for
# one that went (an update is both).


def _document_changes(rows, vendor):
    published = "r.status = 'published'"
    concerned = " UNION ".join(
        f"SELECT r.id, r.kind, r.sign, t.{state_col} AS state_id FROM {rows} r "
        f"{_join(table, 't', [f't.{state_col}'], f't.{doc_col} = r.id', vendor)} "
        f"WHERE {published} AND t.{state_col} IS NOT NULL"
        for table, (doc_col, state_col) in TIES.items()
    )
    return [
        _upsert(
            STATE_COUNTS,
            ["state_id", "kind"],
            f"SELECT state_id, kind, SUM(sign) FROM ({concerned}) concerned WHERE true "
            "GROUP BY state_id, kind HAVING SUM(sign) <> 0",
            vendor,
        ),
        _upsert(
            TOPIC_COUNTS,
            ["topic_id"],
            f"SELECT t.topic_id, SUM(r.sign) FROM {rows} r "
            f"{_join(TOPIC_LINKS, 't', ['t.topic_id'], 't.document_id = r.id', vendor)} "
            f"WHERE {published} GROUP BY t.topic_id HAVING SUM(r.sign) <> 0",
            vendor,
        ),
        _upsert(
            RECOMMENDATION_COUNTS,
            ["status"],
            f"SELECT r.status, SUM(r.sign) FROM {rows} r "
            f"{_join(RECOMMENDATIONS, 'x', ['x.id'], 'x.report_id = r.id', vendor)} "
            "WHERE true GROUP BY r.status HAVING SUM(r.sign) <> 0",
            vendor,
        ),
    ]


def _tie_changes(source):
    def changes(rows, vendor):
        doc_col, state_col = TIES[source]
        return [
            _upsert(
                STATE_COUNTS,
                ["state_id", "kind"],
                f"SELECT r.{state_col}, d.kind, SUM(r.sign) FROM {rows} r "
                f"{_join(DOCUMENTS, 'd', ['d.kind', 'd.status'], f'd.id = r.{doc_col}', vendor)} "
                f"WHERE d.status = 'published' AND r.{state_col} IS NOT NULL "
                f"AND NOT ({_tied_elsewhere(f'r.{doc_col}', f'r.{state_col}', source)}) "
                f"GROUP BY r.{state_col}, d.kind HAVING SUM(r.sign) <> 0",
                vendor,
            )
        ]

    return changes


def _topic_link_changes(rows, vendor):
    return [
        _upsert(
            TOPIC_COUNTS,
            ["topic_id"],
            f"SELECT r.topic_id, SUM(r.sign) FROM {rows} r "
            f"{_join(DOCUMENTS, 'd', ['d.status'], 'd.id = r.document_id', vendor)} "
            "WHERE d.status = 'published' GROUP BY r.topic_id HAVING SUM(r.sign) <> 0",
            vendor,
        )
    ]


def _recommendation_changes(rows, vendor):
    return [
        _upsert(
            RECOMMENDATION_COUNTS,
            ["status"],
            f"SELECT d.status, SUM(r.sign) FROM {rows} r "
            f"{_join(DOCUMENTS, 'd', ['d.status'], 'd.id = r.report_id', vendor)} "
            "WHERE true GROUP BY d.status HAVING SUM(r.sign) <> 0",
            vendor,
        )
    ]


# Each watched table: its short name, the columns the counts depend on, the changes.
WATCHED = [
    (DOCUMENTS, "document", ["id", "kind", "status"], _document_changes),
    (STATE_LINKS, "state_link", list(TIES[STATE_LINKS]), _tie_changes(STATE_LINKS)),
    (REPORTS, "report", list(TIES[REPORTS]), _tie_changes(REPORTS)),
    (EVENTS, "event", list(TIES[EVENTS]), _tie_changes(EVENTS)),
    (TOPIC_LINKS, "topic_link", ["document_id", "topic_id"], _topic_link_changes),
    (RECOMMENDATIONS, "recommendation", ["id", "report_id"], _recommendation_changes),
]


def _signed_rows(columns, event, source):
    """The changed rows with their sign; SOURCE("new"/"old") names the rows."""
    cols = ", ".join(columns)
    if event == "INSERT":
        return f"(SELECT {cols}, 1 AS sign FROM {source('new')} n)"
    if event == "DELETE":
        return f"(SELECT {cols}, -1 AS sign FROM {source('old')} o)"
    # An update is the rows that went and the rows that came; unchanged ones cancel out.
    return (
        f"(SELECT {cols}, -1 AS sign FROM (SELECT {cols} FROM {source('old')} o "
        f"EXCEPT SELECT {cols} FROM {source('new')} n) went "
        f"UNION ALL SELECT {cols}, 1 AS sign FROM (SELECT {cols} FROM {source('new')} n "
        f"EXCEPT SELECT {cols} FROM {source('old')} o) came)"
    )


# --- the full counts, from the rows (the start, and after a TRUNCATE) --------

RECOUNT = [
    f"DELETE FROM {STATE_COUNTS}",
    f"DELETE FROM {TOPIC_COUNTS}",
    f"DELETE FROM {RECOMMENDATION_COUNTS}",
    f"""INSERT INTO {STATE_COUNTS} (state_id, kind, count)
    SELECT ties.state_id, d.kind, COUNT(*) FROM (
        {" UNION ".join(f"SELECT {doc_col} AS document_id, {state_col} AS state_id FROM {table} WHERE {state_col} IS NOT NULL" for table, (doc_col, state_col) in TIES.items())}
    ) ties JOIN {DOCUMENTS} d ON d.id = ties.document_id
    WHERE d.status = 'published' GROUP BY ties.state_id, d.kind""",
    f"""INSERT INTO {TOPIC_COUNTS} (topic_id, count)
    SELECT t.topic_id, COUNT(*) FROM {TOPIC_LINKS} t JOIN {DOCUMENTS} d ON d.id = t.document_id
    WHERE d.status = 'published' GROUP BY t.topic_id""",
    f"""INSERT INTO {RECOMMENDATION_COUNTS} (status, count)
    SELECT d.status, COUNT(*) FROM {RECOMMENDATIONS} x JOIN {DOCUMENTS} d ON d.id = x.report_id
    GROUP BY d.status""",
]


def postgresql_functions(create="CREATE"):
    """The trigger functions, as (table, event, function name, CREATE statement)."""
    for table, name, columns, changes in WATCHED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            function = f"osce_public_count_{name}_{event.lower()}"
            rows = _signed_rows(columns, event, lambda which: f"{which}_rows")
            body = " ".join(changes(rows, "postgresql"))
            yield table, event, function, (
                f"{create} FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
            )


def _postgresql_forward():
    statements = []
    for table, event, function, create in postgresql_functions():
        referencing = {
            "INSERT": "NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        }[event]
        statements += [
            create,
            f"CREATE TRIGGER {function} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    recount = "; ".join(RECOUNT)
    statements.append(
        f"CREATE FUNCTION osce_public_count_recount() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {recount}; RETURN NULL; END $$"
    )
    for table, name, _columns, _changes in WATCHED:
        statements.append(
            f"CREATE TRIGGER osce_public_count_{name}_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION osce_public_count_recount()"
        )
    return statements


def _postgresql_backward():
    statements = []
    for table, name, _columns, _changes in WATCHED:
        for event in ("insert", "update", "delete", "truncate"):
            statements.append(f"DROP TRIGGER IF EXISTS osce_public_count_{name}_{event} ON {table}")
    for _table, name, _columns, _changes in WATCHED:
        for event in ("insert", "update", "delete"):
            statements.append(f"DROP FUNCTION IF EXISTS osce_public_count_{name}_{event}()")
    statements.append("DROP FUNCTION IF EXISTS osce_public_count_recount()")
    return statements


def sqlite_trigger(table, name, columns, changes, event, when=""):
    """The CREATE TRIGGER of TABLE's EVENT (INSERT, UPDATE, DELETE), run
    WHEN (a condition, if any) holds; an update only when a counted column
    changed."""

    def source(which):
        return "(SELECT " + ", ".join(f"{which}.{column} AS {column}" for column in columns) + ")"

    rows = _signed_rows(columns, event, source)
    body = " ".join(changes(rows, "sqlite"))
    if event == "UPDATE":
        # Only a change of the columns the counts depend on is worth the work.
        when = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
        event = f"UPDATE OF {', '.join(columns)}"
    when = f"WHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER osce_public_count_{name}_{event.split()[0].lower()} AFTER {event} ON {table} "
        f"{when} BEGIN {body} END"
    )


def _sqlite_forward():
    return [
        sqlite_trigger(table, name, columns, changes, event)
        for table, name, columns, changes in WATCHED
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def _sqlite_backward():
    return [
        f"DROP TRIGGER IF EXISTS osce_public_count_{name}_{event}"
        for _table, name, _columns, _changes in WATCHED
        for event in ("insert", "update", "delete")
    ]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgresql_forward, "sqlite": _sqlite_forward}.get(vendor)
    if statements is None:
        return
    for statement in statements() + RECOUNT:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": _postgresql_backward, "sqlite": _sqlite_backward}.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for statement in statements():
        schema_editor.execute(statement, params=None)


def _models(managed):
    """The three tables: created for real (MANAGED), recorded as not managed by Django."""
    options = {"managed": managed} if not managed else {}
    return [
        migrations.CreateModel(
            name='StateDocumentCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='published_counts', to='osce_docs.state', verbose_name='State')),
                ('kind', models.CharField(choices=[('decision', 'decision'), ('report', 'country-visit report'), ('event', 'Alliance event'), ('statement', 'Alliance statement')], max_length=12, verbose_name='kind')),
                ('count', models.BigIntegerField(default=0, verbose_name='published documents')),
            ],
            options={
                'verbose_name': 'published documents of a State',
                'verbose_name_plural': 'published documents of the States',
                'ordering': ['state_id', 'kind'],
                'constraints': [models.UniqueConstraint(fields=('state', 'kind'), name='state_document_count_one_per_kind')],
                **options,
            },
        ),
        migrations.CreateModel(
            name='TopicDocumentCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('topic', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='published_count', to='osce_docs.topic', verbose_name='topic')),
                ('count', models.BigIntegerField(default=0, verbose_name='published documents')),
            ],
            options={
                'verbose_name': 'published documents of a topic',
                'verbose_name_plural': 'published documents of the topics',
                'ordering': ['topic_id'],
                **options,
            },
        ),
        migrations.CreateModel(
            name='RecommendationCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('published', 'published')], max_length=10, unique=True, verbose_name='status of the report')),
                ('count', models.BigIntegerField(default=0, verbose_name='recommendations')),
            ],
            options={
                'verbose_name': 'recommendation count',
                'verbose_name_plural': 'recommendation counts',
                'ordering': ['status'],
                **options,
            },
        ),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ('osce_docs', '0007_search_vectors'),
        # The triggers watch their tables too.
        ('decisions', '0003_audit_trail'),
        ('alliance', '0003_audit_trail'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=_models(managed=True),
            state_operations=_models(managed=False),
        ),
        migrations.RunPython(forward, backward),
    ]

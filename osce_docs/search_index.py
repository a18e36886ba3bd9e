"""What search knows of each document (its SearchEntry), and keeping it
current as documents and files change.

Each kind of document says which of its fields are searched:
`SEARCH_TITLE_FIELDS` (weight A with the title), `SEARCH_TEXT_FIELDS`
(weight B with the summary) and, for texts in related rows such as a report's
recommendations, a `search_related_texts(ids)` classmethod. The text of the
files (weight C) comes from their extracted pages.

Entries are written in the transaction that changes the document (signal
receivers below, connected in CoreConfig.ready()), so search is never stale
and a rolled-back change never reaches it. Publishing and unpublishing do not
touch the index at all: search reads a document's status from the document."""

import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .extraction import clean_text
from .search import DOCUMENTS, RECOMMENDATIONS
from .sqlite import pairs as word_pairs

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def _document_models():
    from .models import Document

    return [Document, *Document.__subclasses__()]


def _specific_values(ids, attribute):
    """{document id: [values]} of each kind's fields named in ATTRIBUTE."""
    from .models import Document

    values = defaultdict(list)
    for model in Document.__subclasses__():
        fields = getattr(model, attribute, ())
        if fields:
            for pk, *row in model.objects.filter(pk__in=ids).values_list("pk", *fields):
                values[pk] += [value for value in row if value]
    return values


def _file_texts(ids):
    """{document id: text of its files}, originals first, capped per document."""
    from .models import AttachmentPage

    limit = settings.SEARCH_MAX_FILE_CHARS
    texts, sizes = defaultdict(list), defaultdict(int)
    pages = (
        AttachmentPage.objects.filter(attachment__document_id__in=ids)
        .order_by("attachment__document_id", "-attachment__is_original", "attachment_id", "number")
        .values_list("attachment__document_id", "text")
    )
    for document_id, text in pages.iterator(chunk_size=500):
        room = limit - sizes[document_id]
        if room <= 0 or not text:
            continue
        text = text[:room]
        texts[document_id].append(text)
        sizes[document_id] += len(text) + 1
    return {document_id: "\n".join(parts) for document_id, parts in texts.items()}


def entries_for(ids, *, with_files=True):
    """Unsaved SearchEntry rows for the documents IDS (those that exist)."""
    from .models import Document, SearchEntry

    ids = list(ids)
    documents = Document.objects.filter(pk__in=ids).values_list("pk", "kind", "title", "summary")
    titles = _specific_values(ids, "SEARCH_TITLE_FIELDS")
    texts = _specific_values(ids, "SEARCH_TEXT_FIELDS")
    for model in _document_models():
        related = getattr(model, "search_related_texts", None)
        if related is not None:
            for pk, extra in related(ids).items():
                texts[pk] += extra
    files = _file_texts(ids) if with_files else {}
    return [
        SearchEntry(
            document_id=pk,
            kind=kind,
            a_text=clean_text(" ".join([*titles.get(pk, []), title])),
            b_text=clean_text("\n".join([summary, *texts.get(pk, [])])),
            c_text=clean_text(files.get(pk, "")),
        )
        for pk, kind, title, summary in documents
    ]


def _upsert(entries, fields):
    from .models import SearchEntry

    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["document"], update_fields=fields, batch_size=BATCH_SIZE
    )


def search_index_documents(ids, *, with_files=True):
    """Write the entries of documents IDS (insert or update), e.g. after a bulk
    import or from the demo corpus generator; in batches, each its own
    transaction-safe statement."""
    ids = list(ids)
    fields = ["kind", "a_text", "b_text", "c_text"] if with_files else ["kind", "a_text", "b_text"]
    written = 0
    for start in range(0, len(ids), BATCH_SIZE):
        entries = entries_for(ids[start : start + BATCH_SIZE], with_files=with_files)
        _upsert(entries, fields)
        written += len(entries)
    return written


def search_index_update(document_id, *, with_files=False):
    """Bring one document's entry up to date, writing only when its texts changed."""
    from .models import SearchEntry

    entries = entries_for([document_id], with_files=with_files)
    if not entries:
        SearchEntry.objects.filter(document_id=document_id).delete()
        return
    entry = entries[0]
    current = SearchEntry.objects.filter(document_id=document_id).values_list("a_text", "b_text").first()
    if current is None:
        if not with_files:
            entry.c_text = entries_for([document_id], with_files=True)[0].c_text
        entry.save(force_insert=True)
    elif with_files:
        _upsert([entry], ["a_text", "b_text", "c_text"])
    elif current != (entry.a_text, entry.b_text):
        SearchEntry.objects.filter(document_id=document_id).update(a_text=entry.a_text, b_text=entry.b_text)


# SQLite's FTS5 indexes (osce_docs migrations 0005 and 0012, decisions
# 0010): every text, the symbol, title and summary texts alone, the files'
# pages, the recommendations' own texts.
SQLITE_FTS_TABLES = (DOCUMENTS.fts, "osce_search_head_fts", "osce_search_page_fts", RECOMMENDATIONS.fts)
# The pairs of words of the documents (0018), of each smaller kind's
# documents (0022) and of the recommendations (decisions 0011): no content
# table to rebuild from, their words computed from the texts. (index, rows
# and the condition they meet, key, the pairs function's arguments)
SQLITE_PAIRS = (
    *(
        (fts, DOCUMENTS.vector_table + (f" WHERE kind = '{kind}'" if kind else ""), DOCUMENTS.vector_key, arguments)
        for fts, kind, arguments in word_pairs.ENTRY_INDEXES
    ),
    (RECOMMENDATIONS.pairs_fts, RECOMMENDATIONS.table, RECOMMENDATIONS.key, "NULL, text"),
)


def rebuild_sqlite_fts(cursor):
    """SQLite: every FTS5 index written again from the texts it indexes (one
    transaction: readers see the old index until it commits)."""
    for table in SQLITE_FTS_TABLES:
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
    for table, rows, key, texts in SQLITE_PAIRS:
        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
        cursor.execute(f"INSERT INTO {table}(rowid, pairs) SELECT {key}, osce_search_pairs({texts}) FROM {rows}")


def search_index_optimize(using="default"):
    """Merge the engines' index structures after many writes: FTS5 'optimize'
    on SQLite (a search costs a lookup per segment, and bulk inserts leave
    many), ANALYZE on PostgreSQL (fresh statistics for the planner's choice
    between the GIN index and an ordered scan). Search answers throughout."""
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in (*SQLITE_FTS_TABLES, *(pairs[0] for pairs in SQLITE_PAIRS)):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        elif connection.vendor == "postgresql":
            for table in (DOCUMENTS.vector_table, "osce_docs_attachmentpage", DOCUMENTS.table, RECOMMENDATIONS.table):
                cursor.execute(f"ANALYZE {table}")


def index_missing_documents():
    """Entries for documents that have none (created by data migrations or
    bulk inserts, which send no signals). Returns how many were written."""
    from .models import Document

    missing = Document.objects.filter(search_entry__isnull=True).values_list("pk", flat=True)
    return search_index_documents(list(missing))


# ---------------------------------------------------------------------------
# Receivers: every write path (admin, services, import, shell) goes through
# Model.save()/delete(), so model signals catch them all; queryset.update()
# is only used for status changes, which search reads live.


def _deleted_with_its_document(origin):
    """Whether a delete cascades from a document being deleted (its entry goes with it)."""
    from django.db.models import QuerySet

    from .models import Document

    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return isinstance(model, type) and issubclass(model, Document)


def _document_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_index_update(instance.pk)


def _related_row_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or (origin is not None and _deleted_with_its_document(origin)):
        return
    document_id = getattr(instance, sender.SEARCH_DOCUMENT_FIELD + "_id")
    search_index_update(document_id)


def _attachment_saved(sender, instance, raw=False, **kwargs):
    """A new or replaced file: its old text leaves search now, its new text
    arrives when extraction (queued once the file is committed) has run."""
    from .models import AttachmentPage, TextStatus

    if raw or instance.text_status != TextStatus.PENDING:
        return
    deleted, _ = AttachmentPage.objects.filter(attachment_id=instance.pk).delete()
    if deleted:
        search_index_update(instance.document_id, with_files=True)
    queue_text_extraction(instance.pk)


def _attachment_deleted(sender, instance, origin=None, **kwargs):
    if origin is not None and _deleted_with_its_document(origin):
        return
    search_index_update(instance.document_id, with_files=True)


def queue_text_extraction(attachment_pk):
    """Extract the file's text once the transaction that stored it commits."""
    from .tasks import extract_attachment_text

    transaction.on_commit(lambda: extract_attachment_text.enqueue(attachment_pk))


def connect_receivers():
    from django.apps import apps

    from .models import Attachment

    for model in _document_models():
        post_save.connect(_document_saved, sender=model, dispatch_uid=f"search_index_{model._meta.label}")
    for model in apps.get_models():
        if getattr(model, "SEARCH_DOCUMENT_FIELD", None):
            uid = f"search_index_related_{model._meta.label}"
            post_save.connect(_related_row_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_related_row_changed, sender=model, dispatch_uid=uid)
    post_save.connect(_attachment_saved, sender=Attachment, dispatch_uid="search_index_attachment_saved")
    post_delete.connect(_attachment_deleted, sender=Attachment, dispatch_uid="search_index_attachment_deleted")

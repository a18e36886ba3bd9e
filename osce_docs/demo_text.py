"""Where the synthetic corpus's extracted text goes: the search engine's own
text storage and index, filled in bulk."""

from collections import defaultdict

from django.conf import settings


class TextSink:
    """Collects generated page texts per attachment and stores them in bulk:
    the pages (AttachmentPage) and, in the same chunk's transaction, the
    documents' search entries, built from the texts in memory rather than
    read back."""

    @classmethod
    def for_database(cls):
        return cls()

    def __init__(self):
        self.entries = 0
        # SQLite: where the entries' pairs of words go during a load (demo._side_pairs_index).
        self.side_pairs = None

    def add(self, texts):
        self.add_pages(texts)
        self.add_entries(texts)

    def add_pages(self, texts):
        from .models import AttachmentPage

        pages = [
            AttachmentPage(attachment_id=attachment.pk, number=number, text=text)
            for attachment, page_texts in _in_document_order(texts)
            for number, text in enumerate(page_texts, start=1)
        ]
        AttachmentPage.objects.bulk_create(pages, batch_size=1000)

    def add_entries(self, texts):
        from .search_index import _upsert, entries_for

        by_document = defaultdict(list)
        for attachment, page_texts in _in_document_order(texts):
            by_document[attachment.document_id] += page_texts
        entries = entries_for(by_document, with_files=False)
        limit = settings.SEARCH_MAX_FILE_CHARS
        for entry in entries:
            entry.c_text = "\n".join(by_document[entry.document_id])[:limit]
        _upsert(entries, ["a_text", "b_text", "c_text"])
        if self.side_pairs:
            self.side_pairs.add((e.document_id, e.kind, e.a_text, e.b_text, e.c_text) for e in entries)
        self.entries += len(entries)

    def finish(self, *, stdout=None):
        from .search_index import index_missing_documents, search_index_optimize

        # Documents without any file got no entry from add().
        missing = index_missing_documents()
        search_index_optimize()
        if stdout:
            stdout.write(f"  search entries: {self.entries + missing:,}")


def _in_document_order(texts):
    # Originals first, as search_index orders a document's files.
    return sorted(texts, key=lambda item: (item[0].document_id, not item[0].is_original))


def clear_synthetic_text():
    """Remove the synthetic documents' text before their rows go."""
    from .models import AttachmentPage, SearchEntry

    for queryset in (
        AttachmentPage.objects.filter(attachment__document__synthetic=True),
        SearchEntry.objects.filter(document__synthetic=True),
    ):
        queryset._raw_delete(queryset.db)

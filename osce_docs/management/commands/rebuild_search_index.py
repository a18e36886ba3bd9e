"""Recovery: rewrite every document's search entry from the documents and
their extracted file text. Search keeps working while it runs: entries are
upserted batch by batch (each batch commits on its own), never emptied first."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from osce_docs.models import Document
from osce_docs.search_index import BATCH_SIZE, rebuild_sqlite_fts, search_index_documents, search_index_optimize


class Command(BaseCommand):
    help = "Rewrite the search entry of every document (upsert in batches; search stays available)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--optimize",
            action="store_true",
            help="Only merge the index structures (SQLite FTS5 'optimize', PostgreSQL ANALYZE): "
            "quick maintenance after large imports.",
        )
        parser.add_argument(
            "--fts",
            action="store_true",
            help="SQLite: first rebuild the FTS5 tables from the texts they index (one transaction; "
            "readers keep seeing the old index until it commits), then rewrite the entries.",
        )

    def handle(self, *args, fts=False, optimize=False, **options):
        if optimize:
            search_index_optimize()
            self.stdout.write(self.style.SUCCESS("Search index optimized."))
            return
        if fts and connection.vendor == "sqlite":
            # First: rewriting an entry takes its old pairs out of the contentless
            # pairs' indexes, which fails ("database disk image is malformed")
            # where an index lost them, the very case this recovers from.
            with transaction.atomic(), connection.cursor() as cursor:
                rebuild_sqlite_fts(cursor)
        total = 0
        last_pk = 0
        while True:
            ids = list(
                Document.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[: BATCH_SIZE * 5]
            )
            if not ids:
                break
            total += search_index_documents(ids)
            last_pk = ids[-1]
            if options["verbosity"] > 1:
                self.stdout.write(f"{total} documents indexed")
        search_index_optimize()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {total} documents."))

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from osce_docs.importing import IMPORT_KINDS, importer_for


class Command(BaseCommand):
    help = (
        "Export decisions, country-visit reports or Alliance events as the CSV import_documents reads "
        "(to standard output unless a file is given). --files-dir copies the attached files too."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=IMPORT_KINDS)
        parser.add_argument("csv_file", metavar="FILE.csv", nargs="?", help="Default: standard output.")
        parser.add_argument(
            "--files-dir",
            metavar="DIR",
            help="Copy the attached files into DIR (a folder per document, original names); "
            "the files column then gives their paths relative to the CSV.",
        )

    def handle(self, *args, kind, csv_file, files_dir, **options):
        importer_class = importer_for(kind)
        csv_dir = Path(csv_file).resolve().parent if csv_file else Path.cwd()
        prefix = ""
        if files_dir:
            files_dir = Path(files_dir).resolve()
            if files_dir.exists() and not files_dir.is_dir():
                raise CommandError(f"{files_dir} is not a folder.")
            files_dir.mkdir(parents=True, exist_ok=True)
            prefix = Path(os.path.relpath(files_dir, csv_dir)).as_posix()
            prefix = "" if prefix == "." else prefix
        queryset = importer_class.model.objects.all()
        importer = importer_class()
        if csv_file:
            with open(csv_file, "w", encoding="utf-8", newline="") as out:
                importer.export(queryset, out, files_dir=files_dir, files_prefix=prefix)
            self.stderr.write(f"{queryset.count()} {kind} written to {csv_file}.")
        else:
            importer.export(queryset, self.stdout, files_dir=files_dir, files_prefix=prefix)

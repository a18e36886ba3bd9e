from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from osce_docs.importing import IMPORT_KINDS, DirectoryFiles, ImportFailed, importer_for


class Command(BaseCommand):
    help = (
        "Import decisions, country-visit reports or Alliance events from a UTF-8 CSV with a header row. "
        "All or nothing: any bad row is reported with its number and nothing is written. "
        "Paths in the files column are relative to the CSV's folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=IMPORT_KINDS)
        parser.add_argument("csv_file", metavar="FILE.csv")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        parser.add_argument("--user", metavar="USERNAME", help="The staff member the import is done as.")

    def handle(self, *args, kind, csv_file, dry_run, user, **options):
        path = Path(csv_file)
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        acting_user = None
        if user:
            try:
                acting_user = get_user_model()._default_manager.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user called “{user}”.")
        importer = importer_for(kind)(files=DirectoryFiles(path.parent), user=acting_user)
        try:
            with path.open("rb") as stream:
                report = importer.run(stream, dry_run=dry_run)
        except ImportFailed as error:
            raise CommandError(str(error))
        if options["verbosity"] > 1:
            for plan in report.plans:
                detail = f" ({', '.join(plan.changes)})" if plan.changes else ""
                self.stdout.write(f"Row {plan.row}: {plan.label}: {plan.action}{detail}")
        if report.errors:
            raise CommandError(
                "\n".join([f"{path.name}: nothing imported, {len(report.errors)} bad row(s):", *map(str, report.errors)])
            )
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: would be {report.summary()}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{path.name}: {report.summary()}."))

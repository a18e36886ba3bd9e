from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from osce_docs.storage_audit import check_stored_files


class Command(BaseCommand):
    help = (
        "Compare attached-file rows with the stored bytes: rows whose file is missing or whose SHA-256 no "
        "longer matches, and stored files that no row owns. --fix removes only those orphans (files younger "
        "than --min-age minutes are left alone: they may belong to an upload in progress). Exits 1 while "
        "anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Delete stored files that no row owns.")
        parser.add_argument("--min-age", type=int, default=60, help="Minutes before an unowned file counts as orphan.")
        parser.add_argument("--no-checksums", action="store_true", help="Only check that files exist.")

    def handle(self, *args, fix, min_age, no_checksums, **options):
        report = check_stored_files(
            verify_checksums=not no_checksums, orphan_min_age=timedelta(minutes=min_age)
        )
        for attachment in report.missing:
            self.stdout.write(f"MISSING  attachment {attachment.pk} ({attachment.original_name}): {attachment.file.name}")
        for attachment in report.changed:
            self.stdout.write(f"CHANGED  attachment {attachment.pk} ({attachment.original_name}): SHA-256 differs")
        for name in report.orphans:
            if fix:
                default_storage.delete(name)
                self.stdout.write(f"REMOVED  orphan {name}")
            else:
                self.stdout.write(f"ORPHAN   {name}")
        for name in report.young_orphans:
            self.stdout.write(f"RECENT   {name} (no row yet; younger than {min_age} minutes, left alone)")
        fixed = len(report.orphans) if fix else 0
        self.stdout.write(
            f"{report.checked} files checked: {len(report.missing)} missing, {len(report.changed)} changed, "
            f"{len(report.orphans)} orphans" + (f" ({fixed} removed)" if fix else "") + "."
        )
        if report.missing or report.changed or (report.orphans and not fix):
            raise CommandError("Some stored files do not match the database.", returncode=1)

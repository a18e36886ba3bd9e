from django.core.management.base import BaseCommand, CommandError

from osce_docs.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a folder made by `manage.py backup` onto this site (run `migrate` first): the files are "
        "checked against their SHA-256 and stored, then the database is REPLACED by the backup's."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask to confirm.")

    def handle(self, *args, folder, interactive, **options):
        if interactive:
            answer = input("This replaces everything in this site's database with the backup. Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            count = backup_restore(folder=folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the database and {count} files from {folder}."))

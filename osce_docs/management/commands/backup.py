from django.core.management.base import BaseCommand, CommandError

from osce_docs.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the library into a new folder: the database as data.json (natural keys, loads into any "
        "freshly migrated site) and every attached file under media/, listed with its SHA-256 in files.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        try:
            count = backup_create(folder=folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up the database and {count} files into {folder}."))

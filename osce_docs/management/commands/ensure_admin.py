import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a first administrator with a freshly generated password when the site has none, "
        "and say how to log in. Does nothing when an administrator exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "Log into the admin with your administrator account "
                "(to set a new one: .venv/bin/python manage.py changepassword USERNAME)."
            )
            return
        password = secrets.token_urlsafe(15)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the administrator '{username}' with the password: {password}\n"
                "It is shown only this once: note it, or change it with "
                f".venv/bin/python manage.py changepassword {username}"
            )
        )

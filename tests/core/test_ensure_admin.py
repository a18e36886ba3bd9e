from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_first_administrator_gets_a_generated_password_that_works():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("password: ")[1].split()[0]
    assert len(password) >= 16
    assert authenticate(username="admin", password=password).is_superuser


def test_no_second_administrator_is_created():
    call_command("ensure_admin", stdout=StringIO())
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert "password:" not in out.getvalue()


def test_two_runs_never_print_the_same_password(django_user_model):
    passwords = []
    for _ in range(2):
        out = StringIO()
        call_command("ensure_admin", stdout=out)
        passwords.append(out.getvalue().split("password: ")[1].split()[0])
        django_user_model.objects.all().delete()
    assert passwords[0] != passwords[1]

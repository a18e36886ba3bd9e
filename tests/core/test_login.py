"""Admin logins are throttled against password guessing (django-axes), and
staff passwords follow Django's validators."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


def log_in(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def staff_user():
    return UserFactory(username="officer", staff=True)


def test_the_right_password_logs_in(client, staff_user):
    assert log_in(client, "officer", PASSWORD).status_code == 302


def test_a_wrong_password_is_refused_without_lockout(client, staff_user, settings):
    response = log_in(client, "officer", "wrong password")
    assert response.status_code == 200
    assert log_in(client, "officer", PASSWORD).status_code == 302


def test_too_many_failures_lock_the_account_out_from_that_address(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "officer", "guess")
    locked = log_in(client, "officer", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_reach_the_same_user_from_another_address(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "officer", "guess", address="192.0.2.66")
    assert log_in(client, "officer", PASSWORD, address="192.0.2.10").status_code == 302


def test_a_success_before_the_limit_clears_the_count(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "officer", "guess")
    assert log_in(client, "officer", PASSWORD).status_code == 302
    client.logout()
    log_in(client, "officer", "guess")
    assert log_in(client, "officer", PASSWORD).status_code == 302


def test_logins_without_a_request_still_check_the_password(staff_user):
    # Management commands and test clients authenticate without a request.
    assert authenticate(username="officer", password=PASSWORD) == staff_user
    assert authenticate(username="officer", password="wrong") is None


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short-1Ab", "too short"),
        ("password12345", "too common"),
        ("492837465019283", "entirely numeric"),
        ("officer@example.org", "too similar"),
    ],
)
def test_staff_passwords_follow_the_validators(staff_user, password, reason):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=staff_user)
    assert reason in " ".join(error.value.messages)


def test_a_long_uncommon_password_is_accepted(staff_user):
    validate_password("correct horse battery staple 7", user=staff_user)

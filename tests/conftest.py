import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Tests never write to the real media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs about a second a login; tests only need it to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Tests see every page rendered, not a copy kept from an earlier test;
    tests/core/test_page_cache.py turns the page cache on and checks it."""
    from django.core.cache import caches

    settings.PAGE_CACHE_SECONDS = 0
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password-1")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def empty_library(db):
    """No documents: the public lists otherwise start with the published seed records."""
    from osce_docs.models import Document

    Document.objects.all().delete()

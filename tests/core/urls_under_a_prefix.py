"""The project's URLs one folder down (tests/core/test_reversing.py)."""

from django.urls import include, path

urlpatterns = [path("under/", include("osce_docs.urls"))]

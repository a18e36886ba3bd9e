from django.contrib import admin
from django.urls import path

from osce_docs.health import healthz

admin.site.site_header = "OSCE anti-trafficking document library"
admin.site.site_title = "Document library admin"
admin.site.index_title = "Documents and reference data"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

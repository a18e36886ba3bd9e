import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osce_docs.settings")
application = get_wsgi_application()

# The objects loaded so far (Django, the apps, the models: about 90,000) live
# as long as the process, yet Python's full garbage collection walked them all
# every few requests: 40-55 ms added to one request in about sixteen (the
# sitemap's 2,000-address page at p95: 71-82 -> 35-36 ms, either corpus size).
# Frozen, a collection walks only the objects created since.
gc.freeze()

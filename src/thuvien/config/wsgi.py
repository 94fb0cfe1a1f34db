import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thuvien.config.settings")
application = get_wsgi_application()

# Repeated IIIF images of public objects are answered from disk before Django (see there).
from thuvien.digital.tilecache import TileCacheApplication  # noqa: E402

application = TileCacheApplication(application)

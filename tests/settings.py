"""Test settings: the production settings with an immediate task backend and throwaway paths."""

import os
import tempfile
from pathlib import Path

from thuvien.config.settings import *  # noqa: F403

_TMP = Path(tempfile.mkdtemp(prefix="thuvien-test-"))
DATA_DIR = _TMP
MEDIA_ROOT = _TMP / "media"
STATIC_ROOT = _TMP / "static"
STATIC_ROOT.mkdir(exist_ok=True)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
THUVIEN_SEARCH = {
    "default": {
        "BACKEND": os.environ.get(
            "THUVIEN_SEARCH_BACKEND", "thuvien.kernel.search.tantivy_backend.TantivyBackend"
        ),
        "PATH": str(_TMP / "index"),
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["NAME"] = str(_TMP / "test.sqlite3")  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test-db.sqlite3")}  # noqa: F405
THUVIEN_DIGITAL_DIR = _TMP / "digital"
CACHES = {"default": {**CACHES["default"], "LOCATION": str(_TMP / "cache")}}  # noqa: F405
THUVIEN_OCFL_ROOT = _TMP / "ocfl"
THUVIEN_OCFL_REPLICA = _TMP / "ocfl-replica"

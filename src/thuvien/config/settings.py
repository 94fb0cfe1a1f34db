"""Django settings for thuvien, read from environment variables (see docs/settings.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from thuvien.config.env import env_bool, env_int, env_list, env_path, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = env_path("THUVIEN_DATA_DIR", PROJECT_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("THUVIEN_DEBUG", False)
SECRET_KEY = env_str("THUVIEN_SECRET_KEY", "insecure-development-key-change-me")
ALLOWED_HOSTS = env_list("THUVIEN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("THUVIEN_CSRF_TRUSTED_ORIGINS", "")
SECURE_COOKIES = env_bool("THUVIEN_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "thuvien.kernel",
    "thuvien.accounts",
    "thuvien.geo",
    "thuvien.registry",
    "thuvien.catalog",
    "thuvien.stats",
    "thuvien.evaluation",
    "thuvien.digital",
    "thuvien.ops",
    "thuvien.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "thuvien.config.urls"
WSGI_APPLICATION = "thuvien.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thuvien.portal.context.site",
            ],
            "builtins": ["thuvien.portal.templatetags.thuvien_tags"],
        },
    }
]

SQLITE_PATH = DATA_DIR / "thuvien.sqlite3"
_CONN_MAX_AGE = env_str("THUVIEN_DB_CONN_MAX_AGE", "600")
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=None if _CONN_MAX_AGE.lower() == "none" else int(_CONN_MAX_AGE),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("THUVIEN_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PROJECT_DIR / "static"] if (PROJECT_DIR / "static").is_dir() else []
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
THUVIEN_MAX_IMPORT_BYTES = env_int("THUVIEN_MAX_IMPORT_BYTES", 50 * 1024 * 1024)
THUVIEN_INGEST_CHUNK = env_int("THUVIEN_INGEST_CHUNK", 1000)
# Processes that read and prepare ISO 2709 records during an ingest (1: all in one process).
THUVIEN_INGEST_WORKERS = env_int("THUVIEN_INGEST_WORKERS", os.cpu_count() or 1)
THUVIEN_MAX_INGEST_BYTES = env_int("THUVIEN_MAX_INGEST_BYTES", 2 * 1024 * 1024 * 1024)
# How a cluster of duplicate records picks the record it shows, rules in order
# (thuvien.catalog.services.clusters.RULES).
THUVIEN_CATALOG_PREFERRED = env_list("THUVIEN_CATALOG_PREFERRED", "nlv_first,most_complete")
# The data-quality report's verdict: JSON overriding some of the default thresholds
# (thuvien.catalog.services.quality.DEFAULT_THRESHOLDS); empty keeps the defaults.
THUVIEN_CATALOG_QUALITY_THRESHOLDS = env_str("THUVIEN_CATALOG_QUALITY_THRESHOLDS", "")

# Scheduled file drops (thuvien catalog_drop): <dir>/<VN-id>/[<source>/]file, taken once
# unchanged for the settle time (seconds).
THUVIEN_CATALOG_DROP_DIR = env_path("THUVIEN_CATALOG_DROP_DIR", DATA_DIR / "drop")
THUVIEN_CATALOG_DROP_SETTLE = env_int("THUVIEN_CATALOG_DROP_SETTLE", 120)

# OAI-PMH provider (/oai) and SRU server (/sru). The repository identifier is part of every
# OAI identifier: set it once, before the first harvest, and never change it.
THUVIEN_OAI_REPOSITORY_ID = env_str("THUVIEN_OAI_REPOSITORY_ID", "thuvien.local")
THUVIEN_OAI_ADMIN_EMAIL = env_str("THUVIEN_OAI_ADMIN_EMAIL", "")
THUVIEN_OAI_PAGE_SIZE = env_int("THUVIEN_OAI_PAGE_SIZE", 100)
THUVIEN_OAI_TOKEN_TTL = env_int("THUVIEN_OAI_TOKEN_TTL", 24 * 3600)
THUVIEN_SRU_MAX_RECORDS = env_int("THUVIEN_SRU_MAX_RECORDS", 100)
THUVIEN_SRU_SCAN_LIMIT = env_int("THUVIEN_SRU_SCAN_LIMIT", 5000)

# Digital collections. Derivatives (pyramidal TIFF, access JPEG, thumbnail, OCR words) live
# under THUVIEN_DIGITAL_DIR; masters and metadata are preserved in an OCFL storage root and
# replicated to a second root (put it on another disk or a mounted object store).
THUVIEN_DIGITAL_DIR = env_path("THUVIEN_DIGITAL_DIR", DATA_DIR / "digital")
THUVIEN_OCFL_ROOT = env_path("THUVIEN_OCFL_ROOT", DATA_DIR / "ocfl")
THUVIEN_OCFL_REPLICA = env_path("THUVIEN_OCFL_REPLICA", DATA_DIR / "ocfl-replica")
# Networks that count as "in the library" for objects readable on site only (CIDR list).
THUVIEN_DIGITAL_ONSITE_NETWORKS = env_list(
    "THUVIEN_DIGITAL_ONSITE_NETWORKS", "127.0.0.1/32,::1/128"
)
THUVIEN_DIGITAL_OCR = env_bool("THUVIEN_DIGITAL_OCR", True)
THUVIEN_DIGITAL_OCR_LANGUAGE = env_str("THUVIEN_DIGITAL_OCR_LANGUAGE", "vie")
# OCR processes (one per core; each runs tesseract single-threaded).
THUVIEN_DIGITAL_OCR_WORKERS = env_int("THUVIEN_DIGITAL_OCR_WORKERS", os.cpu_count() or 1)
# Every object's every copy is checked once per cycle, a share of them at each daily run.
THUVIEN_DIGITAL_AUDIT_CYCLE_DAYS = env_int("THUVIEN_DIGITAL_AUDIT_CYCLE_DAYS", 14)
# Who is mailed when an audit finds damage or a replication fails (comma-separated).
THUVIEN_DIGITAL_ALERT_EMAILS = env_list("THUVIEN_DIGITAL_ALERT_EMAILS", "")
THUVIEN_IIIF_MAX_WIDTH = env_int("THUVIEN_IIIF_MAX_WIDTH", 4000)
THUVIEN_IIIF_MAX_AREA = env_int("THUVIEN_IIIF_MAX_AREA", 16_000_000)
# Base of the URIs published in IIIF manifests (e.g. https://thuvien.gov.vn); empty: taken
# from each request.
THUVIEN_PUBLIC_URL = env_str("THUVIEN_PUBLIC_URL", "")

# Mail (reminders of reporting deadlines). By default messages are written as files under
# the data directory, so nothing is sent by accident from a development machine.
EMAIL_BACKEND = env_str("THUVIEN_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("THUVIEN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("THUVIEN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("THUVIEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("THUVIEN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("THUVIEN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("THUVIEN_EMAIL_FROM", "thuvien@localhost")

TASKS = {
    "default": {
        "BACKEND": env_str("THUVIEN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

THUVIEN_SEARCH = {
    "default": {
        "BACKEND": env_str(
            "THUVIEN_SEARCH_BACKEND", "thuvien.kernel.search.tantivy_backend.TantivyBackend"
        ),
        "PATH": str(env_path("THUVIEN_SEARCH_PATH", DATA_DIR / "index")),
    }
}

# Pages drawn from the national tables are cached here, shared by the server's processes
# (a directory: no cache server to run; entries are keyed by when the tables changed).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(env_path("THUVIEN_CACHE_DIR", DATA_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("THUVIEN_LOG_LEVEL", "WARNING")},
}

"""OpenIPS settings. Every machine-specific value comes from config.env."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import env, oidc_settings, security

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.get_bool("DEBUG")
SECRET_KEY = env.get("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "django-insecure-development-only-key-never-in-production"
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = str(env.get("SITE_URL")).rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_countries",
    "django_tasks_db",
    "seminars",
    "live",
    "polls",
    "scheduling",
    "registration",
    "media_library",
    "accesskeys",
    "organising",
    "meetings",
    "accounts",
    "axes",
    "ops",
    "ninja",
    "api",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics, answered before host checks, redirects and sessions.
    "ops.middleware.ProbeMiddleware",
    # Request id, log context, the access line and the HTTP metrics (ops/middleware.py).
    "ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages travel to weak connections: compress HTML (Django mitigates BREACH by padding).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # ?lang=xx on a link opens the page in xx and remembers it (config/languages.py).
    "config.languages.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "scheduling.middleware.ViewerTimeZoneMiddleware",
    # Bad input that reaches the top of a request is HTTP 400 with its message (config/edge.py).
    "config.edge.BadInputMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.languages.language_bar",
                "scheduling.context_processors.viewer_time_zone",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL says otherwise.
_database_url = env.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Daphne runs each request's sync code in a thread of its own, so a persistent
        # connection (CONN_MAX_AGE) was never reused: each request connected anew (about 1.5 ms
        # of CPU) and left its connection open until PostgreSQL refused clients under load.
        # Django's advice for ASGI: no persistent connections, the backend's pool instead.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": env.get_int("DATABASE_POOL_SIZE"),
        }
    # A test database per test run, so that parallel runs on one server do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}",
    }
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Whether the file is the default or named by DATABASE_URL: the web server's threads (each
    # request has its own connection, the live room's socket work another) and the task worker
    # share it. A deferred transaction that reads and then writes fails at once with "database
    # is locked" when another connection wrote in between; an immediate one waits its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How live-room frames reach sockets (live/transport/choice.py checks the value).
LIVE_TRANSPORT = str(env.get("LIVE_TRANSPORT")).strip().lower()

# The live stage (live/stage/, docs/live-stage.md): RTMP ingest through nginx, the HLS ladder.
LIVE_STAGE_RTMP_URL = str(env.get("LIVE_STAGE_RTMP_URL")).strip()
LIVE_STAGE_RTMP_PULL_URL = str(env.get("LIVE_STAGE_RTMP_PULL_URL")).strip().rstrip("/")
LIVE_STAGE_HLS_ROOT = BASE_DIR / str(env.get("LIVE_STAGE_HLS_ROOT"))
LIVE_STAGE_RECORDINGS_ROOT = BASE_DIR / str(env.get("LIVE_STAGE_RECORDINGS_ROOT"))
LIVE_STAGE_CALLBACK_NETWORKS = env.get_list("LIVE_STAGE_CALLBACK_NETWORKS")
LIVE_STAGE_END_GRACE_SECONDS = float(env.get("LIVE_STAGE_END_GRACE_SECONDS"))
LIVE_EMBED_HOSTS = [host.lower() for host in env.get_list("LIVE_EMBED_HOSTS")]

# Channel layer and cache: Redis when REDIS_URL is set, in-memory otherwise.
REDIS_URL = env.get("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "openips",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered page fragments whose key says everything they depend on (the agenda per seminar
# version, the zone selector per selection): each process keeps its own, since a Redis round
# trip would cost as much as the rest of a cached page. Bounded; the oldest go first.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 500},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "media"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in lockout (django-axes): failures are counted per account and per client address,
# either one past the limit pauses password sign-in (here and in the admin) for the cool-off.
# Each attempt during a lockout starts the cool-off again. Only failures are stored, no
# successful sign-ins (no personal data kept beyond the cool-off).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("LOGIN_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "seminars.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "seminars.ratelimit.lockout_response"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Proxies we run in front of the app (nginx: 1). Only the X-Forwarded-For entries they wrote
# are believed when limits and lockouts name a client (seminars/ratelimit.py).
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT")

LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "seminars:list"
LOGOUT_REDIRECT_URL = "seminars:list"
OIDC_PROVIDERS = oidc_settings.providers_from(env.get("OIDC_PROVIDERS"))

# Languages: English, French and Spanish first; Arabic, Chinese and Russian next.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The chosen language (the bar, or ?lang= on a link) is remembered for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.get("TIME_ZONE")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / str(env.get("STATIC_ROOT"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / str(env.get("MEDIA_ROOT"))

# Storage: local files by default, any S3-compatible endpoint with STORAGE_BACKEND=s3.
STORAGE_BACKEND = env.get("STORAGE_BACKEND")
S3_URL_EXPIRY = env.get_int("S3_URL_EXPIRY")
if STORAGE_BACKEND == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.get("S3_BUCKET"),
            "region_name": env.get("S3_REGION"),
            "endpoint_url": env.get("S3_ENDPOINT_URL") or None,
            "access_key": env.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": env.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_URL_EXPIRY,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
elif STORAGE_BACKEND == "local":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'local' or 's3', not {STORAGE_BACKEND!r}.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "config.staticfiles.StaticFilesStorage"
    },
}
MAX_UPLOAD_BYTES = env.get_int("MAX_UPLOAD_BYTES")
# Private media (presentations): its own storage, never under MEDIA_URL. Local files are
# served only through media_library's signed-URL view; on S3 the bucket stays private and
# playback uses presigned URLs.
PRIVATE_MEDIA_ROOT = BASE_DIR / str(env.get("PRIVATE_MEDIA_ROOT"))
if STORAGE_BACKEND == "s3":
    STORAGES["private_media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_media_storage["OPTIONS"], "file_overwrite": True},
    }
else:
    STORAGES["private_media"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
MEDIA_LEASE_SECONDS = env.get_int("MEDIA_LEASE_SECONDS")
FFMPEG_BINARY = str(env.get("FFMPEG_BINARY"))
FFPROBE_BINARY = str(env.get("FFPROBE_BINARY"))

# --- Upload bounds (issue 10, "uploads"): what an uploaded video may decode to. ---
# Checked with ffprobe before processing; see media_library/services/bounds.py.
MEDIA_MAX_WIDTH = env.get_int("MEDIA_MAX_WIDTH")
MEDIA_MAX_HEIGHT = env.get_int("MEDIA_MAX_HEIGHT")
MEDIA_MAX_DURATION_SECONDS = env.get_int("MEDIA_MAX_DURATION_SECONDS")
MEDIA_MAX_FPS = env.get_int("MEDIA_MAX_FPS")
# --- end of upload bounds ---


def _mailer(url: str) -> dict:
    """Django 6.1 MAILERS entry from EMAIL_URL."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": parts.scheme == "smtp+tls",
                "use_ssl": parts.scheme == "smtp+ssl",
                "timeout": 30,
            },
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme must be console or smtp, not {parts.scheme!r}.")


MAILERS = {"default": _mailer(str(env.get("EMAIL_URL")))}

# --- Product limits: Django settings with their defaults here, not environment variables ---
# (docs/security.md: a link's lifetime or a room's rate limit is the product's policy, not a
# machine's). Code reads them when used (live/conf.py, registration/services/limits.py,
# accesskeys/purposes.py), so override_settings and a settings module of one's own apply.
# Rates are (how many, per seconds): per person per room, across tabs and server processes,
# except LIVE_ROOM_IDENTITY_RATE and LIVE_GUEST_ASK_RATE_PER_CLIENT (per client address:
# a room on one venue network shares both; a hall of 300 phones behind one venue NAT scans the
# QR code in the same few minutes) and LIVE_FRAME_RATE (per socket, in the process holding it).
LIVE_ASK_RATE = (3, 60)
LIVE_VOTE_RATE = (30, 60)
LIVE_ROOM_IDENTITY_RATE = (300, 600)
LIVE_GUEST_ASK_RATE_PER_CLIENT = (10, 60)
LIVE_FRAME_RATE = (20, 10)
LIVE_MAX_CONNECTIONS_PER_PERSON = 5
LIVE_SEND_QUEUE_FRAMES = 1000
# Bytes a socket's server transport may hold unsent (a reader that stopped reading) before it
# is closed with 4008 too; bounds the server's memory per slow client.
LIVE_SEND_BUFFER_BYTES = 1024 * 1024
LIVE_REPLAY_MAX_EVENTS = 500
LIVE_PRESENCE_INTERVAL = 5.0
# Keep the garbage collector's full passes off the sockets a process holds
# (live/transport/gcpolicy.py); tests turn it off.
LIVE_GC_FREEZE = True
# Every process holding sockets beats this often (one UPDATE of its LiveProcess row)...
LIVE_PROCESS_HEARTBEAT_INTERVAL = 2.0
# ...and one that has not beaten for this long is dead: its connections stop counting towards
# LIVE_MAX_CONNECTIONS_PER_PERSON and are swept. Three missed beats, so that a busy moment is
# not taken for a crash; a restart frees the tabs within 10 s.
LIVE_PROCESS_DEAD_AFTER = 6.0
# Emailed links (confirmations, sign-in links) one address, and one client, may ask for.
# One person registering, then asking for a sign-in link or two: well within; a registration
# desk on one network registers many people: generous, but bounded.
REGISTRATION_LINK_RATE_PER_ADDRESS = (5, 3600)
# The public API (api/): calls per token, or per client address without one.
API_RATE_LIMIT = tuple(int(part) for part in str(env.get("API_RATE_LIMIT")).split("/", 1))
# Webhooks: seconds before each retry (about a day in all, then the delivery fails), how many
# failed attempts in a row disable a subscription, and whether private addresses are allowed.
WEBHOOK_RETRY_DELAYS = (5, 300, 1800, 7200, 18000, 36000, 25200)
WEBHOOK_DISABLE_AFTER_FAILURES = 15
WEBHOOK_ALLOW_PRIVATE_URLS = env.get_bool("WEBHOOK_ALLOW_PRIVATE_URLS")
WEBHOOK_TIMEOUT_SECONDS = 10
REGISTRATION_LINK_RATE_PER_CLIENT = (20, 600)
# Lifetimes in seconds of the signed links of accesskeys/purposes.py (its max_age_setting):
# a hard bound, even where a purpose's ends_at is later.
_DAY = 24 * 3600
REGISTRATION_JOIN_LINK_MAX_AGE = 400 * _DAY
REGISTRATION_CONFIRM_LINK_MAX_AGE = 3600
REGISTRATION_SIGN_IN_LINK_MAX_AGE = 15 * 60
ACCOUNT_SIGN_IN_LINK_MAX_AGE = 15 * 60
REGISTRATION_CALENDAR_LINK_MAX_AGE = 400 * _DAY
MEETINGS_OFFICER_CALENDAR_LINK_MAX_AGE = 400 * _DAY
LIVE_ROOM_INVITE_MAX_AGE = 3600
LIVE_ROOM_TOKEN_MAX_AGE = 4 * 3600
# An organiser's invitation to a role (organising/services): a week to accept it.
ORGANISING_INVITATION_MAX_AGE = 7 * _DAY

# Registration values: bump the version when the privacy notice's text changes (consents
# record the version they were given); lead score weights apply where a seminar has no
# LeadScoreWeights row.
REGISTRATION_PRIVACY_NOTICE_VERSION = "2026-11"
LEAD_SCORE_WEIGHTS = {
    "registered": 1,
    "checked_in": 3,
    "minutes_present": 1,
    "questions": 2,
    "contact_me": 10,
    "slides_downloaded": 2,
    "recording_watched": 1,
    "segment_match": 3,
    # Points per poll of the agency's sessions the vendor answered (polls app). Not a
    # LeadScoreWeights column yet: a seminar's row keeps this default.
    "polls_answered": 2,
}
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL")

# Logs: readable lines by default, one JSON object per line with LOG_FORMAT=json (ops/logs.py).
LOG_FORMAT = env.get("LOG_FORMAT")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "ops.logs.ContextFilter"},
        "refusals": {"()": "ops.logs.RefusalFilter"},
    },
    "formatters": {
        "plain": {"()": "ops.logs.PlainFormatter"},
        "json": {"()": "ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL")},
    "loggers": {
        # Django's default gives "django" a console handler of its own under DEBUG: every
        # line would be printed twice. One handler, the root's.
        "django": {"handlers": [], "propagate": True},
        # A refused request (4xx) is one access line, not a traceback (ops/logs.py).
        "django.request": {"filters": ["refusals"]},
    },
}

# Metrics (ops/): a bearer token, or else only peers in these networks may read /metrics.
METRICS_TOKEN = env.get("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env.get_list("METRICS_ALLOWED_NETWORKS")
METRICS_WORKER_PORT = env.get("METRICS_WORKER_PORT")
# Drain on SIGTERM (ops/drain.py).
DRAIN_SECONDS = float(env.get("DRAIN_SECONDS"))
DRAIN_GRACE_SECONDS = float(env.get("DRAIN_GRACE_SECONDS"))

# ---------------------------------------------------------------------------------------------
# Security headers and HTTPS. One block, so that merges stay easy; docs/security.md explains it.
# ---------------------------------------------------------------------------------------------
# The Content-Security-Policy on every response (Django's own middleware, placed right after
# SecurityMiddleware): no inline script or style anywhere, media and uploads also from the
# S3 endpoint when one is configured. config/security.py builds it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")
SECURE_CSP = security.content_security_policy(
    site_url=SITE_URL,
    storage_origins=security.storage_origins(
        backend=STORAGE_BACKEND,
        endpoint_url=env.get("S3_ENDPOINT_URL"),
        region=env.get("S3_REGION"),
    ),
    # Signing in and out with an identity provider: a form here redirects to the provider.
    form_origins=oidc_settings.provider_origins(OIDC_PROVIDERS),
    # The live stage's external players: only the allow-listed hosts may be framed.
    frame_origins=[f"https://{host}" for host in LIVE_EMBED_HOSTS],
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Join and sign-in links carry tokens in their paths: never send a path to another site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the single sign-on callback is a top-level GET from the identity provider,
# which must carry the session that holds its state and nonce. Cross-site POSTs carry neither.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.get_int("SESSION_LIFETIME_HOURS") * 3600
if not DEBUG:
    # Production means HTTPS: cookies never travel in clear, browsers remember to use HTTPS.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD")
    SECURE_PROXY_SSL_HEADER = security.proxy_ssl_header(env.get("SECURE_PROXY_SSL_HEADER"))
# ---------------------------------------------------------------------------------------------

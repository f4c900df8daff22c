"""The one reader of the environment.

Every setting that can change between machines is declared here once, with its
default and the variable that overrides it. README.md's configuration table lists
the same names; ``tests/test_config.py`` checks the two agree.
"""

import os
from dataclasses import dataclass

_UNSET = object()


@dataclass(frozen=True)
class Variable:
    name: str
    default: object
    help: str


VARIABLES: dict[str, Variable] = {}


def _declare(name: str, default: object, help: str) -> Variable:
    variable = Variable(name, default, help)
    VARIABLES[name] = variable
    return variable


def get(name: str) -> str | None:
    """The raw value of a declared variable, or its default."""
    variable = VARIABLES[name]
    value = os.environ.get(name)
    if value is None or value == "":
        return variable.default  # type: ignore[return-value]
    return value


def get_bool(name: str) -> bool:
    value = get(name)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def get_int(name: str) -> int:
    return int(get(name))  # type: ignore[arg-type]


def get_list(name: str) -> list[str]:
    value = get(name) or ""
    return [item.strip() for item in str(value).split(",") if item.strip()]


_declare("DEBUG", "true", "Django debug mode. Set to false in production.")
_declare(
    "SECRET_KEY",
    None,
    "Django secret key. Required when DEBUG is false; a development key is used otherwise.",
)
_declare("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]", "Comma-separated host names served.")
_declare(
    "CSRF_TRUSTED_ORIGINS",
    "",
    "Comma-separated origins (scheme://host[:port]) trusted for forms and WebSockets.",
)
_declare(
    "DATABASE_URL",
    "",
    "Database, e.g. postgres://user@host:5432/openips. Empty: SQLite file db.sqlite3.",
)
_declare(
    "DATABASE_POOL_SIZE",
    "8",
    "Most PostgreSQL connections each server process keeps in its pool; half serve live "
    "sockets opening and closing.",
)
_declare(
    "REDIS_URL",
    "",
    "Redis for the channel layer (pub/sub) and cache, e.g. redis://127.0.0.1:6379/0. "
    "Empty: in-memory channel layer, one process only.",
)
_declare(
    "LIVE_TRANSPORT",
    "auto",
    "How live-room frames reach sockets (docs/live-transport.md): auto (the Daphne fast path "
    "when its start-up self-check passes, else portable with one WARNING), portable (public "
    "Channels/ASGI APIs, any ASGI server) or daphne (the fast path, or refuse to start).",
)
_declare(
    "LIVE_STAGE_RTMP_URL",
    "",
    "Where encoders (OBS, vMix, a hardware encoder) send the live stage over RTMP, e.g. "
    "rtmp://seminars.example.org/live (docs/live-stage.md). Empty: live ingest is off and the "
    "stage offers pre-recorded and external sources only.",
)
_declare(
    "LIVE_STAGE_RTMP_PULL_URL",
    "rtmp://127.0.0.1:1935/live",
    "Where the transcoder reads published streams from nginx's RTMP application, on loopback.",
)
_declare(
    "LIVE_STAGE_HLS_ROOT",
    "live_hls",
    "Folder the live transcoder writes HLS playlists and segments to (one folder per session); "
    "nginx serves it at /live-hls/.",
)
_declare(
    "LIVE_STAGE_RECORDINGS_ROOT",
    "live_recordings",
    "Folder nginx's RTMP module records streams to; a finished recording outside it is refused.",
)
_declare(
    "LIVE_STAGE_CALLBACK_NETWORKS",
    "127.0.0.1/32,::1/128",
    "Addresses nginx's RTMP callbacks (on_publish, on_publish_done, on_record_done) may come from.",
)
_declare(
    "LIVE_STAGE_END_GRACE_SECONDS",
    "30",
    "How long after an encoder disconnects the room says reconnecting before it shows the "
    "stream as ended.",
)
_declare(
    "LIVE_EMBED_HOSTS",
    "www.youtube-nocookie.com,player.vimeo.com",
    "Hosts whose players a stage may embed (YouTube and Vimeo links become their privacy-"
    "enhanced players); the Content-Security-Policy frame-src lists exactly these.",
)
_declare(
    "SITE_URL",
    "http://127.0.0.1:8000",
    "Public base URL, used in emails, tasks and calendar UIDs (`make run` sets it from HOST "
    "and PORT when unset).",
)
_declare("HOST", "127.0.0.1", "Address `make run` binds to.")
_declare("PORT", "8000", "Port `make run` listens on.")
_declare("TIME_ZONE", "UTC", "Server time zone for logs and the admin (seminars carry their own).")
_declare("MEDIA_ROOT", "media", "Folder for uploaded files with local storage.")
_declare("STATIC_ROOT", "staticfiles", "Folder `collectstatic` writes to.")
_declare(
    "STORAGE_BACKEND",
    "local",
    "Where uploads live: local (MEDIA_ROOT) or s3 (any S3-compatible endpoint).",
)
_declare("S3_BUCKET", "openips-media", "Bucket for uploads with STORAGE_BACKEND=s3.")
_declare("S3_REGION", "us-east-1", "Region of the bucket.")
_declare("S3_ENDPOINT_URL", "", "Endpoint of an S3-compatible server; empty for AWS itself.")
_declare("S3_ACCESS_KEY_ID", "", "Access key for the bucket.")
_declare("S3_SECRET_ACCESS_KEY", "", "Secret key for the bucket.")
_declare("S3_URL_EXPIRY", "3600", "Seconds a signed media URL stays valid.")
_declare(
    "EMAIL_URL",
    "console://",
    "Outgoing mail: console:// (print), smtp://user:pass@host:port, smtp+tls://…",
)
_declare("DEFAULT_FROM_EMAIL", "OpenIPS <noreply@openips.localhost>", "Sender of emails.")
_declare(
    "MAX_UPLOAD_BYTES",
    str(4 * 1024**3),
    "Largest video accepted, in bytes (default 4 GiB).",
)
_declare("FFMPEG_BINARY", "ffmpeg", "ffmpeg executable for media processing.")
_declare("FFPROBE_BINARY", "ffprobe", "ffprobe executable for media validation.")
_declare(
    "PRIVATE_MEDIA_ROOT",
    "private_media",
    "Folder for private uploads (presentations) with local storage; never served directly.",
)
_declare(
    "MEDIA_LEASE_SECONDS",
    "120",
    "Seconds a media processing job may go without a heartbeat before it counts as abandoned.",
)
_declare(
    "TRUSTED_PROXY_COUNT",
    "0",
    "Reverse proxies in front of the app that append to X-Forwarded-For (1 behind the nginx of "
    "deploy/); only their entries name the client for limits and lockouts. 0: the peer address.",
)
_declare(
    "LOGIN_FAILURE_LIMIT",
    "5",
    "Failed password sign-ins per account, and per client address, before sign-in is paused.",
)
_declare(
    "LOGIN_LOCKOUT_MINUTES",
    "15",
    "Minutes password sign-in stays paused after too many failures (each further try restarts).",
)
_declare(
    "API_RATE_LIMIT",
    "600/60",
    "API calls allowed per token (or per client address without one): count/seconds.",
)
_declare(
    "WEBHOOK_ALLOW_PRIVATE_URLS",
    "false",
    "Let webhooks post to loopback and private addresses (tests and closed networks only).",
)
_declare(
    "SESSION_LIFETIME_HOURS",
    "336",
    "Hours a sign-in lasts (every way of signing in) before the person signs in again; "
    "default 14 days.",
)
_declare(
    "OIDC_PROVIDERS",
    "",
    "Identity providers for single sign-on, as a JSON list (docs/sign-in.md): key, name, "
    "issuer, client_id, client_secret, scopes, domains, groups_claim, groups, link_domains. "
    "Empty: no single sign-on.",
)
# What an uploaded video may decode to (media_library/services/bounds.py): checked with
# ffprobe before any frame is decoded. Deployment concerns: they trade what presenters may
# send against the memory, CPU time and disk of the machine that transcodes.
_declare(
    "MEDIA_MAX_WIDTH",
    "3840",
    "Widest video frame accepted, in pixels (the longer side; portrait videos too).",
)
_declare(
    "MEDIA_MAX_HEIGHT",
    "2160",
    "Highest video frame accepted, in pixels (the shorter side; portrait videos too).",
)
_declare(
    "MEDIA_MAX_DURATION_SECONDS",
    str(4 * 3600),
    "Longest video accepted, in seconds (default 4 hours).",
)
_declare("MEDIA_MAX_FPS", "60", "Most frames per second a video may have.")
_declare("LOG_LEVEL", "INFO", "Root log level.")

# --- Security headers and HTTPS (production only: each applies when DEBUG is false) ---
_declare(
    "SECURE_SSL_REDIRECT",
    "true",
    "With DEBUG false: redirect every plain-HTTP request to HTTPS.",
)
_declare(
    "SECURE_HSTS_SECONDS",
    "31536000",
    "With DEBUG false: seconds browsers must use HTTPS only (Strict-Transport-Security); "
    "0 sends no HSTS header.",
)
_declare(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "true",
    "HSTS covers every subdomain too (includeSubDomains).",
)
_declare(
    "SECURE_HSTS_PRELOAD",
    "false",
    "Add `preload` to HSTS. Only once every subdomain serves HTTPS and the domain is to be "
    "submitted to the browsers' preload list; hard to undo.",
)
_declare(
    "SECURE_PROXY_SSL_HEADER",
    "X-Forwarded-Proto",
    "With DEBUG false: the header by which the reverse proxy says the request came over HTTPS "
    "(value `https`); `off` when Daphne faces clients directly. The proxy must set or strip it.",
)

# --- Operations (issue 12): logs, metrics, drain. ops/ reads them. ---
_declare(
    "LOG_FORMAT",
    "plain",
    "plain: readable lines (the default for `make run`); json: one JSON object per line with "
    "request id, user id, seminar and session (production).",
)
_declare(
    "METRICS_TOKEN",
    "",
    "Bearer token Prometheus sends to /metrics (Authorization: Bearer …). Empty: /metrics "
    "answers only clients in METRICS_ALLOWED_NETWORKS.",
)
_declare(
    "METRICS_ALLOWED_NETWORKS",
    "127.0.0.1/32,::1/128",
    "Comma-separated networks (CIDR) whose direct peers may read /metrics without a token.",
)
_declare(
    "METRICS_WORKER_PORT",
    "",
    "Port on which `manage.py worker` serves its own /metrics (task durations, emails); "
    "empty: none.",
)
_declare(
    "DRAIN_SECONDS",
    "5",
    "On SIGTERM, seconds over which a web process closes its live sockets (1001), spread so "
    "that the other processes are not stampeded by reconnections.",
)
_declare(
    "DRAIN_GRACE_SECONDS",
    "20",
    "On SIGTERM, seconds a web process waits for HTTP requests in flight before it exits.",
)

"""Every Prometheus metric of OpenIPS, defined once (prometheus-client's default registry).

Each process serves its own figures at /metrics (a web process) or on METRICS_WORKER_PORT
(``manage.py worker``); Prometheus adds the instance, so "per process" is a query. Figures
read from the database (task queue depth, media jobs by state) are gathered when scraped.
The live room calls the small functions at the end from one line each, so its code stays
free of metric names.
"""

import logging
import time

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# Seconds; from a page served from cache (a millisecond) to an export (tens of seconds).
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Seconds from publish to the write on a socket: tens of milliseconds when healthy.
LIVE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
TASK_BUCKETS = (0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600)

HTTP_REQUESTS = Counter(
    "openips_http_requests", "HTTP requests answered, by view and status", ["view", "status"]
)
HTTP_LATENCY = Histogram(
    "openips_http_request_duration_seconds",
    "Time to answer an HTTP request, by view",
    ["view"],
    buckets=HTTP_BUCKETS,
)
LIVE_SOCKETS = Gauge(
    "openips_live_sockets_open", "Live room sockets open in this process, by level", ["level"]
)
LIVE_PUBLISHED = Counter("openips_live_events_published", "Room events published")
LIVE_DELIVERED = Counter(
    "openips_live_events_delivered", "Room event frames delivered to sockets of this process"
)
LIVE_LATENCY = Histogram(
    "openips_live_delivery_latency_seconds",
    "From an event's publish to its delivery by this process's hub",
    buckets=LIVE_BUCKETS,
)
LIVE_CLOSED_BEHIND = Counter(
    "openips_live_sockets_closed_behind", "Sockets closed (4008) for falling behind"
)
LIVE_REPAIRS = Counter(
    "openips_live_feed_repairs", "Events a feed missed on the channel layer and read back"
)
TASK_DURATION = Histogram(
    "openips_task_duration_seconds",
    "Run time of finished tasks, by queue and outcome",
    ["queue", "status"],
    buckets=TASK_BUCKETS,
)
EMAILS = Counter("openips_emails", "Emails handed to the mail server, by outcome", ["outcome"])


def _level(level_key: str) -> str:
    """A bounded label: ``attendees``, ``moderators``, and ``agency-17`` as ``agency``."""
    return "agency" if level_key.startswith("agency-") else level_key


# --- hooks, one line each in the code they measure ---


def socket_opened(level_key: str) -> None:
    LIVE_SOCKETS.labels(_level(level_key)).inc()


def socket_closed(level_key: str) -> None:
    LIVE_SOCKETS.labels(_level(level_key)).dec()


def event_published() -> None:
    LIVE_PUBLISHED.inc()


def event_delivered(sockets: int, sent_at: float | None) -> None:
    LIVE_DELIVERED.inc(sockets)
    if sent_at is not None:
        LIVE_LATENCY.observe(max(0.0, time.time() - sent_at))


def socket_closed_behind() -> None:
    LIVE_CLOSED_BEHIND.inc()


def feed_repaired() -> None:
    LIVE_REPAIRS.inc()


def email_sent(ok: bool) -> None:
    EMAILS.labels("sent" if ok else "failed").inc()


def _task_finished(sender, task_result, **kwargs) -> None:
    started, finished = task_result.started_at, task_result.finished_at
    if started is None or finished is None:
        return
    TASK_DURATION.labels(task_result.task.queue_name, str(task_result.status).lower()).observe(
        (finished - started).total_seconds()
    )


def connect_task_signals() -> None:
    from django.tasks.signals import task_finished

    task_finished.connect(_task_finished, dispatch_uid="ops.metrics.task_finished")


class DatabaseCollector:
    """Task queue depth by queue and media jobs by state, counted when scraped (two grouped
    counts over indexed columns)."""

    def describe(self):
        return []

    def collect(self):
        try:
            yield from self._collect()
        except Exception:
            logger.warning("metrics: the database figures could not be read", exc_info=True)

    @staticmethod
    def _collect():
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        from media_library.models import MediaAsset

        depth = GaugeMetricFamily(
            "openips_task_queue_depth", "Tasks waiting to run, by queue", labels=["queue"]
        )
        waiting = (
            DBTaskResult.objects.filter(status="READY")
            .values_list("queue_name")
            .annotate(n=Count("pk"))
        )
        for queue, count in waiting:
            depth.add_metric([queue], count)
        yield depth
        media = GaugeMetricFamily(
            "openips_media_jobs", "Media assets by processing state", labels=["state"]
        )
        for state, count in MediaAsset.objects.values_list("status").annotate(n=Count("pk")):
            media.add_metric([state], count)
        yield media


_collector = DatabaseCollector()
REGISTRY.register(_collector)

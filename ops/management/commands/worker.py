"""``manage.py worker``: django-tasks-db's ``db_worker`` plus its /metrics.

Same options as ``db_worker``. On SIGTERM (or Ctrl-C) the worker finishes the task it runs and
exits; a second signal ends it at once, and a media job it held is taken up again by another
worker when its lease runs out (MEDIA_LEASE_SECONDS).
"""

import os

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ops import worker_metrics


class Command(DbWorkerCommand):
    help = "Run queued tasks (db_worker), serving /metrics on METRICS_WORKER_PORT when set."

    def handle(self, *args, **options):
        # With --reload (the default under DEBUG) the parent only watches files; the child,
        # which runs the tasks, serves the figures.
        runs_tasks = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if settings.METRICS_WORKER_PORT and runs_tasks:
            worker_metrics.serve(int(settings.METRICS_WORKER_PORT))
        return super().handle(*args, **options)

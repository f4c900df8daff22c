"""Extension points other apps connect to. Sent by services after their transaction commits."""

from django.dispatch import Signal

# A session of a seminar moved in time. Keyword argument: session_id.
session_rescheduled = Signal()

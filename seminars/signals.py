"""Extension points other apps connect to. Sent by services after their transaction commits."""

from django.dispatch import Signal

# A session of a seminar moved in time. Keyword argument: session_id.
session_rescheduled = Signal()

# A session was created, or its times changed (``session_rescheduled`` is sent too then).
# Keyword argument: session_id. Polls queues the session's feedback requests for its end.
session_times_set = Signal()

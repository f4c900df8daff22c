"""Ask the attendees of sessions that ended recently for their feedback (each person once)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from polls.feedback import feedback_requests_send, sessions_awaiting_feedback_requests


class Command(BaseCommand):
    help = "Email the feedback request of every session that ended in the last two days."

    def handle(self, *args, **options) -> None:
        sent = sum(
            feedback_requests_send(session_id=pk)
            for pk in sessions_awaiting_feedback_requests(within=timedelta(days=2))
        )
        self.stdout.write(f"{sent} feedback requests sent")

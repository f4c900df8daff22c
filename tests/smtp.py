"""A real SMTP server (aiosmtpd) for tests that read the emails as a mail client would."""

import email
import email.policy
import socket
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Collector:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(settings):
    """Start a server on a free port and point Django's default mailer at it."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    # The test runner swaps MAILERS for locmem; point it at the real server for this test.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port},
        }
    }
    try:
        yield collector
    finally:
        controller.stop()

"""The emailed sign-in link, in the person's language; sent after commit by the service."""

import logging
import smtplib

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accesskeys import purposes
from ops import mail

logger = logging.getLogger(__name__)


def sign_in_link_url(raw_token: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:link', kwargs={'token': raw_token})}"


def send_sign_in_link(*, email: str, raw_token: str, language: str) -> None:
    minutes = max(1, int(purposes.ACCOUNT_SIGN_IN.max_age().total_seconds() // 60))
    with translation.override(language):
        message = mail.message_build(
            subject=_("Your OpenIPS sign-in link"),
            body=render_to_string(
                "accounts/email/sign_in_link.txt",
                {"url": sign_in_link_url(raw_token), "minutes": minutes},
            ),
            to=[email],
        )
    try:
        message.send(using="default")
    except (OSError, smtplib.SMTPException):
        # After commit, like every vendor email: an outage is logged and the person can ask
        # again; the page they saw said the same for every address anyway.
        logger.exception("Could not send a sign-in link to %s", email)

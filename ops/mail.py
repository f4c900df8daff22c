"""Every transactional email is built here: the text part, and the same text as HTML marked
with its language and direction, so that mail clients lay Arabic out right to left (a text
part has no way to say so). Callers render the text in the recipient's language first."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def message_build(
    *, subject: str, body: str, to: list[str], language: str | None = None
) -> EmailMultiAlternatives:
    """A text + HTML message from DEFAULT_FROM_EMAIL; ``language`` is the text's (the active
    language when not given). Attachments are the caller's. Sends nothing."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        bidi = translation.get_language_info(language)["bidi"]
    except KeyError:
        bidi = False
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    html = render_to_string(
        "email/_body.html",
        {"subject": subject, "body": body, "bidi": bidi, "language": language},
    )
    message.attach_alternative(html, "text/html")
    return message

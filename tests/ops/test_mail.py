"""Every transactional email carries an HTML part marked with its language and direction
(ops/mail.py), read back from a real SMTP server (aiosmtpd) as a mail client would."""

from html import unescape

import pytest

from accounts.emails import send_sign_in_link
from organising.emails import Notice, notice_send
from polls.feedback import feedback_requests_send
from registration.models import Person
from tests.polls.test_feedback import ended  # noqa: F401 - a fixture, used by name
from tests.smtp import smtp_server


def _parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@pytest.mark.django_db
def test_arabic_sign_in_link_agenda_change_and_feedback_emails_are_right_to_left(
    settings,
    ended,  # noqa: F811 - the fixture imported above
):
    Person.objects.filter(email="grace@x.example").update(preferred_language="ar")
    with smtp_server(settings) as mailbox:
        send_sign_in_link(email="layla@x.example", raw_token="t" * 43, language="ar")
        notice_send(
            Notice("karim@x.example", "ar", "Asia/Dubai", "تغيير في البرنامج", "نص الإشعار", None)
        )
        feedback_requests_send(session_id=ended["session"].pk)
    by_address = {m["To"]: m for m in mailbox.messages}
    for address in ("layla@x.example", "karim@x.example", "grace@x.example"):
        text, html = _parts(by_address[address])
        assert '<html lang="ar" dir="rtl">' in html and '<body dir="rtl">' in html, address
        # The HTML part says what the text part says.
        assert text.strip().splitlines()[0] in unescape(html), address
    # A Spanish recipient of the same email reads it left to right.
    _text, spanish = _parts(by_address["kofi@x.example"])
    assert '<html lang="es" dir="ltr">' in spanish


@pytest.mark.django_db
def test_an_unknown_language_falls_back_to_left_to_right():
    from ops.mail import message_build

    message = message_build(subject="S", body="B", to=["a@x.example"], language="xx")
    html = message.alternatives[0].content
    assert '<html lang="xx" dir="ltr">' in html

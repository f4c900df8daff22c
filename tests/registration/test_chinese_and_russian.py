"""Simplified Chinese and Russian: a page, the registration emails and Russian plural forms."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from registration import services
from tests.factories import registration_payload

# (Django language code, what the agenda's calendar box says, the emails' subjects and a line
# of the confirmation's body)
LANGUAGES = [
    (
        "zh-hans",
        ["在日历应用中订阅", "下载议程（.ics）"],
        "请确认您的注册：",
        "您已注册：",
        "您将线上参会。",
    ),
    (
        "ru",
        ["Подписаться в приложении календаря", "Скачать программу (.ics)"],
        "Подтвердите регистрацию: ",
        "Вы зарегистрированы: ",
        "Вы будете участвовать онлайн.",
    ),
]


@pytest.mark.parametrize(("language", "agenda_words", "_link", "_subject", "_line"), LANGUAGES)
def test_the_agenda_reads_in_chinese_and_russian(
    client, open_seminar, agencies, language, agenda_words, _link, _subject, _line
):
    url = reverse("seminars:detail", kwargs={"slug": open_seminar.slug})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}" dir="ltr">' in page
    for words in agenda_words:
        assert words in page
    assert "Subscribe in your calendar app" not in page


@pytest.mark.parametrize(("language", "_agenda", "link", "subject", "line"), LANGUAGES)
def test_registration_emails_come_in_the_vendors_chinese_or_russian(
    client,
    open_seminar,
    agencies,
    django_capture_on_commit_callbacks,
    language,
    _agenda,
    link,
    subject,
    line,
):
    payload = registration_payload(preferred_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_request(seminar=open_seminar, payload=payload, client="192.0.2.1")
    (link_mail,) = mail.outbox
    assert link_mail.subject == link + open_seminar.title
    url = next(row for row in link_mail.body.splitlines() if "/register/confirm/" in row).strip()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 302
    confirmation = mail.outbox[1]
    assert confirmation.subject == subject + open_seminar.title
    assert line in confirmation.body
    assert "You are registered" not in confirmation.body


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 голос"),
        (3, "3 голоса"),
        (5, "5 голосов"),
        (21, "21 голос"),
        (11, "11 голосов"),
        (22, "22 голоса"),
    ],
)
def test_russian_plurals_pick_the_form_for_the_number(count, expected):
    with translation.override("ru"):
        text = translation.ngettext("%(v)s vote", "%(v)s votes", count) % {"v": count}
    assert text == expected


@pytest.mark.parametrize("count", [1, 3, 5, 21])
def test_chinese_has_one_form_for_every_number(count):
    with translation.override("zh-hans"):
        text = translation.ngettext("%(v)s vote", "%(v)s votes", count) % {"v": count}
    assert text == f"{count} 票"

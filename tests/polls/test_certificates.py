"""Certificates of attendance: the rule, the PDFs in English and Arabic (text and fonts read
back with pypdf), the refusal below the threshold, and the verification page."""

import io
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from live.models import Attendance
from polls.certificates import certificate_issue, certificate_pdf, verification_url
from polls.models import Certificate, CertificateRule
from registration.models import Company, Person, Registration
from tests import factories


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _vendor(seminar, session, *, name: str, language: str, minutes: int):
    user = factories.UserFactory(email=f"{language}@x.example")
    company = Company.objects.create(legal_name="Banda Textiles Ltd", country="KE")
    person = Person.objects.create(
        user=user, email=user.email, full_name=name, preferred_language=language,
        time_zone="Africa/Nairobi", company=company,
    )  # fmt: skip
    Registration.objects.create(
        seminar=seminar,
        person=person,
        company=company,
        status="confirmed",
        attendance_mode="online",
        calendar_token=secrets.token_urlsafe(32),
        check_in_code=secrets.token_hex(4),
    )
    Attendance.objects.create(
        session=session, user=user, first_joined_at=timezone.now(), seconds_present=minutes * 60
    )
    return user


@pytest.fixture
def seminar(db):
    seminar = factories.SeminarFactory(title="Nairobi Procurement Seminar")
    session = factories.SessionFactory(seminar=seminar, title="Selling to UNICEF")
    CertificateRule.objects.create(seminar=seminar, min_live_minutes=60)
    return {
        "seminar": seminar,
        "english": _vendor(seminar, session, name="Grace Banda", language="en", minutes=75),
        "arabic": _vendor(seminar, session, name="ليلى حداد", language="ar", minutes=90),
        "short": _vendor(seminar, session, name="Kofi Mensah", language="fr", minutes=20),
        "organizer": factories.RoleFactory(seminar=seminar, role="organizer").user,
    }


@pytest.mark.parametrize(("who", "expected"), [("english", "Grace Banda"), ("arabic", "ليلى")])
def test_the_pdf_names_the_person_and_the_verification_link_in_fonts_for_its_script(
    seminar, who, expected
):
    certificate = certificate_issue(seminar=seminar["seminar"], user=seminar[who])
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate=certificate)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert verification_url(certificate) in text.replace("\n", "")
    fonts = _fonts(reader)
    assert any(f.split("+")[-1].startswith("Noto-Sans") for f in fonts), fonts
    if who == "arabic":
        # Shaped by HarfBuzz, so text extraction gives presentation forms; the font list
        # shows the Arabic glyphs came from an Arabic font, not a fallback box.
        assert any("Arabic" in f for f in fonts), fonts
        assert certificate.language == "ar"
    else:
        assert expected in text and "Banda Textiles Ltd" in text


def test_the_fonts_cover_chinese_and_cyrillic_too(seminar):
    certificate = certificate_issue(seminar=seminar["seminar"], user=seminar["english"])
    certificate.full_name = "李娜 · Анна Иванова"
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate=certificate)))
    fonts = _fonts(reader)
    assert any("CJK" in f for f in fonts), fonts
    assert "Анна" in "".join(page.extract_text() for page in reader.pages)


def test_below_the_threshold_there_is_no_certificate(client, seminar):
    client.force_login(seminar["short"])
    url = reverse("polls:certificate_download", args=[seminar["seminar"].slug])
    response = client.get(url)
    assert response.status_code == 403 and "attendance rule" in response.content.decode()
    assert Certificate.objects.count() == 0


def test_download_then_verify_valid_then_revoked(client, seminar):
    client.force_login(seminar["english"])
    response = client.get(reverse("polls:certificate_download", args=[seminar["seminar"].slug]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    certificate = Certificate.objects.get()
    client.logout()
    verify = reverse("polls:certificate_verify", args=[certificate.code])
    page = client.get(verify).content.decode()
    assert "Valid" in page and "Grace Banda" in page and "Banda Textiles" not in page
    client.force_login(seminar["organizer"])
    manage = reverse("polls:certificates", args=[seminar["seminar"].slug])
    client.post(manage, {"action": "revoke", "revoke": certificate.pk})
    client.logout()
    page = client.get(verify).content.decode()
    assert "Revoked" in page and "Valid" not in page


@pytest.mark.parametrize("posted", ["abc", "", "1e3", "-1", "999999"])
def test_revoking_something_that_is_not_the_seminars_certificate_is_404(client, seminar, posted):
    client.force_login(seminar["english"])
    client.get(reverse("polls:certificate_download", args=[seminar["seminar"].slug]))
    client.force_login(seminar["organizer"])
    manage = reverse("polls:certificates", args=[seminar["seminar"].slug])
    response = client.post(manage, {"action": "revoke", "revoke": posted})
    assert response.status_code == 404
    assert Certificate.objects.get().revoked_at is None


def test_organiser_issues_certificates_to_the_eligible_only(client, seminar, settings):
    client.force_login(seminar["organizer"])
    manage = reverse("polls:certificates", args=[seminar["seminar"].slug])
    page = client.get(manage).content.decode()
    assert "Issue certificates" in page
    client.post(manage, {"action": "issue", "min_live_minutes": "60"})
    issued = set(Certificate.objects.values_list("user__email", flat=True))
    assert issued == {"en@x.example", "ar@x.example"}
    client.force_login(seminar["english"])
    assert client.get(manage).status_code == 403


def test_my_registration_offers_the_certificate_to_the_eligible_only(client, seminar):
    url = reverse("registration:mine", args=[seminar["seminar"].slug])
    client.force_login(seminar["english"])
    assert "Download certificate (PDF)" in client.get(url).content.decode()
    client.force_login(seminar["short"])
    assert "Download certificate (PDF)" not in client.get(url).content.decode()


def test_the_task_renders_the_pdf_and_emails_it_once(seminar, settings):
    from polls.certificates import certificate_render_and_send
    from tests.smtp import smtp_server

    certificate = certificate_issue(seminar=seminar["seminar"], user=seminar["arabic"])
    with smtp_server(settings) as mailbox:
        assert certificate_render_and_send(certificate_id=certificate.pk) is True
        assert certificate_render_and_send(certificate_id=certificate.pk) is False
    (message,) = mailbox.messages
    assert message["To"] == "ar@x.example"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert bytes(Certificate.objects.get().pdf).startswith(b"%PDF")

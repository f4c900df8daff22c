"""Leads, exports and the printable schedule."""

import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from meetings.pdf import schedule_html, schedule_pdf
from meetings.selectors import active_meetings, vendor_meetings
from meetings.services import requests as services
from registration import exports
from registration.models import AgencyConsent, ExportLog
from registration.selectors import lead_rows, lead_weights, leads_for_agency
from tests import factories


def _meeting(w, vendor, note="", mode="online", purpose="Tents"):
    request = services.request_create(
        registration=vendor, officer=w.officer, purpose=purpose, slots=[w.slots[0]], mode=mode
    )
    meeting = services.request_accept(request=request, starts_at=w.slots[0])
    return services.meeting_note(meeting=meeting, note=note) if note else meeting


def _consent(registration, agency, granted=True):
    AgencyConsent.objects.update_or_create(
        registration=registration,
        agency=agency,
        defaults={"granted": granted, "privacy_notice_version": "t", "updated_at": timezone.now()},
    )


def _lead_export(w):
    agency = w.officer.agency
    header = exports.header_row(exports.LEAD_COLUMNS)
    rows = list(
        exports.lead_export_rows(seminar=w.seminar, agency=agency, columns=exports.LEAD_COLUMNS)
    )
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_meeting_and_its_note_count_in_the_lead_only_with_consent(world):
    meeting = _meeting(world, world.vendor, note="Send the catalogue of family tents")
    agency = world.officer.agency
    assert _lead_export(world) == []  # no consent: nothing reaches the agency
    _consent(world.vendor, agency)
    (row,) = _lead_export(world)
    assert row["One-on-one meetings"] == 1
    assert "Send the catalogue of family tents" in row["Meeting notes"]
    (with_meeting,) = lead_rows(world.seminar, agency)
    services.meeting_cancel(meeting=meeting)
    (without,) = lead_rows(world.seminar, agency)
    weights = lead_weights(world.seminar)
    assert with_meeting.score - without.score == weights["contact_me"] > 0
    _consent(world.vendor, agency, granted=False)
    assert _lead_export(world) == []
    assert list(leads_for_agency(world.seminar, agency)) == []


def test_another_agencys_meeting_does_not_count_for_this_agency(world):
    _consent(world.vendor, world.officer.agency)
    _consent(world.vendor, world.other.agency)
    request = services.request_create(
        registration=world.vendor, officer=world.other, purpose="Lab kits", slots=[world.slots[0]]
    )
    services.request_accept(request=request, starts_at=world.slots[0])
    (row,) = _lead_export(world)
    assert row["One-on-one meetings"] == 0 and row["Meeting notes"] == ""


def test_the_organisers_export_streams_formula_safe_csv_and_xlsx(client, world):
    _meeting(world, world.vendor, purpose='=HYPERLINK("http://evil")')
    client.force_login(world.organiser)
    csv_response = client.get(reverse("meetings:export", args=[world.seminar.slug, "csv"]))
    assert csv_response.streaming
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "UNICEF" in text
    xlsx = client.get(reverse("meetings:export", args=[world.seminar.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    purposes = [row[11] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert purposes == ['=HYPERLINK("http://evil")']
    assert sheet.cell(row=2, column=12).data_type == "s"  # text, never a formula
    logged = list(
        ExportLog.objects.order_by("pk").values_list("user", "kind", "file_format", "rows")
    )
    assert logged == [(world.organiser.pk, "meetings", fmt, 1) for fmt in ("csv", "xlsx")]
    client.force_login(world.vendor.person.user)
    assert (
        client.get(reverse("meetings:export", args=[world.seminar.slug, "csv"])).status_code == 403
    )
    assert ExportLog.objects.count() == 2  # a refused export is not logged


def test_an_officer_exports_only_their_own_meetings(client, world):
    _meeting(world, world.vendor)
    request = services.request_create(
        registration=world.rival,
        officer=world.colleague,
        purpose="Colleague's",
        slots=[world.slots[1]],
    )
    services.request_accept(request=request, starts_at=world.slots[1])
    client.force_login(world.officer.user)
    response = client.get(reverse("meetings:officer_export", args=[world.seminar.slug, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Tents" in text and "Colleague's" not in text
    entry = ExportLog.objects.get()
    assert (entry.user, entry.agency, entry.kind, entry.rows) == (
        world.officer.user,
        world.officer.agency,
        "meetings",
        1,
    )
    assert (
        client.get(reverse("meetings:officer_export", args=[world.seminar.slug, "pdf"])).status_code
        == 404
    )
    assert ExportLog.objects.count() == 1  # an unknown format is refused before the log


def test_the_printable_schedule_lists_table_time_and_counterpart(client, world):
    _meeting(world, world.vendor, mode="in_person")
    client.force_login(world.vendor.person.user)
    response = client.get(reverse("meetings:mine_pdf", args=[world.seminar.slug]))
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "".join(page.extract_text() for page in pages).replace("\n", "")  # wrapped cells
    assert "09:00" in text and "Asia/Bangkok" in text and "America/Lima" in text
    assert world.officer.display_name in text and "UNICEF" in text
    assert "Table" in text and "With" in text
    other = factories.UserFactory()
    client.force_login(other)
    assert client.get(reverse("meetings:mine_pdf", args=[world.seminar.slug])).status_code == 403


def _fonts(reader: PdfReader) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_the_schedule_shapes_arabic_and_chinese_names_right_to_left_in_arabic(world):
    world.vendor.company.legal_name = "شركة النيل للخيام"
    world.vendor.company.save(update_fields=["legal_name"])
    world.vendor.person.preferred_language = "ar"
    world.vendor.person.save(update_fields=["preferred_language"])
    world.officer.display_name = "王芳"
    world.officer.save(update_fields=["display_name"])
    _meeting(world, world.vendor, mode="in_person")
    meetings = active_meetings(vendor_meetings(world.vendor))
    for side, title, language in (
        ("officer", world.officer.display_name, "en"),  # an Arabic vendor's name as counterpart
        ("vendor", world.vendor.person.full_name, "ar"),  # a Chinese officer's, in Arabic
    ):
        body = schedule_pdf(
            seminar=world.seminar,
            title=title,
            zone="Asia/Bangkok",
            meetings=meetings,
            side=side,
            language=language,
        )
        reader = PdfReader(io.BytesIO(body))
        fonts = _fonts(reader)
        # HarfBuzz shapes Arabic, so text extraction gives presentation forms; the font list
        # shows the glyphs came from the Noto Arabic and CJK fonts, not a fallback box.
        assert any("Arabic" in f for f in fonts), fonts
        assert any("CJK" in f for f in fonts), fonts
        assert "王芳" in "".join(page.extract_text() for page in reader.pages)
        html = schedule_html(
            seminar=world.seminar,
            title=title,
            zone="Asia/Bangkok",
            meetings=meetings,
            side=side,
            language=language,
        )
        direction = "rtl" if language == "ar" else "ltr"
        assert f'<html lang="{language}" dir="{direction}">' in html

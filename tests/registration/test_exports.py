"""Exports: round trips, formula injection, filters, the log, and flat memory at 100,000 rows."""

import contextlib
import csv
import gc
import io
import re
import threading
import tracemalloc
import weakref

import pytest
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from registration import exports
from registration.models import AgencyConsent, Company, ExportLog, Lead, Person, Registration
from tests import factories

NASTY = ['=HYPERLINK("http://x")', "+1 555", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def test_csv_and_xlsx_round_trip_with_injection_neutralised(register, open_seminar, tmp_path):
    for i, nasty in enumerate(NASTY):
        register(
            email=f"n{i}@x.example",
            full_name=f"名字 عربي {i}",
            job_title=nasty,
            company={"legal_name": nasty + " Ltd"},
        )
    columns = exports.pick_columns(
        exports.ATTENDEE_COLUMNS, ["registered_at", "full_name", "job_title", "company"]
    )
    header = exports.header_row(columns)
    path = tmp_path / "a.csv"
    with path.open("wb") as handle:
        count = exports.write_csv(
            header, exports.attendee_rows(seminar=open_seminar, columns=columns), handle
        )
    assert count == len(NASTY)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Registered", "Name", "Job title", "Company"]
    assert [r[2] for r in rows[1:]] == ["'" + v for v in NASTY]
    assert rows[1][1] == "名字 عربي 0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\+03:00", rows[1][0])  # Nairobi

    xlsx = tmp_path / "a.xlsx"
    exports.write_xlsx(header, exports.attendee_rows(seminar=open_seminar, columns=columns), xlsx)
    sheet = load_workbook(xlsx).active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == header
    # XLSX cells are typed: the text stays exactly as typed (no visible apostrophe), as a
    # string cell with Excel's invisible quote prefix. Without lxml, XML normalises a
    # carriage return to a line feed.
    got = [r[2].replace("\r", "\n") for r in cells[1:]]
    assert got == [v.replace("\r", "\n") for v in NASTY]
    job_titles = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" and c.quotePrefix for c in job_titles)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_export_view_applies_columns_filters_and_new_only_and_logs_it(
    client, register, open_seminar, agencies
):
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    register(email="ldc@x.example", company={"country": "BD"}, attendance_mode="in_room")
    register(email="ke@x.example", company={"country": "KE"})
    client.force_login(organizer)
    url = reverse("registration:export_attendees", kwargs={"slug": open_seminar.slug, "fmt": "csv"})
    response = client.get(url, {"columns": ["email", "country"], "country_group": "ldc"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [["Email", "Country"], ["ldc@x.example", "BD"]]
    response = client.get(url, {"columns": ["email"], "new_only": "on"})
    # Nothing registered since the previous export: the header only.
    assert len(b"".join(response.streaming_content).splitlines()) == 1
    register(email="late@x.example", company={"country": "KE"})
    response = client.get(url, {"columns": ["email"], "new_only": "on"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.split() == ["Email", "late@x.example"]
    log = list(ExportLog.objects.filter(seminar=open_seminar).order_by("pk"))
    assert [(e.user_id, e.rows, e.kind, e.file_format) for e in log] == [
        (organizer.pk, 1, "attendees", "csv"),
        (organizer.pk, 0, "attendees", "csv"),
        (organizer.pk, 1, "attendees", "csv"),
    ]
    assert log[0].filters == {"country_group": "ldc", "new_only": False}
    page = client.get(reverse("registration:exports", kwargs={"slug": open_seminar.slug}))
    assert page.status_code == 200 and "Export log" in page.content.decode()


class _Sink:
    """A file that counts bytes and keeps none, so the measure is the writer's own memory."""

    def __init__(self):
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def _bulk_registrations(seminar, count: int) -> list[int]:
    company = Company.objects.create(legal_name="Bulk Ltd", country="NP", size_band="small")
    now = timezone.now()
    people = Person.objects.bulk_create(
        [
            Person(
                email=f"bulk{i}@x.example",
                full_name=f"Bulk Vendor {i}",
                company=company,
                time_zone="Asia/Kathmandu",
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    Registration.objects.bulk_create(
        [
            Registration(
                seminar=seminar,
                person=p,
                company=company,
                status="confirmed",
                attendance_mode="online",
                country="NP",
                region="Asia",
                calendar_token=f"t{p.pk}",
                check_in_code=f"C{p.pk}",
                privacy_notice_version="test",
                confirmed_at=now,
            )
            for p in people
        ],
        batch_size=5000,
    )
    return list(
        Registration.objects.filter(seminar=seminar).order_by("pk").values_list("pk", flat=True)
    )


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _generated_rows(count: int):
    """Rows as attendee_rows yields them, without the database, for the writers alone."""
    for i in range(count):
        yield [i, "2030-03-04 10:00 UTC+03:00", f"Vendor {i}", f"v{i}@x.example", "NP"]


HEADER = ["ID", "Registered", "Name", "Email", "Country"]


@pytest.mark.slow
def test_writers_memory_is_flat_from_10k_to_100k_rows(tmp_path):
    csv_small = _peak(lambda: exports.write_csv(HEADER, _generated_rows(10_000), _Sink()))
    csv_large = _peak(lambda: exports.write_csv(HEADER, _generated_rows(100_000), _Sink()))
    # Three columns keep openpyxl's run under tracemalloc short; memory is per row either way.
    narrow = HEADER[:3]

    def xlsx(count, name):
        rows = (row[:3] for row in _generated_rows(count))
        assert exports.write_xlsx(narrow, rows, tmp_path / name) == count

    xlsx_small = _peak(lambda: xlsx(10_000, "s.xlsx"))
    xlsx_large = _peak(lambda: xlsx(100_000, "l.xlsx"))
    print(f"peak bytes: CSV 10k={csv_small} 100k={csv_large};", end=" ")
    print(f"XLSX 10k={xlsx_small} 100k={xlsx_large}")
    # Ten times the rows may not cost more than 1.5 times the memory (a leak would be ~10x).
    assert csv_large < 1.5 * csv_small
    assert xlsx_large < 1.5 * xlsx_small
    sheet = load_workbook(tmp_path / "l.xlsx", read_only=True)
    rows = sheet.active.iter_rows(values_only=True)
    assert next(rows) == tuple(narrow)
    assert sum(1 for _ in rows) == 100_000
    sheet.close()


@pytest.mark.slow
def test_attendee_rows_stream_from_the_database_in_chunks(db):
    """2,000 vs 20,000 registrations through the ORM: the iterator keeps one chunk at a time."""
    seminar = factories.SeminarFactory()
    ids = _bulk_registrations(seminar, 20_000)
    columns = exports.pick_columns(
        exports.ATTENDEE_COLUMNS, ["registration_id", "registered_at", "email", "consents"]
    )
    header = exports.header_row(columns)

    def run(queryset):
        rows = exports.attendee_rows(seminar=seminar, columns=columns, queryset=queryset)
        assert exports.write_csv(header, rows, _Sink()) == queryset.count()

    small = _peak(lambda: run(exports.attendee_queryset(seminar).filter(pk__lte=ids[1_999])))
    large = _peak(lambda: run(exports.attendee_queryset(seminar)))
    print(f"peak bytes through the ORM: 2k={small} 20k={large}")
    assert large < 2 * small


def _seminar_with_consents_and_leads(count: int):
    """``count`` registrations; every other one consents to the agency and has its lead."""
    seminar = factories.SeminarFactory()
    agency = factories.AgencyFactory(acronym="UNOPS")
    consenting = _bulk_registrations(seminar, count)[::2]
    now = timezone.now()
    AgencyConsent.objects.bulk_create(
        AgencyConsent(
            registration_id=pk,
            agency=agency,
            granted=True,
            privacy_notice_version="test",
            updated_at=now,
        )
        for pk in consenting
    )
    Lead.objects.bulk_create(
        Lead(registration_id=pk, agency=agency, status="contacted", notes=f"n{pk}")
        for pk in consenting
    )
    return seminar, agency


@contextlib.contextmanager
def _objects_loaded_here(*models):
    """Weak references to every instance of ``models`` built in this thread meanwhile.

    By identity, not by primary key: SQLite reuses the ids of rows that earlier tests rolled
    back, and objects of those tests may still be alive or be built by their lingering threads
    (a mail backend, a live-room server), which made a match by id fail on a busy machine."""
    loaded: list[weakref.ref] = []
    here = threading.get_ident()

    def remember(sender, instance, **kwargs):
        if threading.get_ident() == here:
            loaded.append(weakref.ref(instance))

    for model in models:
        post_init.connect(remember, sender=model, weak=False)
    try:
        yield loaded
    finally:
        for model in models:
            post_init.disconnect(remember, sender=model)


def test_exported_rows_are_freed_without_waiting_for_the_cycle_collector(db, monkeypatch):
    """A finished chunk's registrations, consents and leads go by reference counting alone.

    A reverse prefetch made each consent and lead point back at its registration; those
    cycles kept every finished chunk in memory until Python's next full collection, and
    the export's memory grew with its first tens of thousands of rows.
    """
    seminar, agency = _seminar_with_consents_and_leads(30)
    monkeypatch.setattr(exports, "CHUNK", 8)
    gc.collect()
    gc.disable()
    try:
        with _objects_loaded_here(Registration, AgencyConsent, Lead) as loaded:
            attendees = list(
                exports.attendee_rows(seminar=seminar, columns=exports.ATTENDEE_COLUMNS)
            )
            leads = list(
                exports.lead_export_rows(
                    seminar=seminar, agency=agency, columns=exports.LEAD_COLUMNS
                )
            )
        alive = [ref() for ref in loaded if ref() is not None]
    finally:
        gc.enable()
    # 30 registrations and 15 consents for the attendees; 15 of each and 15 leads for leads.
    assert len(loaded) >= 30 + 15 + 15
    assert alive == []
    assert [row[-1] for row in attendees] == ["UNOPS", ""] * 15
    assert len(leads) == 15
    assert {row[-2] for row in leads} == {"contacted"}
    assert [row[-1] for row in leads] == [f"n{row[0]}" for row in leads]


def test_export_queries_grow_per_chunk_not_per_row(db, monkeypatch, django_assert_num_queries):
    seminar, agency = _seminar_with_consents_and_leads(25)
    monkeypatch.setattr(exports, "CHUNK", 10)
    # The registrations (one cursor), then the consents of each chunk of ten.
    with django_assert_num_queries(1 + 3):
        rows = list(exports.attendee_rows(seminar=seminar, columns=exports.ATTENDEE_COLUMNS))
    assert len(rows) == 25
    # The lead-score weights, the 13 consenting registrations, then each chunk's leads and
    # its one-on-one meeting notes (meetings app).
    with django_assert_num_queries(1 + 1 + 2 * 2):
        rows = list(
            exports.lead_export_rows(seminar=seminar, agency=agency, columns=exports.LEAD_COLUMNS)
        )
    assert len(rows) == 13

"""The pages: registration form with bad input, check-in, contact me, leads, reach."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registration.models import EngagementEvent, Person, Registration, SignInToken
from tests import factories


def _form_data(agencies, **overrides):
    data = {
        "email": "ana@lima.example",
        "full_name": "Ana Quispe",
        "job_title": "Gerente",
        "phone": "+51 912 345 678",
        "preferred_language": "es",
        "legal_name": "Andes Textiles SAC",
        "country": "PE",
        "national_registration_number": "20123456789",
        "size_band": "micro",
        "unspsc_segments": ["53"],
        "unspsc_codes": "53102700",
        "attendance_mode": "online",
        "sessions": [agencies["sessions"][0].pk],
        "list_visibility": "company",
        f"consent_{agencies['UNICEF'].pk}": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _url(name, seminar, **kw):
    return reverse(f"registration:{name}", kwargs={"slug": seminar.slug, **kw})


def test_form_never_pre_ticks_consent_and_offers_one_box_per_agency(client, open_seminar, agencies):
    page = client.get(_url("register", open_seminar)).content.decode()
    for acronym in ("UNICEF", "UNDP"):
        assert f"Share my contact details with {acronym}" in page
    box = f'name="consent_{agencies["UNICEF"].pk}"'
    tag = page[page.index(box) - 60 : page.index(box) + 80]
    assert "checked" not in tag


def test_valid_form_sends_a_link_and_the_link_registers(client, open_seminar, agencies):
    response = client.post(_url("register", open_seminar), _form_data(agencies))
    assert response.status_code == 302 and response["Location"].endswith("/register/sent/")
    assert Person.objects.count() == 0
    token = SignInToken.objects.get()
    assert token.payload["company"]["unspsc_codes"] == ["53102700"]
    assert token.payload["phone"] == "+51912345678"
    assert token.payload["time_zone"] == "America/Lima"  # defaulted from the country


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "ana-at-lima"}, "Enter a valid email address."),
        ({"phone": "12345"}, "is not a valid phone number"),
        ({"phone": "call me"}, "is not a phone number"),
        ({"country": "XX"}, "Select a valid choice"),
        ({"legal_name": "x" * 201}, "at most 200 characters"),
        ({"full_name": ""}, "This field is required."),
        ({"unspsc_codes": "123, 53102700"}, "These are not 8-digit UNSPSC codes: 123."),
        ({"time_zone": "Lima"}, "is not a known time zone"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, open_seminar, agencies, overrides, message
):
    response = client.post(_url("register", open_seminar), _form_data(agencies, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SignInToken.objects.count() == 0 and Person.objects.count() == 0
    assert mail.outbox == []


def test_closed_seminar_shows_the_reason_and_accepts_nothing(client, open_seminar, agencies):
    open_seminar.registration_closes_at = timezone.now() - timedelta(hours=1)
    open_seminar.save()
    page = client.get(_url("register", open_seminar)).content.decode()
    assert "Registration closed on" in page and 'name="email"' not in page
    client.post(_url("register", open_seminar), _form_data(agencies))
    assert SignInToken.objects.count() == 0


def test_reused_link_shows_a_clear_message(
    client, open_seminar, agencies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("register", open_seminar), _form_data(agencies))
    raw = mail.outbox[0].body.split("/register/confirm/")[1].split("/")[0]
    confirm = _url("confirm", open_seminar, token=raw)
    assert client.get(confirm).status_code == 200  # GET never spends the link
    assert client.post(confirm).status_code == 302
    client.logout()
    again = client.post(confirm)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert Registration.objects.count() == 1


def test_signed_in_vendor_edits_without_a_new_link(client, register, open_seminar, agencies):
    registration = register(email="ana@lima.example")
    client.force_login(registration.person.user)
    page = client.get(_url("register", open_seminar)).content.decode()
    assert "Save changes" in page and 'value="ana@lima.example"' in page
    response = client.post(_url("register", open_seminar), _form_data(agencies, city="Cusco"))
    assert response.status_code == 302 and response["Location"].endswith("/my-registration/")
    assert Registration.objects.count() == 1 and SignInToken.objects.count() == 0


def test_in_room_page_shows_qr_and_check_in_is_recorded_once(client, register, open_seminar):
    registration = register(attendance_mode="in_room")
    client.force_login(registration.person.user)
    page = client.get(_url("mine", open_seminar)).content.decode()
    assert "<svg" in page and registration.check_in_code in page
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    client.force_login(organizer)
    scan = _url("check_in_scan", open_seminar)
    first = client.post(scan, {"code": f"OPENIPS:{registration.check_in_code}"}).json()
    assert first["outcome"] == "checked_in" and first["arrived"] == 1
    second = client.post(scan, {"code": registration.check_in_code.lower()})
    assert second.status_code == 200
    assert second.json()["outcome"] == "already"
    assert "already checked in at" in second.json()["message"]
    unknown = client.post(scan, {"code": "NOPE"})
    assert unknown.status_code == 404
    assert client.get(_url("check_in_count", open_seminar)).json() == {"arrived": 1, "expected": 1}
    page = client.get(_url("check_in", open_seminar)).content.decode()
    # The scanner is a static module (no inline script under the Content-Security-Policy).
    assert 'src="/static/registration/check_in.js"' in page and 'name="code"' in page
    assert "BarcodeDetector" in Path(finders.find("registration/check_in.js")).read_text()


def test_contact_me_button_records_one_wish_per_agency(client, register, open_seminar, agencies):
    from django.template import Context, Template
    from django.test import RequestFactory

    registration = register()
    session, unicef = agencies["sessions"][0], agencies["UNICEF"]
    request = RequestFactory().get("/")
    request.user = registration.person.user
    html = Template("{% include 'registration/_contact_me.html' %}").render(
        Context({"session": session, "user": request.user, "request": request})
    )
    action = _url("contact_me", open_seminar, session_id=session.pk, agency_id=unicef.pk)
    assert action in html and "Ask UNICEF to contact me" in html
    client.force_login(registration.person.user)
    for _ in range(2):
        assert client.post(action, {"next": "/seminars/"}).status_code == 302
    assert EngagementEvent.objects.filter(kind="contact_me", agency=unicef).count() == 1
    wrong = _url("contact_me", open_seminar, session_id=session.pk, agency_id=agencies["UNDP"].pk)
    assert client.post(wrong).status_code == 404


def test_leads_page_queries_do_not_grow_with_the_leads(
    client, register, open_seminar, agencies, django_assert_max_num_queries
):
    unicef = agencies["UNICEF"]
    presenter = factories.RoleFactory(seminar=open_seminar, role="presenter", agency=unicef).user
    client.force_login(presenter)
    register(email="v0@x.example", consents={str(unicef.pk): True})
    with django_assert_max_num_queries(12) as few:
        client.get(_url("leads", open_seminar))
    for i in range(1, 8):
        register(email=f"v{i}@x.example", consents={str(unicef.pk): True})
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("leads", open_seminar)).content.decode()
    assert page.count('id="lead-') == 8


def test_lead_score_uses_weights_segments_and_signals(register, open_seminar, agencies):
    from registration import services
    from registration.models import LeadScoreWeights
    from registration.selectors import lead_rows

    unicef = agencies["UNICEF"]
    registration = register(consents={str(unicef.pk): True})  # segments 42, 51 match UNICEF
    (row,) = lead_rows(open_seminar, unicef)
    assert row.matching_segments == ["42", "51"] and row.score == 1 + 3 * 2
    services.engagement_record(
        seminar=open_seminar, user=registration.person.user, agency=unicef, kind="contact_me"
    )
    LeadScoreWeights.objects.create(seminar=open_seminar, contact_me=50, segment_match=0)
    (row,) = lead_rows(open_seminar, unicef)
    assert row.score == 1 + 50


def test_reach_dashboard_draws_svg_charts(client, register, open_seminar):
    register(company={"country": "BD"})
    register(email="b@x.example", company={"country": "FJ", "women_owned": False})
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    client.force_login(organizer)
    page = client.get(_url("reach", open_seminar)).content.decode()
    assert page.count("<svg") == 3
    assert "Small island developing states" in page and "sita@kms.example" not in page
    csv_text = client.get(_url("reach_csv", open_seminar)).content.decode("utf-8-sig")
    assert "share,Least developed countries,1,50" in csv_text
    assert "region,Oceania,1," in csv_text


def test_participant_list_honours_each_vendors_choice_and_is_for_participants(
    client, register, open_seminar, django_assert_max_num_queries
):
    hidden = register(email="h@x.example", full_name="Hidden Person", list_visibility="hidden")
    register(
        email="c@x.example",
        full_name="Company Only",
        list_visibility="company",
        company={"legal_name": "Visible Firm", "national_registration_number": "C1"},
    )
    register(
        email="f@x.example",
        full_name="Full Person",
        list_visibility="full",
        company={"legal_name": "Open Firm", "national_registration_number": "F1"},
    )
    url = _url("participants", open_seminar)
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(hidden.person.user)
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode().split('<main id="main">')[1]
    assert "Visible Firm" in page and "Company Only" not in page
    assert "Open Firm" in page and "Full Person" in page
    assert "Hidden Person" not in page

"""The live room's HTTP side: who may open which page, and what each page offers."""

import json
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from live.models import Question, RoomDevice
from live.services import room_invite_create
from live.views import ROOM_TOKENS_KEY
from seminars.models import Seminar, Session
from tests import factories


@pytest.fixture
def room(db):
    seminar = factories.SeminarFactory()
    agency_a = factories.AgencyFactory(acronym="UNA")
    agency_b = factories.AgencyFactory(acronym="UNB")
    outsider_agency = factories.AgencyFactory(acronym="UNX")
    session = factories.SessionFactory(seminar=seminar, title="Selling to UNA")
    session.agencies.set([agency_a, agency_b])

    def role(name, agency=None):
        return factories.RoleFactory(seminar=seminar, role=name, agency=agency).user

    return SimpleNamespace(
        seminar=seminar,
        session=session,
        agency_a=agency_a,
        moderator=role("moderator"),
        organizer=role("organizer"),
        presenter_a=role("presenter", agency_a),
        outside_presenter=role("presenter", outsider_agency),
        vendor=factories.UserFactory(),
    )


def url(name, session, **extra):
    return reverse(
        f"live:{name}", kwargs={"slug": session.seminar.slug, "session_id": session.pk, **extra}
    )


def client_config(response) -> dict:
    match = re.search(
        r'<script id="live-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries its client configuration"
    return json.loads(match.group(1))


# ---- the room page --------------------------------------------------------------------


def test_anonymous_visitor_may_watch_but_is_asked_to_sign_in_to_take_part(client, room):
    response = client.get(url("room", room.session))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign in</a> to read the questions, ask and vote" in page
    assert 'id="ask-form"' not in page
    assert 'id="moderation"' not in page
    # Without an account or a room code the socket would be refused (4401): do not open it.
    assert client_config(response)["socket"] is None


def test_signed_in_vendor_gets_the_ask_form_with_exact_accessible_names(client, room):
    client.force_login(room.vendor)
    response = client.get(url("room", room.session))
    page = response.content.decode()
    assert re.search(r'<label for="id_text">Your question</label>', page)
    assert re.search(r'<button type="submit">Ask</button>', page)
    assert "Hide my name from the audience" in page
    assert f'<option value="{room.agency_a.pk}">UNA</option>' in page
    assert 'maxlength="500"' in page
    assert 'id="moderation"' not in page
    assert 'id="agency-panel"' not in page
    config = client_config(response)
    assert config["socket"] == f"/ws/sessions/{room.session.pk}/"
    assert config["params"] == {}


@pytest.mark.parametrize("who", ["moderator", "organizer"])
def test_moderators_and_organisers_get_the_moderation_panel(client, room, who):
    client.force_login(getattr(room, who))
    page = client.get(url("room", room.session)).content.decode()
    assert 'id="moderation"' in page
    for name in ("Approve", "Dismiss", "Highlight", "Mark answered", "Reopen", "Merge"):
        assert f">{name}</button>" in page
    assert url("screen", room.session) in page
    assert url("export_csv", room.session) in page


def test_presenter_of_an_addressed_agency_gets_the_agency_panel_only(client, room):
    client.force_login(room.presenter_a)
    response = client.get(url("room", room.session))
    page = response.content.decode()
    assert 'id="agency-panel"' in page
    assert "Questions to UNA" in page
    assert 'id="moderation"' not in page
    assert ">Approve</button>" not in page
    assert client_config(response)["params"] == {"agency": room.agency_a.pk}


def test_presenter_of_another_agency_gets_no_agency_panel(client, room):
    client.force_login(room.outside_presenter)
    page = client.get(url("room", room.session)).content.decode()
    assert 'id="agency-panel"' not in page
    assert 'id="moderation"' not in page


def test_draft_seminar_room_is_hidden_from_outsiders_and_open_to_its_team(client, room):
    Seminar.objects.filter(pk=room.seminar.pk).update(status=Seminar.Status.DRAFT)
    assert client.get(url("room", room.session)).status_code == 404
    client.force_login(room.vendor)
    assert client.get(url("room", room.session)).status_code == 404
    client.force_login(room.moderator)
    assert client.get(url("room", room.session)).status_code == 200


def test_session_of_another_seminar_is_not_found(client, room):
    other = factories.SessionFactory()
    wrong = reverse("live:room", kwargs={"slug": room.seminar.slug, "session_id": other.pk})
    assert client.get(wrong).status_code == 404


def test_start_time_is_shown_in_the_viewers_zone_and_names_both_zones(client, room):
    page = client.get(url("room", room.session) + "?tz=Asia/Kathmandu").content.decode()
    # 10:00 in Nairobi (UTC+3) is 12:45 in Kathmandu (UTC+5:45).
    assert "12:45–13:45" in page
    assert 'Asia/Kathmandu (<bdi dir="ltr">UTC+05:45</bdi>)' in page
    assert "10:00 in the seminar's time zone (Africa/Nairobi)" in page
    assert 'data-starts-at="2030-03-04T07:00:00+00:00"' in page


def test_start_time_falls_back_to_the_seminar_zone_and_names_it(client, room):
    page = client.get(url("room", room.session)).content.decode()
    assert "10:00–11:00" in page
    assert 'Africa/Nairobi (<bdi dir="ltr">UTC+03:00</bdi>)' in page
    assert "Starts at 10:00 (Africa/Nairobi)." in page


def test_room_page_queries_do_not_grow_with_agencies(client, room, django_assert_num_queries):
    client.force_login(room.moderator)
    client.get(url("room", room.session))  # warm the session
    # seminar, session, agencies, browser session, user, roles, presenter roles, and the
    # media library's player (one query for the session's presentations), the stage.
    with django_assert_num_queries(9):
        client.get(url("room", room.session))
    room.session.agencies.add(*factories.AgencyFactory.create_batch(5))
    with django_assert_num_queries(9):
        client.get(url("room", room.session))


# ---- the projector view ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["moderator", "organizer"])
def test_projector_opens_for_moderators_and_organisers_with_a_qr_code(client, room, who):
    client.force_login(getattr(room, who))
    response = client.get(url("screen", room.session))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<svg role="img" aria-label="QR code: ask questions from your phone"' in page
    assert ">Approve<" not in page and "ask-form" not in page
    config = client_config(response)
    # The screen connects with attendee rights: nothing pending ever reaches the big screen.
    assert config["params"] == {"view": "attendee"}
    assert config["mode"] == "screen"
    join_prefix = f"http://testserver/seminars/{room.seminar.slug}/sessions/{room.session.pk}/join/"
    assert response.context["join_url"].startswith(join_prefix)


@pytest.mark.parametrize("who", ["vendor", "presenter_a"])
def test_projector_is_forbidden_to_vendors_and_presenters(client, room, who):
    client.force_login(getattr(room, who))
    assert client.get(url("screen", room.session)).status_code == 403
    assert client.get(url("screen_qr", room.session)).status_code == 403


@pytest.mark.parametrize("name", ["screen", "screen_qr"])
def test_projector_sends_anonymous_visitors_to_sign_in(client, room, name):
    response = client.get(url(name, room.session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_projector_prints_under_the_qr_code_the_account_free_address_it_encodes(client, room):
    from html import unescape

    from live.views.projector import _qr_svg

    client.force_login(room.moderator)
    page = client.get(url("screen", room.session)).content.decode()
    printed = unescape(page.split('id="join-url">', 1)[1].split("</p>", 1)[0])
    assert "/join/" in printed and printed.startswith("http://testserver/")
    # The code on screen is exactly the code of the printed address.
    assert _qr_svg(printed) in page
    assert url("room", room.session) not in page.split('id="qr-heading"', 1)[1].split("</aside>")[0]
    fresh = client.get(url("screen_qr", room.session))
    assert fresh["X-Join-URL"].startswith(printed.split("/join/")[0] + "/join/")


def test_fresh_qr_code_is_an_svg_image_for_moderators(client, room):
    client.force_login(room.moderator)
    response = client.get(url("screen_qr", room.session))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml")
    assert b"<svg" in response.content


# ---- the in-room join link ------------------------------------------------------------


def test_qr_invite_gives_a_phone_a_room_token_scoped_to_that_session(client, room):
    moderator = factories.UserFactory()  # a separate browser: the projector's
    factories.RoleFactory(seminar=room.seminar, user=moderator, role="moderator")
    from django.test import Client

    projector = Client()
    projector.force_login(moderator)
    join_url = projector.get(url("screen", room.session)).context["join_url"]

    response = client.get(join_url)
    assert response.status_code == 302
    assert response["Location"] == url("room", room.session)
    assert RoomDevice.objects.filter(session=room.session).count() == 1
    token = client.session[ROOM_TOKENS_KEY][str(room.session.pk)]

    page = client.get(url("room", room.session))
    assert 'id="ask-form"' in page.content.decode()
    assert client_config(page)["params"] == {"token": token}
    # Scanning again reuses the identity instead of creating another one.
    client.get(join_url)
    assert RoomDevice.objects.filter(session=room.session).count() == 1
    # The token is for this session only: another session's page does not use it.
    other = factories.SessionFactory(seminar=room.seminar)
    other_page = client.get(url("room", other))
    assert client_config(other_page)["socket"] is None
    assert 'id="ask-form"' not in other_page.content.decode()


def test_tampered_invite_is_refused_with_a_clear_message_and_creates_nothing(client, room):
    invite = room_invite_create(session_id=room.session.pk)
    response = client.get(url("join", room.session, token=invite[:-3] + "xyz"))
    assert response.status_code == 400
    assert "This room code is not valid" in response.content.decode()
    assert not RoomDevice.objects.exists()
    assert ROOM_TOKENS_KEY not in client.session


def test_expired_invite_is_refused(client, room, settings):
    invite = room_invite_create(session_id=room.session.pk)
    settings.LIVE_ROOM_INVITE_MAX_AGE = -1
    response = client.get(url("join", room.session, token=invite))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not RoomDevice.objects.exists()


def test_expired_room_token_in_the_browser_is_dropped(client, room, settings):
    client.get(url("join", room.session, token=room_invite_create(session_id=room.session.pk)))
    settings.LIVE_ROOM_TOKEN_MAX_AGE = -1
    page = client.get(url("room", room.session))
    assert client_config(page)["socket"] is None
    assert str(room.session.pk) not in client.session[ROOM_TOKENS_KEY]


def test_signed_in_person_scanning_the_qr_code_stays_themselves(client, room):
    client.force_login(room.vendor)
    invite = room_invite_create(session_id=room.session.pk)
    response = client.get(url("join", room.session, token=invite))
    assert response.status_code == 302
    assert not RoomDevice.objects.exists()


def test_join_link_of_a_draft_seminar_is_not_found(client, room):
    Seminar.objects.filter(pk=room.seminar.pk).update(status=Seminar.Status.DRAFT)
    invite = room_invite_create(session_id=room.session.pk)
    assert client.get(url("join", room.session, token=invite)).status_code == 404
    assert not RoomDevice.objects.exists()


# ---- the anonymised FAQ ---------------------------------------------------------------


def test_faq_is_not_shown_until_published(client, room):
    Question.objects.create(
        session=room.session, author=room.vendor, text="Answered", language="en", state="answered"
    )
    assert client.get(url("faq", room.session)).status_code == 404


def test_published_faq_lists_answered_questions_and_never_who_asked(
    client, room, django_assert_num_queries
):
    Session.objects.filter(pk=room.session.pk).update(faq_published=True)
    room.vendor.first_name, room.vendor.last_name = "Grace", "Banda"
    room.vendor.save()

    def ask(text, state, **extra):
        Question.objects.create(
            session=room.session, author=room.vendor, text=text, language="en", state=state,
            **extra,
        )  # fmt: skip

    ask("Do you buy <script>x</script> locally?", "answered", answer_text="Yes, often.")
    ask("Answered on stage", "answered", answered_live=True, addressed_agency=room.agency_a)
    ask("Still waiting", "pending")
    ask("Rude", "dismissed")
    ask("Not answered yet", "approved")
    with django_assert_num_queries(3):  # seminar, session, questions (anonymous visitor)
        response = client.get(url("faq", room.session))
    page = response.content.decode()
    assert "Do you buy &lt;script&gt;x&lt;/script&gt; locally?" in page
    assert "Yes, often." in page
    assert "Answered on stage" in page and "to UNA" in page
    assert "Answered live during the session." in page
    for absent in ("Still waiting", "Rude", "Not answered yet", "Grace", "Banda"):
        assert absent not in page


def test_published_faq_of_a_draft_seminar_stays_hidden(client, room):
    Session.objects.filter(pk=room.session.pk).update(faq_published=True)
    Seminar.objects.filter(pk=room.seminar.pk).update(status=Seminar.Status.DRAFT)
    assert client.get(url("faq", room.session)).status_code == 404


@pytest.mark.parametrize("who", ["moderator", "organizer"])
def test_moderators_publish_and_hide_the_faq(client, room, who):
    client.force_login(getattr(room, who))
    page = client.get(url("room", room.session)).content.decode()
    assert "Publish answered questions as an FAQ" in page
    response = client.post(url("faq_publish", room.session), {"publish": "1"})
    assert response.status_code == 302
    room.session.refresh_from_db()
    assert room.session.faq_published is True
    assert client.get(url("faq", room.session)).status_code == 200
    assert "Stop showing the FAQ" in client.get(url("room", room.session)).content.decode()
    client.post(url("faq_publish", room.session), {"publish": "0"})
    room.session.refresh_from_db()
    assert room.session.faq_published is False


@pytest.mark.parametrize("who", ["vendor", "presenter_a"])
def test_vendors_and_presenters_may_not_publish_the_faq(client, room, who):
    client.force_login(getattr(room, who))
    assert (
        "Publish answered questions" not in client.get(url("room", room.session)).content.decode()
    )
    assert client.post(url("faq_publish", room.session), {"publish": "1"}).status_code == 403
    room.session.refresh_from_db()
    assert room.session.faq_published is False


def test_faq_publishing_needs_a_post_and_a_signed_in_moderator(client, room):
    response = client.post(url("faq_publish", room.session), {"publish": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    client.force_login(room.moderator)
    assert client.get(url("faq_publish", room.session) + "?publish=1").status_code == 405
    room.session.refresh_from_db()
    assert room.session.faq_published is False


# ---- asking without JavaScript --------------------------------------------------------


def test_ask_form_works_without_javascript_and_waits_for_a_moderator(client, room):
    client.force_login(room.vendor)
    response = client.post(
        url("room", room.session),
        {"text": "  Do you buy locally?  ", "agency": room.agency_a.pk, "language": "fr"},
        follow=True,
    )
    assert response.redirect_chain == [(url("room", room.session), 302)]
    assert "Your question waits for a moderator" in response.content.decode()
    question = Question.objects.get(session=room.session)
    assert (question.text, question.state, question.language) == (
        "Do you buy locally?",
        "pending",
        "fr",
    )
    assert question.addressed_agency == room.agency_a
    assert question.author == room.vendor


def test_too_long_question_without_javascript_is_refused_and_kept(client, room):
    client.force_login(room.vendor)
    text = "é" * 501
    response = client.post(url("room", room.session), {"text": text, "language": "en"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "500 characters" in page
    assert text in page  # the text is kept in the box
    assert not Question.objects.exists()


def test_muted_person_cannot_ask_without_javascript_either(client, room):
    from live.models import RoomMute

    RoomMute.objects.create(session=room.session, person_key=f"u{room.vendor.pk}")
    client.force_login(room.vendor)
    response = client.post(url("room", room.session), {"text": "Hello?", "language": "en"})
    assert response.status_code == 400
    assert "muted" in response.content.decode()
    assert not Question.objects.exists()


def test_phone_with_a_room_code_asks_without_javascript(client, room):
    client.get(url("join", room.session, token=room_invite_create(session_id=room.session.pk)))
    response = client.post(url("room", room.session), {"text": "From row 3", "language": "en"})
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.author is None and question.author_device is not None


def test_anonymous_post_to_the_room_is_sent_to_sign_in_and_stores_nothing(client, room):
    response = client.post(url("room", room.session), {"text": "Hello?", "language": "en"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not Question.objects.exists()


def test_invite_of_another_room_sends_the_phone_to_that_room(client, room):
    other = factories.SessionFactory(seminar=room.seminar)
    invite = room_invite_create(session_id=other.pk)
    response = client.get(url("join", room.session, token=invite))
    assert response["Location"] == url("room", other)
    assert set(client.session[ROOM_TOKENS_KEY]) == {str(other.pk)}
    assert RoomDevice.objects.get().session == other

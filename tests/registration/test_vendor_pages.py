"""The vendor's own pages: sign-in link, calendar feed, cancel; organisers' approvals."""

from django.conf import settings
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accesskeys import purposes, tokens
from registration.models import Registration
from tests import factories


def _url(name, seminar, **kw):
    return reverse(f"registration:{name}", kwargs={"slug": seminar.slug, **kw})


def test_sign_in_link_for_registered_vendors_only(
    client, register, open_seminar, django_capture_on_commit_callbacks
):
    registration = register(preferred_language="es")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(_url("sign_in", open_seminar), {"email": "SITA@kms.example"})
        unknown = client.post(_url("sign_in", open_seminar), {"email": "who@x.example"})
    assert known["Location"] == unknown["Location"]  # no hint whether an address is known
    (message,) = mail.outbox
    assert message.to == ["sita@kms.example"] and message.subject.startswith("Su enlace de acceso")
    raw = message.body.split("/register/confirm/")[1].split("/")[0]
    response = client.post(_url("confirm", open_seminar, token=raw))
    assert response["Location"].endswith("/my-registration/")
    assert int(client.session["_auth_user_id"]) == registration.person.user_id


def _feed_token(registration) -> str:
    return tokens.issue(purposes.CALENDAR, subject=registration.pk)


def test_calendar_feed_has_only_the_chosen_sessions_and_the_page_offers_webcal(
    client, register, open_seminar, agencies
):
    registration = register(session_ids=[agencies["sessions"][1].pk])
    feed = client.get(_url("calendar", open_seminar, token=_feed_token(registration)))
    assert feed["Content-Type"].startswith("text/calendar")
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert summaries == ["UNDP buying"]
    client.force_login(registration.person.user)
    page = client.get(_url("mine", open_seminar)).content.decode()
    # On the page the link uses the host the vendor came through (testserver), not SITE_URL.
    prefix = f"webcal://testserver/seminars/{open_seminar.slug}/my-calendar/"
    assert settings.SITE_URL not in page and prefix in page
    token = page.split(prefix, 1)[1].split(".ics", 1)[0]
    assert tokens.read(purposes.CALENDAR, token).subject == registration.pk


def test_calendar_feed_speaks_the_vendors_language_whatever_the_client_asks(
    client, register, open_seminar
):
    french = register(email="fr@x.example", preferred_language="fr")
    english = register(email="en@x.example", preferred_language="en")

    def descriptions(registration, accept):
        url = _url("calendar", open_seminar, token=_feed_token(registration))
        feed = client.get(url, headers={"accept-language": accept})
        return " ".join(
            str(e["DESCRIPTION"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")
        )

    in_french = descriptions(french, "en")
    assert "Type de session" in in_french and "Session type" not in in_french
    in_english = descriptions(english, "fr")
    assert "Session type" in in_english and "Type de session" not in in_english


def test_vendor_cancels_after_confirming_and_the_feed_empties(client, register, open_seminar):
    registration = register()
    client.force_login(registration.person.user)
    url = _url("cancel", open_seminar)
    assert "Yes, cancel my registration" in client.get(url).content.decode()
    assert Registration.objects.get().status == "confirmed"  # GET changes nothing
    assert client.post(url).status_code == 302
    assert Registration.objects.get().status == "cancelled"
    feed = client.get(_url("calendar", open_seminar, token=_feed_token(registration)))
    assert Calendar.from_ical(feed.content).walk("VEVENT") == []


def test_organiser_approves_and_rejects_pending_registrations(
    client, register, open_seminar, django_assert_max_num_queries
):
    open_seminar.registration_requires_approval = True
    open_seminar.save()
    yes = register(email="yes@x.example")
    no = register(email="no@x.example")
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    client.force_login(organizer)
    with django_assert_max_num_queries(10):
        page = client.get(_url("registrations", open_seminar)).content.decode()
    assert "yes@x.example" not in page and page.count("Approve ") >= 2
    client.post(_url("decide", open_seminar, pk=yes.pk), {"decision": "approve"})
    client.post(_url("decide", open_seminar, pk=no.pk), {"decision": "reject"})
    yes.refresh_from_db()
    no.refresh_from_db()
    assert (yes.status, no.status) == ("confirmed", "rejected")
    again = client.post(_url("decide", open_seminar, pk=no.pk), {"decision": "approve"})
    assert again.status_code == 409


def test_seminar_links_tag_offers_what_each_viewer_may_use(rf, register, open_seminar, agencies):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template("{% load registration_tags %}{% registration_links seminar %}")

    def links_for(user) -> str:
        request = rf.get("/")
        request.user = user
        return template.render(Context({"request": request, "seminar": open_seminar}))

    assert "/register/" in links_for(AnonymousUser())
    vendor = register().person.user
    html = links_for(vendor)
    assert "/my-registration/" in html and "/reach/" not in html and "/leads/" not in html
    organizer = factories.RoleFactory(seminar=open_seminar, role="organizer").user
    assert "/reach/" in links_for(organizer) and "/check-in/" in links_for(organizer)
    presenter = factories.RoleFactory(
        seminar=open_seminar, role="presenter", agency=agencies["UNICEF"]
    ).user
    assert "/leads/" in links_for(presenter) and "/reach/" not in links_for(presenter)


def test_registration_form_speaks_french_and_spanish(client, open_seminar, agencies):
    fr = client.get(_url("register", open_seminar), headers={"accept-language": "fr"})
    assert "Pas de mot de passe" in fr.content.decode()
    assert "Transmettre mes coordonnées à UNICEF" in fr.content.decode()
    es = client.get(_url("register", open_seminar), headers={"accept-language": "es"})
    assert "Sin contraseña" in es.content.decode()


def test_my_registration_links_to_the_meetings_only_when_the_programme_is_on(client, db):
    seminar = factories.SeminarFactory()
    registration = factories.vendor_registration(seminar)
    client.force_login(registration.person.user)
    meetings_url = reverse("meetings:mine", args=[seminar.slug])
    page = client.get(_url("mine", seminar)).content.decode()
    assert "One-on-one meetings" not in page and meetings_url not in page  # no programme
    programme = factories.meetings_programme(seminar, enabled=False)
    page = client.get(_url("mine", seminar)).content.decode()
    assert "One-on-one meetings" not in page and meetings_url not in page  # switched off
    programme.enabled = True
    programme.save(update_fields=["enabled"])
    page = client.get(_url("mine", seminar)).content.decode()
    assert f'<a href="{meetings_url}">One-on-one meetings</a>' in page

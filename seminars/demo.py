"""Demo seminar: a hybrid two-day seminar in Nairobi with four agencies."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Permission, User
from django.utils import timezone

from seminars.models import Organization, Seminar, SeminarRole, Session
from seminars.services import session_save

ZONE = "Africa/Nairobi"

# (day, start, end, kind, title, agencies, track, repeat_of_key, key)
SESSIONS = [
    (0, "09:00", "09:30", "panel", "Opening: doing business with the United Nations", [], "Main hall", None, None),
    (0, "09:30", "10:15", "presentation", "UNDP: what we buy and how to bid", ["UNDP"], "Main hall", None, None),
    (0, "10:15", "11:00", "presentation", "UNICEF supply opportunities for local firms", ["UNICEF"], "Main hall", None, None),
    (0, "11:00", "11:30", "break", "Coffee break", [], "Main hall", None, None),
    (0, "11:30", "12:15", "presentation", "UNOPS: infrastructure and procurement services", ["UNOPS"], "Main hall", None, None),
    (0, "12:15", "13:00", "presentation", "WHO: medical products and prequalification", ["WHO"], "Main hall", None, None),
    # 14:30–15:30 in Nairobi is 23:30–00:30 in Fiji: it crosses midnight there.
    (0, "14:30", "15:30", "qa", "Live Q&A with all agencies", ["UNDP", "UNICEF", "UNOPS", "WHO"], "Main hall", None, "qa"),
    (0, "16:00", "18:00", "meetings", "One-on-one meetings with procurement officers", ["UNDP", "UNICEF", "UNOPS", "WHO"], "Meeting rooms", None, None),
    (1, "09:00", "10:00", "panel", "Sustainable procurement and women-owned businesses", ["UNDP", "UNICEF"], "Main hall", None, None),
    (1, "10:00", "11:00", "presentation", "Registering on the UN Global Marketplace (UNGM)", ["UNOPS"], "Main hall", None, None),
    # Repeat for the Americas: 18:00 in Nairobi is 10:00 in Lima.
    (1, "18:00", "19:00", "qa", "Live Q&A with all agencies (Americas repeat)", ["UNDP", "UNICEF", "UNOPS", "WHO"], "Main hall", "qa", None),
]  # fmt: skip

AGENCIES = [
    ("UNDP", "United Nations Development Programme", ["43", "72", "80", "81", "83"]),
    ("UNICEF", "United Nations Children's Fund", ["42", "50", "51", "53", "60"]),
    ("UNOPS", "United Nations Office for Project Services", ["30", "72", "81", "95"]),
    ("WHO", "World Health Organization", ["41", "42", "51", "85"]),
]


def _user(username: str, first: str, last: str, *, staff: bool = False) -> User:
    user = User.objects.create_user(
        username=username,
        password="demo",
        email=f"{username}@demo.openips.localhost",
        first_name=first,
        last_name=last,
        is_staff=staff,
    )
    return user


def seed(context: dict) -> None:
    host = Organization.objects.create(
        kind=Organization.Kind.HOST,
        name="Savanna Trade Promotion Council",
        acronym="STPC",
        country="KE",
    )
    agencies = {
        acronym: Organization.objects.create(
            kind=Organization.Kind.AGENCY,
            name=name,
            acronym=acronym,
            procurement_segments=segments,
        )
        for acronym, name, segments in AGENCIES
    }
    starts_on = timezone.localdate() + timedelta(days=7)
    seminar = Seminar.objects.create(
        slug="demo",
        title="International Procurement Seminar: Selling to the UN",
        description=(
            "Two days with four UN agencies: how they buy, what they need from local and "
            "regional suppliers, and how to register on the UN Global Marketplace. "
            "Attend in Nairobi or online; questions are taken live."
        ),
        host=host,
        format=Seminar.Format.HYBRID,
        time_zone=ZONE,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=1),
        venue_name="Kenyatta International Convention Centre",
        venue_address="Harambee Avenue, Nairobi, Kenya",
        languages=["en", "fr", "es"],
        status=Seminar.Status.PUBLISHED,
        registration_opens_at=timezone.now() - timedelta(days=30),
        registration_closes_at=timezone.now() + timedelta(days=8),
        online_capacity=None,
        in_room_capacity=120,
    )
    zone = seminar.zone
    sessions: dict[str, Session] = {}
    for day, start, end, kind, title, acronyms, track, repeat_key, key in SESSIONS:
        on = starts_on + timedelta(days=day)
        session = session_save(
            session=Session(
                seminar=seminar,
                title=title,
                kind=kind,
                starts_at=datetime.combine(on, time.fromisoformat(start), zone),
                ends_at=datetime.combine(on, time.fromisoformat(end), zone),
                track=track,
                language="en",
                repeat_of=sessions.get(repeat_key) if repeat_key else None,
                abstract=f"{title}. Bring your questions; they are answered live.",
            )
        )
        session.agencies.set([agencies[a] for a in acronyms])
        if key:
            sessions[key] = session

    organizer = _user("organizer", "Amina", "Odhiambo", staff=True)
    presenter = _user("agency", "Lucía", "Fernández")
    moderator = _user("moderator", "Tomás", "Mwangi")
    vendor = _user("vendor", "Grace", "Banda")
    SeminarRole.objects.create(seminar=seminar, user=organizer, role=SeminarRole.Role.ORGANIZER)
    # The organiser workspace's "Create seminar" (docs/organising.md).
    organizer.user_permissions.add(Permission.objects.get(codename="add_seminar"))
    SeminarRole.objects.create(
        seminar=seminar, user=presenter, role=SeminarRole.Role.PRESENTER, agency=agencies["UNICEF"]
    )
    SeminarRole.objects.create(seminar=seminar, user=moderator, role=SeminarRole.Role.MODERATOR)
    context.update(
        seminar=seminar,
        agencies=agencies,
        users={
            "organizer": organizer,
            "agency": presenter,
            "moderator": moderator,
            "vendor": vendor,
        },
    )

"""Demo vendors: about 40 firms from LDCs, small island states and other developing countries,
registered for the demo seminar with a mix of attendance modes, consents, check-ins and
engagement, so that the lists, leads and reach report show something real.

Records are made with the same helpers the services use, but without emails or reminder tasks
(nobody should receive mail from a demo).
"""

import random
import secrets
from datetime import timedelta

from django.utils import timezone

from live.models import Attendance
from registration import selectors
from registration.forms import default_zone
from registration.models import Company, EngagementEvent, Person, Registration
from registration.services.consent import consents_apply
from registration.services.registration import _person_user, _snapshot_tags

# (country, company, city, size, women-owned, segments, first name, last name, language)
VENDORS = [
    ("NP", "Himalayan Herbal Products", "Kathmandu", "small", True, ["51", "85"], "Sita", "Sharma", "en"),
    ("BD", "Dhaka Garments Cooperative", "Dhaka", "medium", True, ["53"], "Nasrin", "Akter", "en"),
    ("KE", "Savanna Solar Installers", "Nairobi", "small", False, ["26", "39"], "Brian", "Otieno", "en"),
    ("SN", "Teranga Logistique", "Dakar", "small", False, ["78"], "Amadou", "Diallo", "fr"),
    ("ET", "Abyssinia Medical Supply", "Addis Ababa", "medium", False, ["42"], "Hanna", "Tesfaye", "en"),
    ("UG", "Pearl Water Purification", "Kampala", "micro", True, ["47", "40"], "Grace", "Namutebi", "en"),
    ("RW", "Kigali Digital Services", "Kigali", "small", True, ["43", "81"], "Aline", "Uwase", "fr"),
    ("TZ", "Kilimanjaro Foods", "Arusha", "medium", False, ["50"], "Joseph", "Mushi", "en"),
    ("MZ", "Maputo Construções", "Maputo", "medium", False, ["72", "30"], "Carlos", "Macuácua", "en"),
    ("ZM", "Copperbelt Engineering", "Kitwe", "large", False, ["72", "81"], "Mwila", "Banda", "en"),
    ("MW", "Lilongwe Printers", "Lilongwe", "micro", True, ["55", "82"], "Chikondi", "Phiri", "en"),
    ("HT", "Ayiti Transport Solidaire", "Port-au-Prince", "small", False, ["78"], "Jean", "Baptiste", "fr"),
    ("FJ", "Pacific Island Pharma", "Suva", "small", True, ["51"], "Mere", "Tuilagi", "en"),
    ("WS", "Samoa Coconut Products", "Apia", "micro", True, ["50"], "Lagi", "Faleolo", "en"),
    ("VU", "Vanuatu Shelter Works", "Port Vila", "micro", False, ["30", "72"], "Kalo", "Tari", "fr"),
    ("SB", "Honiara Marine Services", "Honiara", "micro", False, ["78", "25"], "John", "Ramo", "en"),
    ("TL", "Dili Coffee Exporters", "Dili", "small", True, ["50"], "Maria", "Soares", "en"),
    ("KH", "Mekong Water Systems", "Phnom Penh", "small", False, ["40", "47"], "Dara", "Sok", "en"),
    ("LA", "Lao Rice Mills", "Vientiane", "medium", False, ["50"], "Khamla", "Phommachanh", "fr"),
    ("MM", "Yangon IT Partners", "Yangon", "small", False, ["43"], "Aung", "Kyaw", "en"),
    ("PE", "Andes Textiles", "Lima", "micro", True, ["53"], "Ana", "Quispe", "es"),
    ("BO", "Altiplano Medical", "La Paz", "small", True, ["42", "51"], "Rosa", "Mamani", "es"),
    ("CO", "Bogotá Software Labs", "Bogotá", "medium", False, ["43", "81"], "Andrés", "Gómez", "es"),
    ("GT", "Maya Agro Exports", "Guatemala City", "small", True, ["10", "50"], "Lucía", "Xol", "es"),
    ("JM", "Kingston Event Services", "Kingston", "micro", True, ["90", "80"], "Tanya", "Campbell", "en"),
    ("TT", "Trinidad Safety Supplies", "Port of Spain", "small", False, ["46"], "Ravi", "Maharaj", "en"),
    ("MV", "Maldives Cold Chain", "Malé", "small", False, ["24", "78"], "Aishath", "Rasheed", "en"),
    ("MU", "Port Louis Pharma", "Port Louis", "medium", True, ["51"], "Priya", "Ramgoolam", "fr"),
    ("CV", "Praia Energia Limpa", "Praia", "micro", False, ["26"], "Nuno", "Tavares", "en"),
    ("ST", "São Tomé Cacau", "São Tomé", "micro", True, ["50"], "Edite", "Ramos", "en"),
    ("BT", "Thimphu Handicrafts", "Thimphu", "micro", True, ["60", "53"], "Pema", "Choden", "en"),
    ("KG", "Bishkek Road Builders", "Bishkek", "large", False, ["72"], "Azamat", "Usenov", "en"),
    ("UZ", "Samarkand Cotton", "Samarkand", "medium", False, ["11", "53"], "Dilnoza", "Karimova", "en"),
    ("AM", "Yerevan Lab Instruments", "Yerevan", "small", False, ["41"], "Armen", "Petrosyan", "en"),
    ("MD", "Chișinău Translation Bureau", "Chișinău", "micro", True, ["82"], "Elena", "Rusu", "fr"),
    ("GH", "Accra Health Distributors", "Accra", "medium", False, ["42", "51"], "Kwame", "Mensah", "en"),
    ("NG", "Lagos Data Systems", "Lagos", "medium", False, ["43"], "Ngozi", "Okafor", "en"),
    ("VN", "Hanoi Bicycle Works", "Hanoi", "large", False, ["25"], "Linh", "Nguyen", "en"),
    ("PH", "Cebu Disaster Relief Goods", "Cebu", "small", True, ["46", "56"], "Maria", "Santos", "en"),
    ("EG", "Nile Water Engineering", "Cairo", "large", False, ["40", "81"], "Omar", "Hassan", "en"),
]  # fmt: skip


def _register(seminar, *, person: Person, company: Company, mode: str, sessions) -> Registration:
    registration = Registration(
        seminar=seminar,
        person=person,
        company=company,
        status=Registration.Status.CONFIRMED,
        attendance_mode=mode,
        list_visibility=random.choice(Registration.ListVisibility.values),
        calendar_token=secrets.token_urlsafe(32),
        check_in_code=secrets.token_hex(5).upper(),
        privacy_notice_version=selectors.privacy_notice_version(seminar),
        confirmed_at=timezone.now(),
    )
    _snapshot_tags(registration, seminar)
    registration.save()
    registration.sessions.set(sessions)
    return registration


def _vendor(row, index: int) -> tuple[Person, Company]:
    country, name, city, size, women, segments, first, last, language = row
    company = Company.objects.create(
        legal_name=name,
        country=country,
        national_registration_number=f"{country}-{2010 + index % 14}-{1000 + index}",
        city=city,
        size_band=size,
        women_owned=women,
        disability_inclusive=index % 7 == 0,
        ungm_number="" if index % 3 == 0 else str(400000 + index * 37),
        unspsc_segments=segments,
        year_established=1995 + index % 28,
    )
    person = Person.objects.create(
        email=f"{first}.{last}@vendor{index}.demo.openips.localhost".lower().replace(" ", ""),
        full_name=f"{first} {last}",
        job_title=random.choice(["Director", "Sales manager", "Founder", "Export officer"]),
        company=company,
        preferred_language=language,
        time_zone=default_zone(country),
    )
    _person_user(person)
    return person, company


def seed(context: dict) -> None:
    random.seed(4)  # the same demo every time
    seminar = context["seminar"]
    agencies = context["agencies"]
    unicef = agencies["UNICEF"]
    sessions = list(seminar.sessions.exclude(kind="break"))
    registrations = []
    for index, row in enumerate(VENDORS):
        person, company = _vendor(row, index)
        mode = "in_room" if row[0] == "KE" or index % 3 == 0 else "online"
        chosen = random.sample(sessions, k=random.randint(3, len(sessions)))
        registration = _register(
            seminar, person=person, company=company, mode=mode, sessions=chosen
        )
        registrations.append(registration)
        # UNICEF gets about half of the vendors' consent, other agencies a random share.
        answers = {a.pk: random.random() < 0.4 for a in agencies.values()}
        answers[unicef.pk] = index % 2 == 0
        consents_apply(registration=registration, answers=answers, source="demo")
        if mode == "in_room" and index % 2 == 0:
            registration.checked_in_at = timezone.now() - timedelta(minutes=index)
            registration.save(update_fields=["checked_in_at"])
        _engage(registration, agencies, index)
    registrations.append(_demo_vendor(context, seminar, unicef, sessions))
    context["registrations"] = registrations


def _demo_vendor(context: dict, seminar, unicef, sessions) -> Registration:
    """The demo "vendor" user (Grace Banda) registers too, online, sharing with UNICEF."""
    vendor_user = context["users"]["vendor"]
    company = Company.objects.create(
        legal_name="Banda Medical Supplies",
        country="MW",
        city="Blantyre",
        size_band="small",
        women_owned=True,
        unspsc_segments=["42", "51"],
    )
    person = Person.objects.create(
        user=vendor_user,
        email=vendor_user.email,
        full_name=vendor_user.get_full_name(),
        job_title="Managing director",
        company=company,
        time_zone="Africa/Blantyre",
    )
    registration = _register(
        seminar, person=person, company=company, mode="online", sessions=sessions
    )
    consents_apply(registration=registration, answers={unicef.pk: True}, source="demo")
    return registration


def _engage(registration: Registration, agencies: dict, index: int) -> None:
    unicef = agencies["UNICEF"]
    unicef_session = registration.seminar.sessions.filter(agencies=unicef).first()
    if index % 2 == 0 and unicef_session is not None:
        Attendance.objects.get_or_create(
            session=unicef_session,
            user=registration.person.user,
            defaults={
                "first_joined_at": unicef_session.starts_at,
                "last_left_at": unicef_session.starts_at + timedelta(minutes=20 + index),
                "seconds_present": 60 * (20 + index),
                "joins": 1,
            },
        )
    if index % 4 == 0:
        EngagementEvent.objects.create(registration=registration, agency=unicef, kind="contact_me")
    if index % 3 == 1:
        EngagementEvent.objects.create(
            registration=registration, agency=unicef, kind="slides_downloaded", amount=1
        )
    if index % 5 == 2:
        EngagementEvent.objects.create(
            registration=registration,
            agency=agencies["WHO"],
            kind="recording_watched_seconds",
            amount=600 + 60 * index,
        )

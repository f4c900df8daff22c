"""No workspace page weighs more than 60 KB compressed on first load (a phone on a weak
connection at a venue). Stylesheets are shared with the rest of the site and cached."""

import gzip

from django.urls import reverse

from registration import services as registration_services
from tests.factories import registration_payload
from tests.organising.test_permissions import PAGES

LIMIT = 60 * 1024


def test_every_workspace_page_is_under_60_kb_compressed(client, organiser, seminar):
    for n in range(60):
        registration_services.registration_apply(
            seminar=seminar,
            payload=registration_payload(
                email=f"v{n}@example.org",
                full_name=f"Vendor with a rather long name number {n}",
                company={"legal_name": f"Firm {n}", "national_registration_number": f"N{n}"},
            ),
        )
    client.force_login(organiser)
    urls = [reverse(f"organising:{name}", args=[seminar.slug]) for name in PAGES]
    urls += [reverse("organising:home"), reverse("organising:create")]
    sizes = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        sizes[url] = len(gzip.compress(response.content))
    assert max(sizes.values()) < LIMIT, sizes

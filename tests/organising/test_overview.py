"""The overview: counts, charts that carry their numbers as text, queries pinned."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration import services as registration_services
from tests.factories import registration_payload

# Session and user, seminar and role, checklist, pending and confirmed counts, then the
# figures: by mode and status, groups, per day, live now. The same at any size.
QUERIES = 12


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_overview_counts_and_charts_in_a_fixed_number_of_queries(client, organiser, seminar):
    client.force_login(organiser)
    url = reverse("organising:overview", args=[seminar.slug])
    _page, empty = _get(client, url)
    for n in range(12):
        registration_services.registration_apply(
            seminar=seminar,
            payload=registration_payload(
                email=f"v{n}@example.org",
                company={"legal_name": f"F{n}", "national_registration_number": f"N{n}"},
            ),
        )
    page, full = _get(client, url)
    assert empty == full == QUERIES
    # Nepal (the payload's country) is a least developed and landlocked country: the bars
    # carry their numbers as text, so the chart reads without colour.
    assert "<title>Active registrations by country group</title>" in page
    assert '<text x="0" y="20" font-size="12">Least developed countries</text>' in page
    assert ">12</text>" in page
    assert "Checked in: 0 of 12 active registrations." in page

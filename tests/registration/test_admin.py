"""Back office: organisers override country groups for their own seminars only."""

from django.urls import reverse

from registration.models import CountryGroupOverride
from tests import factories


def test_organiser_overrides_country_groups_only_for_their_seminars(client, db):
    mine = factories.SeminarFactory()
    theirs = factories.SeminarFactory()
    organizer = factories.RoleFactory(seminar=mine, role="organizer").user
    organizer.is_staff = True
    organizer.save()
    other = CountryGroupOverride.objects.create(country="KE", seminar=theirs, note="theirs")
    global_row = CountryGroupOverride.objects.create(country="BT", note="global")
    client.force_login(organizer)
    add = reverse("admin:registration_countrygroupoverride_add")
    page = client.get(add).content.decode()
    assert f'value="{mine.pk}"' in page and f'value="{theirs.pk}"' not in page
    response = client.post(
        add,
        {"seminar": mine.pk, "country": "ST", "ldc": "true", "income_group": "", "note": "fix"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert CountryGroupOverride.objects.get(country="ST").seminar == mine
    refused = client.post(add, {"seminar": theirs.pk, "country": "FJ", "note": "x"})
    assert refused.status_code == 200 and not CountryGroupOverride.objects.filter(country="FJ")
    changelist = client.get(reverse("admin:registration_countrygroupoverride_changelist"))
    assert "theirs" not in changelist.content.decode()
    for row in (other, global_row):
        url = reverse("admin:registration_countrygroupoverride_change", args=[row.pk])
        assert client.get(url).status_code in (302, 403, 404)

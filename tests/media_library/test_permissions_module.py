"""media_library/permissions.py, the media library's one home of "who may": each rule both
ways, for an organiser, a presenter of the session's agency, a presenter of another agency,
a vendor and an anonymous visitor."""

import pytest
from django.contrib.auth.models import AnonymousUser

from media_library import permissions
from media_library.models import MediaAsset, Presentation
from seminars.models import Seminar, SeminarRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seminar = factories.SeminarFactory()
    agency, other_agency = factories.AgencyFactory(), factories.AgencyFactory()
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.add(agency)
    organizer = factories.RoleFactory(seminar=seminar).user
    presenter = factories.RoleFactory(
        seminar=seminar, role=SeminarRole.Role.PRESENTER, agency=agency
    ).user
    outsider = factories.RoleFactory(
        seminar=seminar, role=SeminarRole.Role.PRESENTER, agency=other_agency
    ).user
    presentation = Presentation.objects.create(session=session, agency=agency, title="Talk")
    asset = MediaAsset.objects.create(
        presentation=presentation, kind="slides", title="Deck", status="ready"
    )
    return {
        "seminar": seminar,
        "session": session,
        "agency": agency,
        "other_agency": other_agency,
        "organizer": organizer,
        "presenter": presenter,
        "outsider": outsider,
        "vendor": factories.UserFactory(),
        "anonymous": AnonymousUser(),
        "presentation": presentation,
        "asset": asset,
    }


def test_session_media_page_is_for_organisers_and_the_sessions_presenters_only(world):
    session = world["session"]
    assert permissions.can_manage_session_media(world["organizer"], session)
    assert permissions.can_manage_session_media(world["presenter"], session)
    for who in ("outsider", "vendor", "anonymous"):
        assert not permissions.can_manage_session_media(world[who], session), who


def test_review_is_for_organisers_only(world):
    seminar = world["seminar"]
    assert permissions.can_review_media(world["organizer"], seminar)
    for who in ("presenter", "outsider", "vendor", "anonymous"):
        assert not permissions.can_review_media(world[who], seminar), who


def test_a_presentation_is_edited_by_organisers_and_its_own_agency_only(world):
    presentation = world["presentation"]
    assert permissions.can_edit_presentation(world["organizer"], presentation)
    assert permissions.can_edit_presentation(world["presenter"], presentation)
    for who in ("outsider", "vendor", "anonymous"):
        assert not permissions.can_edit_presentation(world[who], presentation), who


def test_an_unapproved_version_is_seen_by_its_editors_only_an_approved_one_by_everyone(world):
    asset = world["asset"]
    for who in ("outsider", "vendor", "anonymous"):
        assert not permissions.can_see_asset(world[who], asset), who
    assert permissions.can_see_asset(world["presenter"], asset)
    asset.review = MediaAsset.Review.APPROVED
    for who in ("outsider", "vendor", "anonymous"):
        assert permissions.can_see_asset(world[who], asset), who


def test_media_of_a_draft_seminar_are_hidden_from_the_public_even_when_approved(world):
    seminar, asset = world["seminar"], world["asset"]
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.DRAFT)
    seminar.refresh_from_db()
    asset.review = MediaAsset.Review.APPROVED
    assert not permissions.can_view_session_media(world["anonymous"], world["session"])
    assert not permissions.can_see_asset(world["vendor"], asset)
    assert permissions.can_view_session_media(world["organizer"], world["session"])


def test_agencies_to_manage_are_all_for_organisers_and_ones_own_for_presenters(world):
    seminar, agency = world["seminar"], world["agency"]
    assert permissions.agency_ids_to_manage(world["organizer"], seminar) is None
    assert permissions.agency_ids_to_manage(world["presenter"], seminar) == {agency.pk}
    assert permissions.agency_ids_to_manage(world["vendor"], seminar) == set()
    assert permissions.agency_ids_to_manage(world["anonymous"], seminar) == set()


def test_upload_agencies_are_the_sessions_agencies_the_user_may_speak_for(world):
    session, agency = world["session"], world["agency"]
    both = {agency.pk, world["other_agency"].pk}
    assert permissions.upload_agency_ids(world["organizer"], session, both) == both
    assert permissions.upload_agency_ids(world["presenter"], session, both) == {agency.pk}
    assert permissions.upload_agency_ids(world["outsider"], session, {agency.pk}) == set()
    assert permissions.upload_agency_ids(world["vendor"], session, both) == set()

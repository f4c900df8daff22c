"""The agenda page's shell around the cached agenda: the seminar is read with SQL built once
(seminars/selectors.py), with the same values the ORM reads."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from seminars import selectors
from seminars.models import Seminar
from tests.factories import RoleFactory, SeminarFactory


def test_the_selector_reads_what_the_orm_reads(seminar):
    seminar.description = "Line one\nLine two"
    seminar.registration_opens_at = datetime(2030, 1, 6, 9, 30, tzinfo=UTC)
    seminar.save()
    read = selectors.seminar_with_agenda_version_or_404(user=AnonymousUser(), slug=seminar.slug)
    expected = Seminar.objects.select_related("host").get(pk=seminar.pk)
    for field in Seminar._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert read.languages == ["en", "fr", "es"]
    assert read.starts_on == date(2030, 3, 4)
    assert read.registration_opens_at == datetime(2030, 1, 6, 9, 30, tzinfo=UTC)
    assert read.host.name == expected.host.name and read.host.pk == expected.host.pk
    assert not read._state.adding and read._state.db == "default"


def test_the_selector_hides_unknown_seminars_and_drafts_from_those_without_a_role(db):
    with pytest.raises(Http404):
        selectors.seminar_with_agenda_version_or_404(user=AnonymousUser(), slug="no-such")
    draft = SeminarFactory(status=Seminar.Status.DRAFT)
    with pytest.raises(Http404):
        selectors.seminar_with_agenda_version_or_404(user=AnonymousUser(), slug=draft.slug)
    organizer = RoleFactory(seminar=draft, role="organizer").user
    read = selectors.seminar_with_agenda_version_or_404(user=organizer, slug=draft.slug)
    assert read.pk == draft.pk


def test_the_agenda_version_changes_with_a_seminar_edit(seminar):
    def version() -> str:
        return selectors.seminar_with_agenda_version_or_404(
            user=AnonymousUser(), slug=seminar.slug
        ).agenda_version

    before = version()
    assert version() == before
    seminar.title = "Renamed"
    seminar.save()
    assert version() != before

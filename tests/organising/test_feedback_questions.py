"""The organiser's two feedback questions of a session, set in the workspace: who may, and
what a bad list of questions gets (a form error, nothing stored)."""

import pytest
from django.urls import reverse

from polls.feedback import feedback_questions
from polls.models import FeedbackQuestions
from seminars.models import Seminar, SeminarRole
from tests import factories


def _url(seminar, session=None) -> str:
    session = session or seminar.sessions.first()
    return reverse("organising:session_feedback", args=[seminar.slug, session.pk])


def test_the_organiser_sets_two_questions_then_changes_them_then_asks_none(
    client, seminar, organiser
):
    session = seminar.sessions.first()
    client.force_login(organiser)
    edit = client.get(reverse("organising:session_edit", args=[seminar.slug, session.pk]))
    assert _url(seminar).encode() in edit.content
    response = client.post(_url(seminar), {"questions": "Was the pace right?\n\n  Too long? \n"})
    assert response.status_code == 302
    assert feedback_questions(session=session) == ["Was the pace right?", "Too long?"]
    page = client.get(_url(seminar)).content.decode()
    assert "Was the pace right?\nToo long?</textarea>" in page
    client.post(_url(seminar), {"questions": "Only this one?"})
    assert feedback_questions(session=session) == ["Only this one?"]
    client.post(_url(seminar), {"questions": ""})
    assert feedback_questions(session=session) == []
    assert FeedbackQuestions.objects.count() == 1


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ("One?\nTwo?\nThree?", "Ask at most two questions (you wrote 3)."),
        ("Fine?\n" + "x" * 201, "Keep each question under 200 characters (question 2 has 201)."),
    ],
)
def test_more_than_two_or_a_too_long_question_is_a_form_error_and_stores_nothing(
    client, seminar, organiser, questions, message
):
    session = seminar.sessions.first()
    FeedbackQuestions.objects.create(session=session, question_one="Kept?")
    client.force_login(organiser)
    response = client.post(_url(seminar), {"questions": questions})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert feedback_questions(session=session) == ["Kept?"]


@pytest.mark.parametrize("who", ["other_organiser", "presenter", "vendor"])
def test_nobody_but_the_seminars_organisers_may_set_them(client, seminar, other_organiser, who):
    session = seminar.sessions.first()
    if who == "other_organiser":
        user = other_organiser
    elif who == "presenter":  # staff of an agency presenting in the seminar
        user = factories.UserFactory()
        factories.RoleFactory(
            seminar=seminar,
            user=user,
            role=SeminarRole.Role.PRESENTER,
            agency=session.agencies.first(),
        )
    else:
        user = factories.UserFactory()
    client.force_login(user)
    for status in (Seminar.Status.PUBLISHED, Seminar.Status.DRAFT):
        Seminar.objects.filter(pk=seminar.pk).update(status=status)
        # a draft does not leak to who cannot see it; a presenter of the seminar sees it
        expected = 403 if status == Seminar.Status.PUBLISHED or who == "presenter" else 404
        assert client.get(_url(seminar)).status_code == expected
        assert client.post(_url(seminar), {"questions": "Hijacked?"}).status_code == expected
    assert not FeedbackQuestions.objects.exists()


def test_a_session_of_another_seminar_is_not_found_through_this_one(
    client, seminar, organiser, other_organiser
):
    elsewhere = factories.SessionFactory(seminar=factories.SeminarFactory())
    client.force_login(organiser)
    assert client.post(_url(seminar, elsewhere), {"questions": "Hijacked?"}).status_code == 404
    assert not FeedbackQuestions.objects.exists()

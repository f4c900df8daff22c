"""Session feedback: services (writes) and selectors (reads), small enough for one module.

After a session ends, the people who were there (live, or later watching the recording) give
a rating from 1 to 5, answer the organiser's up to two questions and may add a comment: one
answer per person and session, editable for a week. Each of them is asked once by email, in
their language (``feedback_requests_send``). Who may see what: ``polls/permissions.py``.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from live.models import Attendance
from ops import mail
from polls import permissions
from polls.models import FeedbackQuestions, FeedbackRequest, SessionFeedback
from registration.models import EngagementEvent, Person
from seminars.models import Session


def feedback_questions(*, session: Session) -> list[str]:
    row = FeedbackQuestions.objects.filter(session=session).first()
    return [q for q in (row.question_one, row.question_two) if q] if row else []


FEEDBACK_QUESTIONS_MAX = 2


def feedback_questions_set(*, session: Session, questions: list[str]) -> list[str]:
    """Set the organiser's up to two questions of a session's feedback (blank lines ignored;
    none: only the rating and the comment are asked). The caller checked that the user
    organises the seminar. Returns the questions as stored."""
    cleaned = [q.strip() for q in questions if q.strip()]
    if len(cleaned) > FEEDBACK_QUESTIONS_MAX:
        message = _("Ask at most two questions (you wrote %(count)s).") % {"count": len(cleaned)}
        raise ValidationError({"questions": message})
    longest = FeedbackQuestions._meta.get_field("question_one").max_length or 200
    for number, question in enumerate(cleaned, start=1):
        if len(question) > longest:
            message = _(
                "Keep each question under %(max)s characters (question %(number)s has %(count)s)."
            ) % {"max": longest, "number": number, "count": len(question)}
            raise ValidationError({"questions": message})
    one, two = [*cleaned, "", ""][:FEEDBACK_QUESTIONS_MAX]
    FeedbackQuestions.objects.update_or_create(
        session=session, defaults={"question_one": one, "question_two": two}
    )
    return cleaned


def feedback_of(*, session: Session, user) -> SessionFeedback | None:
    return SessionFeedback.objects.filter(session=session, user=user).first()


def feedback_editable(feedback: SessionFeedback | None) -> bool:
    if feedback is None:
        return True
    return timezone.now() < feedback.created_at + timedelta(days=SessionFeedback.EDITABLE_DAYS)


def feedback_save(
    *, session: Session, user, rating: int, answers: list[str], comment: str
) -> SessionFeedback:
    """Record or change a person's feedback on a session (one per person, a week to edit)."""
    if not permissions.may_give_feedback(user, session):
        raise PermissionDenied(_("Only people who attended this session can give feedback."))
    if not 1 <= rating <= 5:
        raise ValidationError(_("Choose a rating from 1 to 5."))
    answer_one, answer_two = ([*answers, "", ""])[:2]
    values = {
        "rating": rating,
        "answer_one": answer_one[: SessionFeedback.TEXT_MAX_CHARS],
        "answer_two": answer_two[: SessionFeedback.TEXT_MAX_CHARS],
        "comment": comment[: SessionFeedback.TEXT_MAX_CHARS],
    }
    with transaction.atomic():
        feedback = (
            SessionFeedback.objects.select_for_update().filter(session=session, user=user).first()
        )
        if feedback is None:
            try:
                with transaction.atomic():
                    return SessionFeedback.objects.create(session=session, user=user, **values)
            except IntegrityError:  # a second tab sent it a moment earlier
                feedback = SessionFeedback.objects.get(session=session, user=user)
        if not feedback_editable(feedback):
            raise ValidationError(_("Feedback can only be changed within a week."))
        for name, value in values.items():
            setattr(feedback, name, value)
        feedback.save()
        return feedback


@dataclass
class FeedbackResults:
    count: int
    average: float | None
    by_rating: list[tuple[int, int]]
    questions: list[str]
    rows: list[dict]


def feedback_results(*, session: Session, named: bool) -> FeedbackResults:
    """A session's feedback; ``named`` adds who gave each answer (organisers only)."""
    answers = SessionFeedback.objects.filter(session=session).select_related("user")
    summary = answers.aggregate(count=Count("pk"), average=Avg("rating"))
    counts = dict(answers.values_list("rating").annotate(n=Count("pk")).order_by())
    questions = feedback_questions(session=session)
    rows = [
        {
            "name": (f.user.get_full_name() or f.user.get_username()) if named else "",
            "rating": f.rating,
            "answers": [f.answer_one, f.answer_two][: len(questions)],
            "comment": f.comment,
        }
        for f in answers.order_by("created_at", "pk")
    ]
    average = round(summary["average"], 2) if summary["average"] is not None else None
    return FeedbackResults(
        count=summary["count"],
        average=average,
        by_rating=[(r, counts.get(r, 0)) for r in range(1, 6)],
        questions=questions,
        rows=rows,
    )


def _attendee_ids(session: Session) -> set[int]:
    live = Attendance.objects.filter(session=session, user__isnull=False).values_list(
        "user_id", flat=True
    )
    watched = EngagementEvent.objects.filter(
        session=session,
        kind=EngagementEvent.Kind.RECORDING_WATCHED_SECONDS,
        registration__person__user__isnull=False,
    ).values_list("registration__person__user_id", flat=True)
    return set(live) | set(watched)


def feedback_requests_send(*, session_id: int) -> int:
    """Email every attendee of an ended session who was not asked yet, once, in their
    language. Returns how many were sent. Sends emails."""
    session = Session.objects.select_related("seminar").get(pk=session_id)
    if session.ends_at > timezone.now():
        return 0
    asked = set(FeedbackRequest.objects.filter(session=session).values_list("user_id", flat=True))
    sent = 0
    for user_id in sorted(_attendee_ids(session) - asked):
        try:
            with transaction.atomic():
                FeedbackRequest.objects.create(session=session, user_id=user_id)
        except IntegrityError:  # another worker is asking this person
            continue
        _feedback_email(session, user_id)
        sent += 1
    return sent


# After the session ends: a margin for the room's attendance to be written, then follow-ups
# for those who watch the recording in the next two days (each person is still asked once).
REQUEST_AFTER_END = timedelta(minutes=10)
FOLLOW_UP_EVERY = timedelta(days=1)
FOLLOW_UP_UNTIL = timedelta(days=2)


def _enqueue_request(session_id: int, planned_ends_at: str, run_after) -> None:
    from polls.tasks import send_feedback_requests

    send_feedback_requests.using(run_after=run_after).enqueue(session_id, planned_ends_at)


def feedback_requests_schedule(*, session_id: int) -> bool:
    """Queue the session's feedback requests for just after it ends (a new or moved session).
    Returns whether a task was queued (not for a session that ended long ago). Queues a task."""
    ends_at = Session.objects.filter(pk=session_id).values_list("ends_at", flat=True).first()
    if ends_at is None or timezone.now() > ends_at + FOLLOW_UP_UNTIL:
        return False
    transaction.on_commit(
        lambda: _enqueue_request(session_id, ends_at.isoformat(), ends_at + REQUEST_AFTER_END)
    )
    return True


def feedback_requests_due(*, session_id: int, planned_ends_at: str) -> int:
    """The queued task: ask the session's attendees if it still ends when it was planned to
    (a moved session has its own task), then queue the next follow-up while they may still
    watch the recording. Returns how many were asked. Sends emails; may queue a task."""
    session = Session.objects.filter(pk=session_id).only("ends_at", "cancelled_at").first()
    if session is None or session.ends_at.isoformat() != planned_ends_at:
        return 0
    if session.cancelled_at is not None:
        return 0
    sent = feedback_requests_send(session_id=session_id)
    now, last = timezone.now(), session.ends_at + FOLLOW_UP_UNTIL
    if now < last:
        _enqueue_request(session_id, planned_ends_at, min(now + FOLLOW_UP_EVERY, last))
    return sent


def _feedback_email(session: Session, user_id: int) -> None:
    person = Person.objects.filter(user_id=user_id).first()
    if person is not None:
        email, language = person.email, person.preferred_language
    else:  # an account without a vendor registration (a guest of the organiser)
        user = get_user_model().objects.get(pk=user_id)
        email, language = user.email, settings.LANGUAGE_CODE
    if not email:
        return
    with translation.override(language):
        path = reverse(
            "polls:feedback", kwargs={"slug": session.seminar.slug, "session_id": session.pk}
        )
        body = render_to_string(
            "polls/email/feedback_request.txt",
            {"session": session, "seminar": session.seminar, "url": settings.SITE_URL + path},
        )
        subject = _("How was “%(session)s”?") % {"session": session.title}
        mail.message_build(subject=subject, body=body, to=[email]).send(fail_silently=False)


def sessions_awaiting_feedback_requests(*, within: timedelta) -> list[int]:
    """Sessions that ended within ``within`` (the task worker's daily sweep asks them)."""
    now = timezone.now()
    return list(
        Session.objects.filter(ends_at__lte=now, ends_at__gte=now - within).values_list(
            "pk", flat=True
        )
    )

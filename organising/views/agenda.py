"""The agenda editor and its pending notices."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organising import emails, selectors
from organising.forms import FeedbackQuestionsForm, SessionForm
from organising.services.notices import notices_dismiss, notices_send
from organising.views.common import form_errors_from, organiser_view
from polls.feedback import feedback_questions, feedback_questions_set
from scheduling.timezones import utc_offset_label
from seminars.services import session_cancel, session_delete, session_save


def _viewer_zone(request, seminar):
    """The organiser's own zone (ViewerTimeZoneMiddleware: ?tz= or the browser's), else the
    seminar's."""
    return getattr(request, "viewer_zone", None) or seminar.zone


@organiser_view
def agenda(request, seminar):
    zone, mine = seminar.zone, _viewer_zone(request, seminar)
    rows = []
    for session in selectors.agenda_sessions(seminar):
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        my_start = session.starts_at.astimezone(mine)
        # Formatted here: the template's date filter would convert back to the active zone.
        rows.append(
            {
                "session": session,
                "day": start.date(),
                "clock": f"{start:%H:%M}–{end:%H:%M}",
                "offset": utc_offset_label(start),
                "mine": date_format(my_start, "D H:i"),
                "mine_offset": utc_offset_label(my_start),
            }
        )
    days = [(day, list(items)) for day, items in groupby(rows, key=lambda row: row["day"])]
    return render(
        request,
        "organising/agenda.html",
        {
            "seminar": seminar,
            "days": days,
            "my_zone": mine.key,
            "zones_differ": mine.key != seminar.time_zone,
            "pending_count": selectors.pending_change_count(seminar),
        },
    )


def _session_page(request, seminar, session=None):
    form = SessionForm(request.POST or None, instance=session, seminar=seminar)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(commit=False)
            session_save(session=saved)
            form.save_m2m()
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("organising:agenda", slug=seminar.slug)
    return render(
        request,
        "organising/session_form.html",
        {"seminar": seminar, "form": form, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@organiser_view
def session_new(request, seminar):
    return _session_page(request, seminar)


@organiser_view
def session_edit(request, seminar, pk):
    return _session_page(request, seminar, selectors.seminar_session_or_404(seminar, pk))


@organiser_view
def session_feedback(request, seminar, pk):
    """The organiser's up to two questions of the session's feedback (besides the rating)."""
    session = selectors.seminar_session_or_404(seminar, pk)
    initial = {"questions": "\n".join(feedback_questions(session=session))}
    form = FeedbackQuestionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_questions_set(session=session, questions=form.question_lines())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The feedback questions are saved."))
            return redirect("organising:session_edit", slug=seminar.slug, pk=session.pk)
    return render(
        request,
        "organising/session_feedback.html",
        {"seminar": seminar, "session": session, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@organiser_view
def session_cancel_view(request, seminar, pk):
    session_cancel(session=selectors.seminar_session_or_404(seminar, pk))
    messages.success(request, _("The session is cancelled."))
    return redirect("organising:agenda", slug=seminar.slug)


@organiser_view
def session_delete_view(request, seminar, pk):
    session = selectors.seminar_session_or_404(seminar, pk)
    if request.method == "POST":
        session_delete(session=session)
        messages.success(request, _("The session is deleted."))
        return redirect("organising:agenda", slug=seminar.slug)
    return render(
        request, "organising/session_delete.html", {"seminar": seminar, "session": session}
    )


@organiser_view
def notices(request, seminar):
    """Pending changes, who they reach, and each distinct notice as it will be received."""
    changes = list(selectors.pending_changes(seminar))
    registrations = selectors.affected_registrations_with_sessions(changes)
    page = Paginator(registrations, 50).get_page(request.GET.get("page"))
    previews, seen = [], set()
    for registration in page:
        notice = emails.notice_render(registration=registration, changes=changes, preview=True)
        key = (notice.language, notice.time_zone) if notice else None
        if notice and key not in seen and len(previews) < 10:
            seen.add(key)
            previews.append(notice)
    return render(
        request,
        "organising/notices.html",
        {
            "seminar": seminar,
            "changes": changes,
            "page": page,
            "previews": previews,
            "recipient_count": page.paginator.count,
        },
    )


@require_POST
@organiser_view
def notices_send_view(request, seminar):
    try:
        notices_send(seminar=seminar)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The notices are being sent to the affected registrants."))
    return redirect("organising:notices", slug=seminar.slug)


@require_POST
@organiser_view
def notices_dismiss_view(request, seminar):
    try:
        notices_dismiss(seminar=seminar)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Registrants will not be told; the changelog keeps them."))
    return redirect("organising:notices", slug=seminar.slug)

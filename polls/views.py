"""Poll results exports (polls themselves happen over the live room socket) and session
feedback pages."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from live.views.common import get_visible_session
from polls import exports, permissions, selectors
from polls import feedback as feedback_service
from polls.forms import FeedbackForm
from seminars.downloads import content_disposition


@require_GET
def export(request: HttpRequest, slug: str, session_id: int, fmt: str, poll_id: int | None = None):
    session = get_visible_session(request, slug, session_id)
    if not permissions.may_export(request.user, session):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    if poll_id is not None and selectors.poll_get(session_id=session.pk, poll_id=poll_id) is None:
        raise Http404
    rows = exports.poll_rows(session=session, poll_id=poll_id)
    filename = f"{session.seminar.slug}-session-{session.pk}-polls"
    if poll_id is not None:
        filename += f"-{poll_id}"
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.as_xlsx(rows), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"{filename}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


def feedback(request: HttpRequest, slug: str, session_id: int):
    """The feedback form of an ended session, for those who attended."""
    session = get_visible_session(request, slug, session_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.may_give_feedback(request.user, session):
        raise PermissionDenied(_("Only people who attended this session can give feedback."))
    mine = feedback_service.feedback_of(session=session, user=request.user)
    questions = feedback_service.feedback_questions(session=session)
    initial = (
        {
            "rating": mine.rating,
            "answer_one": mine.answer_one,
            "answer_two": mine.answer_two,
            "comment": mine.comment,
        }
        if mine
        else None
    )
    form = FeedbackForm(request.POST or None, initial=initial, questions=questions)
    editable = feedback_service.feedback_editable(mine)
    if request.method == "POST" and editable and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_service.feedback_save(
                session=session,
                user=request.user,
                rating=data["rating"],
                answers=[data.get("answer_one", ""), data.get("answer_two", "")],
                comment=data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your feedback is saved."))
            return redirect(request.path)
    status = 400 if request.method == "POST" else 200
    context = {"seminar": session.seminar, "session": session, "form": form, "editable": editable}
    return render(request, "polls/feedback.html", context, status=status)


@require_GET
def feedback_results(request: HttpRequest, slug: str, session_id: int):
    """Organisers and moderators see who said what; presenting agencies, the same without
    names."""
    session = get_visible_session(request, slug, session_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    view = permissions.feedback_view(request.user, session)
    if view is None:
        raise PermissionDenied
    results = feedback_service.feedback_results(session=session, named=view == "named")
    context = {"seminar": session.seminar, "session": session, "results": results}
    return render(request, "polls/feedback_results.html", context)

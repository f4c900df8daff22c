"""After the session: question exports, the anonymised FAQ and its publication."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from live import exports
from live.services import session_set_faq_published
from live.views.common import get_visible_session, moderator_session_or_login, url_for
from registration.services.exportlog import export_log_record
from seminars.downloads import content_disposition


def _export(request: HttpRequest, slug: str, session_id: int, *, fmt: str):
    session = get_visible_session(request, slug, session_id)
    scope = exports.export_scope(user=request.user, session=session)
    if scope is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    rows = exports.question_rows(session=session, scope=scope)
    export_log_record(
        seminar=session.seminar,
        user=request.user,
        kind="questions",
        file_format=fmt,
        agency=None,
        filters={"session": session.pk}
        if scope.everything
        else {"session": session.pk, "agencies": sorted(scope.agency_ids)},
        columns=[str(cell) for cell in rows[0]],
        rows=len(rows) - 1,
    )
    filename = f"{session.seminar.slug}-session-{session.pk}-questions"
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
        filename += ".csv"
    else:
        response = HttpResponse(exports.as_xlsx(rows), content_type=exports.XLSX_CONTENT_TYPE)
        filename += ".xlsx"
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export_csv(request: HttpRequest, slug: str, session_id: int):
    return _export(request, slug, session_id, fmt="csv")


@require_GET
def export_xlsx(request: HttpRequest, slug: str, session_id: int):
    return _export(request, slug, session_id, fmt="xlsx")


def faq(request: HttpRequest, slug: str, session_id: int):
    """Answered questions of a session as an anonymised FAQ: no names, no votes, no
    dismissed or pending questions. Shown only once an organiser or moderator publishes it
    (``Session.faq_published``)."""
    session = get_visible_session(request, slug, session_id)
    if not session.faq_published:
        raise Http404
    return render(
        request,
        "live/faq.html",
        {
            "seminar": session.seminar,
            "session": session,
            "questions": exports.faq_questions(session=session),
        },
    )


@require_POST
def faq_publish(request: HttpRequest, slug: str, session_id: int):
    """Show or hide the session's FAQ (moderators and organisers; the service checks again)."""
    session, login = moderator_session_or_login(request, slug, session_id)
    if login:
        return login
    published = request.POST.get("publish") == "1"
    session_set_faq_published(session=session, user=request.user, published=published)
    if published:
        messages.success(request, gettext("The answered questions are published as an FAQ."))
    else:
        messages.success(request, gettext("The FAQ is no longer shown."))
    return redirect(url_for("live:room", session) + "#moderation")

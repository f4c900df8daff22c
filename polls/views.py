"""Poll results exports (the rest of polls happens over the live room socket)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from live.views.common import get_visible_session
from polls import exports, permissions
from polls.models import Poll
from seminars.downloads import content_disposition


@require_GET
def export(request: HttpRequest, slug: str, session_id: int, fmt: str, poll_id: int | None = None):
    session = get_visible_session(request, slug, session_id)
    if not permissions.may_export(request.user, session):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    if poll_id is not None and not Poll.objects.filter(pk=poll_id, session=session).exists():
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

"""Calendar feeds (the seminar's agenda and single sessions as iCalendar files) and the
organisers' time-zone planner."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from scheduling.calendar import calendar_for_sessions
from scheduling.forms import PlannerForm, country_datalist
from scheduling.heatmap import plan_context
from scheduling.planner import PlannerError, plan_sessions
from seminars import permissions, selectors
from seminars.downloads import content_disposition

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, inline=True)
    # Feeds change when the agenda does; let clients and proxies keep them a little while.
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
def seminar_calendar(request, slug: str):
    seminar = selectors.seminar_visible_or_404(user=request.user, slug=slug)
    body = calendar_for_sessions(
        seminar=seminar,
        sessions=selectors.seminar_sessions(seminar),
        calendar_name=seminar.title,
        request=request,
    )
    return _ics_response(body, f"{seminar.slug}.ics")


@require_GET
def session_calendar(request, slug: str, session_id: int):
    seminar = selectors.seminar_visible_or_404(user=request.user, slug=slug)
    session = get_object_or_404(selectors.seminar_sessions(seminar), pk=session_id)
    body = calendar_for_sessions(
        seminar=seminar,
        sessions=[session],
        calendar_name=_("%(session)s · %(seminar)s")
        % {"session": session.title, "seminar": seminar.title},
        request=request,
    )
    return _ics_response(body, f"{seminar.slug}-session-{session.pk}.ics")


@login_required
@require_GET
def planner(request, slug: str):
    """Organisers only: rank start times for an audience spread over time zones."""
    seminar = selectors.seminar_visible_or_404(user=request.user, slug=slug)
    if not permissions.can_manage_seminar(request.user, seminar):
        raise PermissionDenied
    form = PlannerForm(request.GET if "on" in request.GET else None)
    if not form.is_bound:
        form = PlannerForm(initial=PlannerForm.initial_for(seminar))
    context = {"seminar": seminar, "form": form, "countries": country_datalist(), "error": None}
    arguments = _planner_arguments(form)
    if arguments is not None:
        try:
            plan = plan_sessions(seminar_zone=seminar.time_zone, **arguments)
        except PlannerError as problem:
            context["error"] = str(problem)
        else:
            context.update(plan_context(plan))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "scheduling/planner.html", context, status=status)


def _planner_arguments(form: PlannerForm) -> dict | None:
    """The plan's inputs from a valid bound form, or from the initial values on first visit."""
    if form.is_bound:
        return form.plan_arguments() if form.is_valid() else None
    initial = PlannerForm(data=dict(form.initial))
    return initial.plan_arguments() if initial.is_valid() else None

"""The agenda page (a seminar's sessions in two clocks), its calendar feeds (the agenda and
single sessions as iCalendar files) and the organisers' time-zone planner."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from scheduling import agenda_page, frab
from scheduling import selectors as agenda_selectors
from scheduling.calendar import calendar_for_sessions, site_base_url, webcal_url
from scheduling.forms import PlannerForm, country_datalist
from scheduling.heatmap import plan_context
from scheduling.planner import PlannerError, plan_sessions
from scheduling.timezones import selectable_zones, zone_groups
from seminars import permissions, selectors
from seminars.downloads import content_disposition
from seminars.views import language_names

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"

# Group headings of the zone selector, by the tz database's area names.
ZONE_AREAS = {
    "Africa": gettext_lazy("Africa"),
    "America": gettext_lazy("Americas"),
    "Antarctica": gettext_lazy("Antarctica"),
    "Arctic": gettext_lazy("Arctic"),
    "Asia": gettext_lazy("Asia"),
    "Atlantic": gettext_lazy("Atlantic Ocean"),
    "Australia": gettext_lazy("Australia"),
    "Europe": gettext_lazy("Europe"),
    "Indian": gettext_lazy("Indian Ocean"),
    "Pacific": gettext_lazy("Pacific Ocean"),
    "UTC": gettext_lazy("Coordinated Universal Time"),
}


def zone_selector_groups() -> list[tuple[str, tuple]]:
    return [(ZONE_AREAS.get(area, area), choices) for area, choices in zone_groups()]


def seminar_detail(request, slug: str):
    seminar = agenda_selectors.seminar_with_agenda_version_or_404(user=request.user, slug=slug)
    can_manage = permissions.can_manage_seminar(request.user, seminar)
    feed_url = request.build_absolute_uri(
        reverse("scheduling_seminar:calendar", kwargs={"slug": seminar.slug})
    )
    viewer_zone = request.viewer_zone.key if request.viewer_zone else None
    status = 400 if request.viewer_zone_error else 200
    return render(
        request,
        "scheduling/seminar_detail.html",
        {
            "seminar": seminar,
            "agenda_html": agenda_page.agenda_html(request, seminar, can_manage=can_manage),
            "language_names": language_names(seminar.languages),
            "can_manage": can_manage,
            # A callable: the template calls it only when the cached zone options expire.
            "zone_groups": zone_selector_groups,
            "selected_zone": viewer_zone or seminar.time_zone,
            # A legacy alias (US/Eastern) from the cookie or ?tz= is kept selectable.
            "unlisted_zone": viewer_zone if viewer_zone not in selectable_zones() else "",
            "feed_url": feed_url,
            "feed_webcal_url": webcal_url(feed_url),
        },
        status=status,
    )


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
        sessions=agenda_selectors.seminar_sessions(seminar),
        calendar_name=seminar.title,
        request=request,
    )
    return _ics_response(body, f"{seminar.slug}.ics")


@require_GET
def session_calendar(request, slug: str, session_id: int):
    seminar = selectors.seminar_visible_or_404(user=request.user, slug=slug)
    session = agenda_selectors.seminar_session_or_404(seminar, session_id)
    body = calendar_for_sessions(
        seminar=seminar,
        sessions=[session],
        calendar_name=_("%(session)s · %(seminar)s")
        % {"session": session.title, "seminar": seminar.title},
        request=request,
    )
    return _ics_response(body, f"{seminar.slug}-session-{session.pk}.ics")


@require_GET
def frab_schedule(request, slug: str, form: str):
    """frab's schedule.xml or schedule.json for a seminar the viewer may see."""
    seminar = agenda_selectors.seminar_with_agenda_version_or_404(user=request.user, slug=slug)
    data = frab.schedule(
        seminar,
        agenda_selectors.seminar_sessions(seminar),
        base_url=site_base_url(request),
        version=seminar.agenda_version,
    )
    if form == "xml":
        response = HttpResponse(frab.schedule_xml(data), content_type="application/xml")
    else:
        response = HttpResponse(frab.schedule_json(data), content_type="application/json")
    response["Cache-Control"] = "public, max-age=900"
    return response


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

"""Public seminar pages: the list and the agenda in two clocks."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from scheduling.calendar import webcal_url
from scheduling.timezones import selectable_zones, zone_groups
from seminars import agenda_page, permissions, selectors
from seminars.models import Seminar

# Group headings of the zone selector, by the tz database's area names.
ZONE_AREAS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
    "UTC": _("Coordinated Universal Time"),
}


def get_visible_seminar(request, slug: str) -> Seminar:
    return selectors.seminar_visible_or_404(user=request.user, slug=slug)


def language_names(codes: list[str]) -> list[str]:
    """Seminar language codes as names in the viewer's language (the code if unknown)."""
    names = []
    for code in codes:
        try:
            names.append(get_language_info(code)["name_translated"])
        except KeyError:
            names.append(code)
    return names


def zone_selector_groups() -> list[tuple[str, tuple]]:
    return [(ZONE_AREAS.get(area, area), choices) for area, choices in zone_groups()]


def seminar_list(request):
    seminars = list(selectors.seminar_list_public())
    for seminar in seminars:
        seminar.language_names = language_names(seminar.languages)
    return render(request, "seminars/seminar_list.html", {"seminars": seminars})


def seminar_detail(request, slug: str):
    seminar = selectors.seminar_with_agenda_version_or_404(user=request.user, slug=slug)
    can_manage = permissions.can_manage_seminar(request.user, seminar)
    feed_url = request.build_absolute_uri(
        reverse("scheduling_seminar:calendar", kwargs={"slug": seminar.slug})
    )
    viewer_zone = request.viewer_zone.key if request.viewer_zone else None
    status = 400 if request.viewer_zone_error else 200
    return render(
        request,
        "seminars/seminar_detail.html",
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

"""The agenda page's shared part: rendered once per seminar version, viewer zone and language.

The agenda and its changelog read the same for everyone who views the page in one zone and
language, and rendering them was most of the page's cost (about 20 ms of 30 for 12
sessions). They are cached under a key holding the seminar's agenda version (see
``selectors.seminar_with_agenda_version_or_404``), so an edit shows on the next view. They
are rendered without the request, so nothing per viewer can slip into the cache; what
differs per viewer inside the agenda (presentation media links, the contact-me buttons with
their CSRF token) is a marker per session, replaced for each request.
"""

import hashlib
import re
from functools import cache

from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from scheduling import selectors
from scheduling.agenda import build_agenda
from seminars import permissions
from seminars.models import Seminar

# In the "fragments" cache (config/settings.py), one per process: the key holds the version,
# so no process can serve an old agenda. Old versions are never read again.
FRAGMENT_SECONDS = 3600
SHARED_TEMPLATE = "scheduling/_agenda_shared.html"
VIEWER_LINKS_TEMPLATE = "scheduling/_session_viewer_links.html"
# Titles are escaped in the fragment, so no session title can forge a marker.
_MARKER = re.compile(r"<!--viewer-links:(\d+)-->")


def agenda_html(request, seminar: Seminar, *, can_manage: bool) -> SafeString:
    """The agenda and changelog for this viewer. ``seminar`` comes from
    ``seminar_with_agenda_version_or_404``."""
    if request.viewer_zone_error:
        # The notice quotes the unknown zone as typed: not worth a cache entry per typo.
        shared = _render_shared(seminar, request.viewer_zone, request.viewer_zone_error)
    else:
        fragments, key = caches["fragments"], _cache_key(seminar, request.viewer_zone)
        shared = fragments.get(key)
        if shared is None:
            shared = _render_shared(seminar, request.viewer_zone, "")
            fragments.set(key, shared, FRAGMENT_SECONDS)
    if not request.user.is_authenticated:
        # Anonymous viewers have no media to manage and no contact-me buttons.
        return mark_safe(_MARKER.sub("", shared))  # our templates' output, escaped there
    return mark_safe(_with_viewer_links(request, seminar, shared, can_manage=can_manage))


def _cache_key(seminar: Seminar, viewer_zone) -> str:
    zone = viewer_zone.key if viewer_zone else "-"
    return (
        f"agenda:{seminar.pk}:{seminar.agenda_version}:{_templates_digest()}:"
        f"{zone}:{get_language()}"
    )


@cache
def _templates_digest() -> str:
    """Changes with the templates' source, so a deploy never serves an older layout."""
    names = [
        SHARED_TEMPLATE,
        "scheduling/_agenda.html",
        "scheduling/_clock.html",
        "scheduling/_changelog.html",
    ]
    sources = "".join(get_template(name).template.source for name in names)
    return hashlib.blake2b(sources.encode(), digest_size=4).hexdigest()


def _render_shared(seminar: Seminar, viewer_zone, viewer_zone_error: str) -> str:
    sessions = list(selectors.seminar_sessions(seminar))
    agenda = build_agenda(seminar=seminar, sessions=sessions, viewer_zone=viewer_zone)
    return render_to_string(
        SHARED_TEMPLATE,
        {
            "agenda": agenda,
            "changelog": selectors.seminar_changelog(seminar),
            "viewer_zone_error": viewer_zone_error,
        },
    )


def _with_viewer_links(request, seminar: Seminar, shared: str, *, can_manage: bool) -> str:
    sessions = {session.pk: session for session in selectors.seminar_sessions(seminar)}
    media_ids = media_session_ids(request.user, seminar, sessions.values(), can_manage)
    template = get_template(VIEWER_LINKS_TEMPLATE)

    def links(match: re.Match) -> str:
        session = sessions.get(int(match.group(1)))
        if session is None:  # deleted since the fragment was read
            return ""
        session.seminar = seminar
        return template.render({"session": session, "media": session.pk in media_ids}, request)

    return _MARKER.sub(links, shared)


def media_session_ids(user, seminar: Seminar, sessions, can_manage: bool) -> set[int]:
    """Sessions whose presentation media this viewer may manage: all for organisers, those of
    their agency for presenters (agencies are prefetched, so this costs no query per row)."""
    if can_manage:
        return {session.pk for session in sessions}
    agency_ids = permissions.presenter_agency_ids(user, seminar)
    return {
        session.pk
        for session in sessions
        if agency_ids & {agency.pk for agency in session.agencies.all()}
    }

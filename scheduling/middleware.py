import zoneinfo

from django.utils.cache import patch_vary_headers

from scheduling.timezones import canonical_zone_name, is_known_zone

VIEWER_TZ_COOKIE = "viewer_tz"
# A year: the zone someone lives in rarely changes; the browser script refreshes it anyway.
VIEWER_TZ_COOKIE_AGE = 365 * 24 * 3600


class ViewerTimeZoneMiddleware:
    """Puts the viewer's zone on the request.

    ``?tz=Area/City`` wins and is remembered in the ``viewer_tz`` cookie, then that cookie
    (set by static/js/timezone.js from the browser's zone, or by an earlier ``?tz=``). An
    unknown zone is kept in ``request.viewer_zone_error`` so the page can say so; it never
    raises. An empty ``?tz=`` counts as absent. Legacy aliases that browsers report
    (``Asia/Katmandu``) are shown under their present-day name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer_zone = None
        request.viewer_zone_error = ""
        requested = request.GET.get("tz", "").strip()
        cookie = request.COOKIES.get(VIEWER_TZ_COOKIE)
        remember = False
        if requested:
            if is_known_zone(requested):
                request.viewer_zone = zoneinfo.ZoneInfo(canonical_zone_name(requested))
                remember = requested != cookie
            else:
                request.viewer_zone_error = requested[:64]
        elif cookie and is_known_zone(cookie):
            request.viewer_zone = zoneinfo.ZoneInfo(canonical_zone_name(cookie))
        response = self.get_response(request)
        if remember:
            response.set_cookie(
                VIEWER_TZ_COOKIE,
                requested,
                max_age=VIEWER_TZ_COOKIE_AGE,
                samesite="Lax",
                # Not HttpOnly: the browser script reads and writes the same cookie.
                httponly=False,
                secure=request.is_secure(),
            )
        # Pages differ by the cookie; shared caches must not mix viewers' zones.
        patch_vary_headers(response, ["Cookie"])
        return response

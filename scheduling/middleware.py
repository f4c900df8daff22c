import zoneinfo

from scheduling.timezones import is_known_zone

VIEWER_TZ_COOKIE = "viewer_tz"


class ViewerTimeZoneMiddleware:
    """Puts the viewer's zone on the request.

    ``?tz=Area/City`` wins, then the ``viewer_tz`` cookie the browser sets (detected by
    JavaScript or chosen with the selector). An unknown zone is kept in
    ``request.viewer_zone_error`` so the page can say so; it never raises.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer_zone = None
        request.viewer_zone_error = ""
        requested = request.GET.get("tz")
        cookie = request.COOKIES.get(VIEWER_TZ_COOKIE)
        if requested is not None:
            if is_known_zone(requested):
                request.viewer_zone = zoneinfo.ZoneInfo(requested)
            else:
                request.viewer_zone_error = requested[:64]
        elif cookie and is_known_zone(cookie):
            request.viewer_zone = zoneinfo.ZoneInfo(cookie)
        return self.get_response(request)

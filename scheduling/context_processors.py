def viewer_time_zone(request):
    return {
        "viewer_zone": getattr(request, "viewer_zone", None),
        "viewer_zone_error": getattr(request, "viewer_zone_error", ""),
    }

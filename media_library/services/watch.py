"""Watch time per viewer and presentation: a lead signal for the agencies."""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest, Least

from media_library.models import Presentation, WatchTime
from media_library.services.engagement import engagement_report

MAX_SECONDS_PER_BEACON = 60


@transaction.atomic
def watch_time_record(
    *, user, presentation: Presentation, seconds: int, position: int
) -> WatchTime:
    """Add the seconds a viewer watched since their last beacon (capped, so a forged beacon
    cannot claim hours). Side effects: a registration engagement event for vendors."""
    seconds = max(0, min(int(seconds), MAX_SECONDS_PER_BEACON))
    video = presentation.approved_video
    duration = int(video.duration_seconds) if video else 0
    position = max(0, min(int(position), duration or int(position)))
    row, _created = WatchTime.objects.get_or_create(
        presentation=presentation, user=user, defaults={"duration_seconds": duration}
    )
    WatchTime.objects.filter(pk=row.pk).update(
        seconds_watched=Least(F("seconds_watched") + seconds, max(duration, 1) * 3),
        furthest_position=Greatest(F("furthest_position"), position),
        duration_seconds=duration,
    )
    row.refresh_from_db()
    if seconds:
        engagement_report(user=user, presentation=presentation, kind="watched", amount=seconds)
    return row

"""Registration constants; each may be overridden in settings under the same name."""

from django.conf import settings

# Bump when the privacy notice text changes; consents record the version they were given under.
PRIVACY_NOTICE_VERSION: str = getattr(settings, "REGISTRATION_PRIVACY_NOTICE_VERSION", "2026-11")
# Reminder lead times before each chosen session.
REMINDER_LEADS: dict[str, int] = {"24h": 24 * 60, "1h": 60}
# Lead score weights used when a seminar has no LeadScoreWeights row.
DEFAULT_LEAD_WEIGHTS: dict[str, int] = getattr(
    settings,
    "LEAD_SCORE_WEIGHTS",
    {
        "registered": 1,
        "checked_in": 3,
        "minutes_present": 1,
        "questions": 2,
        "contact_me": 10,
        "slides_downloaded": 2,
        "recording_watched": 1,
        "segment_match": 3,
    },
)

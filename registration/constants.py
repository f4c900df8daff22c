"""Registration constants; each may be overridden in settings under the name it states.

Read when used, not at import (module ``__getattr__``), so a changed setting, and
``override_settings`` in tests, take effect.
"""

from django.conf import settings

# Reminder lead times before each chosen session.
REMINDER_LEADS: dict[str, int] = {"24h": 24 * 60, "1h": 60}

_FROM_SETTINGS: dict[str, tuple[str, object]] = {
    # Bump when the privacy notice text changes; consents record the version they were given.
    "PRIVACY_NOTICE_VERSION": ("REGISTRATION_PRIVACY_NOTICE_VERSION", "2026-11"),
    # Lead score weights used when a seminar has no LeadScoreWeights row.
    "DEFAULT_LEAD_WEIGHTS": (
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
    ),
}


def __getattr__(name: str):
    if name not in _FROM_SETTINGS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    setting, default = _FROM_SETTINGS[name]
    value = getattr(settings, setting, default)
    return dict(value) if isinstance(value, dict) else value

"""Registration constants; each is a Django setting of config/settings.py, named below.

Read when used, not at import (module ``__getattr__``), so a changed setting, and
``override_settings`` in tests, take effect.
"""

from django.conf import settings

# Reminder lead times before each chosen session.
REMINDER_LEADS: dict[str, int] = {"24h": 24 * 60, "1h": 60}

# Module attribute -> the Django setting it reads (config/settings.py holds the values).
_FROM_SETTINGS: dict[str, str] = {
    # Bump when the privacy notice text changes; consents record the version they were given.
    "PRIVACY_NOTICE_VERSION": "REGISTRATION_PRIVACY_NOTICE_VERSION",
    # Lead score weights used when a seminar has no LeadScoreWeights row.
    "DEFAULT_LEAD_WEIGHTS": "LEAD_SCORE_WEIGHTS",
}


def __getattr__(name: str):
    if name not in _FROM_SETTINGS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(settings, _FROM_SETTINGS[name])
    return dict(value) if isinstance(value, dict) else value

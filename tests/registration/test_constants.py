"""Registration constants follow the settings when they are read, not when imported."""

import pytest

from registration import constants


def test_privacy_notice_version_follows_a_changed_setting(settings):
    assert constants.PRIVACY_NOTICE_VERSION == "2026-11"
    settings.REGISTRATION_PRIVACY_NOTICE_VERSION = "2027-01"
    assert constants.PRIVACY_NOTICE_VERSION == "2027-01"


def test_lead_weights_follow_a_changed_setting_and_are_a_copy(settings):
    assert constants.DEFAULT_LEAD_WEIGHTS["contact_me"] == 10
    constants.DEFAULT_LEAD_WEIGHTS["contact_me"] = 99  # a caller's change stays its own
    assert constants.DEFAULT_LEAD_WEIGHTS["contact_me"] == 10
    settings.LEAD_SCORE_WEIGHTS = {"registered": 5}
    assert constants.DEFAULT_LEAD_WEIGHTS == {"registered": 5}


def test_an_unknown_constant_is_an_attribute_error():
    with pytest.raises(AttributeError):
        constants.NO_SUCH_CONSTANT  # noqa: B018 (the access is the test)

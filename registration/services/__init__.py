"""Writes of the registration app. Import services from here; each lives in a submodule."""

from registration.services.checkin import check_in_record
from registration.services.consent import (
    consent_update,
    consents_apply,
    person_erase,
    personal_data_purge_expired,
    unconfirmed_forms_purge,
)
from registration.services.engagement import engagement_record, lead_update
from registration.services.exportlog import export_log_record
from registration.services.joinlinks import join_link_use, personal_links_reset
from registration.services.registration import (
    link_use,
    registration_apply,
    registration_cancel,
    registration_decide,
    registration_request,
    registration_window_error,
    sign_in_link_request,
    waiting_list_promote,
)
from registration.services.reminders import (
    reminder_send,
    reminders_reschedule_session,
    reminders_schedule,
)
from registration.services.signin import session_sign_in_by_join_link, session_sign_in_by_link

__all__ = [
    "check_in_record",
    "consent_update",
    "consents_apply",
    "engagement_record",
    "export_log_record",
    "join_link_use",
    "lead_update",
    "link_use",
    "person_erase",
    "personal_data_purge_expired",
    "unconfirmed_forms_purge",
    "personal_links_reset",
    "registration_apply",
    "registration_cancel",
    "registration_decide",
    "registration_request",
    "registration_window_error",
    "reminder_send",
    "reminders_reschedule_session",
    "reminders_schedule",
    "session_sign_in_by_join_link",
    "session_sign_in_by_link",
    "sign_in_link_request",
    "waiting_list_promote",
]

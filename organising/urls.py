"""The organiser workspace: /organise/ (the person's seminars, invitations) and each
seminar's pages under /seminars/<slug>/organise/."""

from django.urls import path

from organising.views import (
    agencies,
    agenda,
    announcements,
    people,
    registrants,
    seminars,
    webhooks,
)

app_name = "organising"
_s = "seminars/<slug:slug>/organise/"
urlpatterns = [
    path("organise/", seminars.my_seminars, name="home"),
    path("organise/new/", seminars.seminar_create, name="create"),
    path("organise/invitations/<token:token>/", people.invitation, name="invitation"),
    path(_s, seminars.overview, name="overview"),
    path(f"{_s}edit/", seminars.seminar_edit, name="edit"),
    path(f"{_s}publish/", seminars.publish, name="publish"),
    path(f"{_s}unpublish/", seminars.unpublish, name="unpublish"),
    path(f"{_s}duplicate/", seminars.duplicate, name="duplicate"),
    path(f"{_s}agenda/", agenda.agenda, name="agenda"),
    path(f"{_s}agenda/new/", agenda.session_new, name="session_new"),
    path(f"{_s}agenda/<id:pk>/", agenda.session_edit, name="session_edit"),
    path(f"{_s}agenda/<id:pk>/feedback/", agenda.session_feedback, name="session_feedback"),
    path(f"{_s}agenda/<id:pk>/cancel/", agenda.session_cancel_view, name="session_cancel"),
    path(f"{_s}agenda/<id:pk>/delete/", agenda.session_delete_view, name="session_delete"),
    path(f"{_s}notices/", agenda.notices, name="notices"),
    path(f"{_s}notices/send/", agenda.notices_send_view, name="notices_send"),
    path(f"{_s}notices/dismiss/", agenda.notices_dismiss_view, name="notices_dismiss"),
    path(f"{_s}agencies/", agencies.agency_list, name="agencies"),
    path(f"{_s}agencies/<id:pk>/", agencies.agency_edit, name="agency_edit"),
    path(f"{_s}people/", people.people, name="people"),
    path(f"{_s}people/<id:pk>/revoke/", people.revoke, name="revoke"),
    path(f"{_s}announcements/", announcements.announcement_list, name="announcements"),
    path(f"{_s}announcements/<id:pk>/", announcements.announcement_detail, name="announcement"),
    path(
        f"{_s}announcements/<id:pk>/send/",
        announcements.announcement_send_view,
        name="announcement_send",
    ),
    path(f"{_s}registrants/", registrants.registrant_list, name="registrants"),
    path(f"{_s}registrants/bulk/", registrants.bulk, name="bulk"),
    path(f"{_s}registrants/<id:pk>/", registrants.registrant, name="registrant"),
    path(f"{_s}registrants/<id:pk>/act/", registrants.registrant_action, name="registrant_action"),
    path(f"{_s}webhooks/", webhooks.webhook_list, name="webhooks"),
    path(
        f"{_s}webhooks/<id:webhook_id>/disable/", webhooks.webhook_disable, name="webhook_disable"
    ),
    path(f"{_s}webhooks/<id:webhook_id>/enable/", webhooks.webhook_enable, name="webhook_enable"),
    path(f"{_s}webhooks/<id:webhook_id>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path(f"{_s}webhooks/<id:webhook_id>/test/", webhooks.webhook_test, name="webhook_test"),
]

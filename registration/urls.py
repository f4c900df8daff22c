from django.urls import path

from registration.views import claims, links, staff, vendor

app_name = "registration"
_s = "<slug:slug>/"
urlpatterns = [
    # Vendors
    path(f"{_s}register/", vendor.register, name="register"),
    path(f"{_s}register/sent/", links.sent, name="sent"),
    path(f"{_s}register/confirm/<token:token>/", links.confirm, name="confirm"),
    path(f"{_s}register/sign-in/", links.sign_in, name="sign_in"),
    path(f"{_s}my-registration/", vendor.mine, name="mine"),
    path(f"{_s}my-registration/consent/", vendor.consent, name="consent"),
    path(f"{_s}my-registration/cancel/", vendor.cancel, name="cancel"),
    path(f"{_s}my-registration/erase/", vendor.erase, name="erase"),
    path(f"{_s}my-registration/links/reset/", vendor.links_reset, name="links_reset"),
    path(f"{_s}my-calendar/<token:token>.ics", links.calendar_feed, name="calendar"),
    path(f"{_s}participants/", vendor.participants, name="participants"),
    path(f"{_s}join/<token:token>/", links.join, name="join"),
    path(
        f"{_s}sessions/<id:session_id>/contact-me/<id:agency_id>/",
        vendor.contact_me,
        name="contact_me",
    ),
    # Organisers
    path(f"{_s}registrations/", staff.registrations, name="registrations"),
    path(f"{_s}registrations/<id:pk>/decide/", staff.decide, name="decide"),
    # Company claims (the seminar's organisers, or the claimed company's people)
    path(f"{_s}company-claims/<id:pk>/decide/", claims.decide, name="claim_decide"),
    path(f"{_s}check-in/", staff.check_in_page, name="check_in"),
    path(f"{_s}check-in/scan/", staff.check_in_scan, name="check_in_scan"),
    path(f"{_s}check-in/count.json", staff.check_in_count, name="check_in_count"),
    path(f"{_s}reach/", staff.reach, name="reach"),
    path(f"{_s}reach.csv", staff.reach_csv, name="reach_csv"),
    # Exports (organisers: attendees; agencies: their own leads)
    path(f"{_s}exports/", staff.exports_page, name="exports"),
    path(f"{_s}exports/attendees.<str:fmt>", staff.export_attendees, name="export_attendees"),
    path(f"{_s}exports/leads.<str:fmt>", staff.export_leads, name="export_leads"),
    # Agencies
    path(f"{_s}leads/", staff.leads, name="leads"),
    path(f"{_s}leads.json", staff.leads_json, name="leads_json"),
    path(f"{_s}leads/<id:pk>/", staff.lead_update, name="lead_update"),
]

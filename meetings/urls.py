"""Meetings: vendors' and officers' pages under /seminars/<slug>/meetings/, the organisers'
under /seminars/<slug>/organise/meetings/ (the workspace)."""

from django.urls import path

from meetings.views import feeds, officer, organiser, vendor

app_name = "meetings"
_m = "seminars/<slug:slug>/meetings/"
_o = "seminars/<slug:slug>/organise/meetings/"
urlpatterns = [
    path(_m, officer.home, name="home"),
    path(f"{_m}officers/", vendor.officers, name="officers"),
    path(f"{_m}officers/<id:officer_id>/request/", vendor.request_new, name="request"),
    path(f"{_m}mine/", vendor.mine, name="mine"),
    path(f"{_m}mine/schedule.pdf", vendor.schedule_pdf, name="mine_pdf"),
    path(f"{_m}mine/<id:request_id>/withdraw/", vendor.withdraw, name="withdraw"),
    path(f"{_m}mine/<id:request_id>/accept/", vendor.accept_proposal, name="accept_proposal"),
    path(f"{_m}mine/meetings/<id:meeting_id>/cancel/", vendor.cancel, name="vendor_cancel"),
    path(f"{_m}inbox/", officer.inbox, name="inbox"),
    path(f"{_m}inbox/schedule.pdf", officer.schedule_pdf, name="inbox_pdf"),
    path(f"{_m}inbox/export.<str:file_format>", officer.export, name="officer_export"),
    path(f"{_m}inbox/<id:request_id>/accept/", officer.accept, name="accept"),
    path(f"{_m}inbox/<id:request_id>/propose/", officer.propose, name="propose"),
    path(f"{_m}inbox/<id:request_id>/decline/", officer.decline, name="decline"),
    path(f"{_m}inbox/meetings/<id:meeting_id>/cancel/", officer.cancel, name="officer_cancel"),
    path(f"{_m}inbox/meetings/<id:meeting_id>/note/", officer.note, name="note"),
    path(f"{_m}inbox/calendar/reset/", feeds.calendar_reset, name="officer_calendar_reset"),
    path(f"{_m}calendar/<token:token>.ics", feeds.officer_calendar, name="officer_calendar"),
    path(f"{_m}availability/", officer.availability, name="availability"),
    path(_o, organiser.configure, name="configure"),
    path(f"{_o}windows/", organiser.window_add, name="window_add"),
    path(f"{_o}officers/", organiser.officer_add, name="officer_add"),
    path(f"{_o}grid/", organiser.grid, name="grid"),
    path(f"{_o}grid/<id:meeting_id>/move/", organiser.move, name="move"),
    path(f"{_o}grid/<id:meeting_id>/cancel/", organiser.cancel, name="grid_cancel"),
    path(f"{_o}export.<str:file_format>", organiser.export, name="export"),
]

"""Seminar-scoped pages of the scheduling app, under /seminars/<slug>/."""

from django.urls import path

from scheduling import views

app_name = "scheduling_seminar"
urlpatterns = [
    path("<slug:slug>/calendar.ics", views.seminar_calendar, name="calendar"),
    path(
        "<slug:slug>/sessions/<id:session_id>/calendar.ics",
        views.session_calendar,
        name="session_calendar",
    ),
]
urlpatterns += [path("<slug:slug>/planner/", views.planner, name="planner")]
# The agenda for conference apps and players (frab's schedule.xml and its JSON form).
urlpatterns += [
    path("<slug:slug>/schedule.xml", views.frab_schedule, {"form": "xml"}, name="frab_xml"),
    path("<slug:slug>/schedule.json", views.frab_schedule, {"form": "json"}, name="frab_json"),
]

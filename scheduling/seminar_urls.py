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

from django.urls import path

from live import views
from live.views import stage

app_name = "live"
_session = "<slug:slug>/sessions/<id:session_id>/"
urlpatterns = [
    path(f"{_session}live/", views.live_room, name="room"),
    path(f"{_session}screen/", views.projector, name="screen"),
    path(f"{_session}screen/qr.svg", views.projector_qr, name="screen_qr"),
    path(f"{_session}screen/rotate/", views.projector_rotate, name="screen_rotate"),
    path(f"{_session}join/<token:token>/", views.room_join, name="join"),
    path(f"{_session}questions.csv", views.export_csv, name="export_csv"),
    path(f"{_session}questions.xlsx", views.export_xlsx, name="export_xlsx"),
    path(f"{_session}faq/", views.faq, name="faq"),
    path(f"{_session}stage/", stage.stage_page, name="stage"),
    path(f"{_session}stage/status/", stage.stage_status, name="stage_status"),
    path(f"{_session}faq/publish/", views.faq_publish, name="faq_publish"),
]

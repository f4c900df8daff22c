from django.urls import path

from polls import views, views_certificates

app_name = "polls"
_session = "<slug:slug>/sessions/<id:session_id>/"
urlpatterns = [
    path(f"{_session}polls.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path(f"{_session}polls.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path(f"{_session}polls/<id:poll_id>.csv", views.export, {"fmt": "csv"}, name="poll_csv"),
    path(f"{_session}polls/<id:poll_id>.xlsx", views.export, {"fmt": "xlsx"}, name="poll_xlsx"),
    path(f"{_session}feedback/", views.feedback, name="feedback"),
    path(f"{_session}feedback/results/", views.feedback_results, name="feedback_results"),
    path(
        "<slug:slug>/my-registration/certificate.pdf",
        views_certificates.certificate_download,
        name="certificate_download",
    ),
    path("<slug:slug>/certificates/", views_certificates.certificates_manage, name="certificates"),
    path(
        "certificates/<str:code>/",
        views_certificates.certificate_verify,
        name="certificate_verify",
    ),
]

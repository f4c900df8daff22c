from django.urls import path

from scheduling.views import seminar_detail
from seminars import views

app_name = "seminars"
# The agenda page keeps its address and name (seminars:detail); the view is scheduling's.
urlpatterns = [
    path("", views.seminar_list, name="list"),
    path("<slug:slug>/", seminar_detail, name="detail"),
]

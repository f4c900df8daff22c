from django.urls import path  # noqa: F401

app_name = "media_library_seminar"
urlpatterns: list = []

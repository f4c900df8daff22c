from django.urls import path

from media_library.views import pages

app_name = "media_library_seminar"
urlpatterns = [
    path("<slug:slug>/media/review/", pages.review_queue, name="review_queue"),
    path(
        "<slug:slug>/sessions/<id:session_id>/media/",
        pages.session_media,
        name="session_media",
    ),
    path(
        "<slug:slug>/sessions/<id:session_id>/watch/",
        pages.session_watch,
        name="session_watch",
    ),
]

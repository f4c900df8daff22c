from django.urls import path

from media_library.views import media, uploads

app_name = "media_library"
urlpatterns = [
    path("f/<token:token>/", media.signed_file, name="signed_file"),
    path("hls/<token:token>/", media.playlist, name="playlist"),
    path("uploads/", uploads.upload_start, name="upload_start"),
    path("uploads/<id:pk>/", uploads.upload_detail, name="upload_detail"),
    path("uploads/<id:pk>/parts/", uploads.upload_parts, name="upload_parts"),
    path("uploads/<id:pk>/chunk/", uploads.upload_chunk, name="upload_chunk"),
    path("uploads/<id:pk>/complete/", uploads.upload_complete, name="upload_complete"),
    path("assets/<id:pk>/status/", media.asset_status, name="asset_status"),
    path("assets/<id:pk>/retry/", media.asset_retry, name="asset_retry"),
    path(
        "assets/<id:pk>/approve/",
        media.asset_review,
        {"decision": "approve"},
        name="asset_approve",
    ),
    path(
        "assets/<id:pk>/reject/",
        media.asset_review,
        {"decision": "reject"},
        name="asset_reject",
    ),
    path("assets/<id:pk>/slides/", media.slides_download, name="slides_download"),
    path("watch/", media.watch_beacon, name="watch_beacon"),
]

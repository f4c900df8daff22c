"""Site-wide addresses of the live stage: nginx's RTMP callbacks and the live HLS files."""

from django.urls import path

from live.views import stage

app_name = "live_stage"
urlpatterns = [
    path("live-stage/rtmp/publish/", stage.rtmp_publish, name="rtmp_publish"),
    path("live-stage/rtmp/publish-done/", stage.rtmp_publish_done, name="rtmp_publish_done"),
    path("live-stage/rtmp/update/", stage.rtmp_update, name="rtmp_update"),
    path("live-stage/rtmp/record-done/", stage.rtmp_record_done, name="rtmp_record_done"),
    path("live-hls/<int:session_id>/<path:name>", stage.hls_file, name="hls"),
]

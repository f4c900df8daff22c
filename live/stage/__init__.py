"""The live stage: what a session's room shows (pre-recorded, a live RTMP stream transcoded to
HLS, or an external player). Pure helpers live here (keys, embeds, the HLS ladder, the
transcoder's supervisor); the writes are in ``live/services/stage.py``. docs/live-stage.md
describes the whole path from the encoder to the room."""

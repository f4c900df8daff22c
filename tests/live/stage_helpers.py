"""A real nginx with the RTMP module, started on free loopback ports with deploy/
nginx-rtmp.conf, calling back the test's live server; ffmpeg encoders pushing test sources."""

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from live.models import Stage, StageFeed
from live.services.stage import stage_set_source
from live.stage import supervisor
from tests import factories
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "")
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
FFMPEG = shutil.which("ffmpeg") or ""


def missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure, not a skip)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rtmp_conf(*, port: int, callback_base: str, record_path: Path) -> str:
    conf = (ROOT / "deploy" / "nginx-rtmp.conf").read_text()
    replacements = [
        (r"listen 1935;", f"listen 127.0.0.1:{port};"),
        (r"http://127\.0\.0\.1:8001/", f"{callback_base}/"),
        (r"record_path /srv/openips/live_recordings;", f"record_path {record_path};"),
    ]
    for pattern, value in replacements:
        conf, count = re.subn(pattern, value, conf)
        assert count >= 1, f"deploy/nginx-rtmp.conf no longer has {pattern!r}: update this test"
    return conf


class RtmpServer:
    def __init__(self, folder: Path, callback_base: str) -> None:
        self.port = free_port()
        self.folder = folder
        self.records = folder / "recordings"
        self.records.mkdir()
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"load_module {RTMP_MODULE};\n{user}worker_processes 1; pid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log info;\nevents {{ worker_connections 64; }}\n"
            + rtmp_conf(port=self.port, callback_base=callback_base, record_path=self.records)
        )
        self.command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        checked = subprocess.run([*self.command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen([*self.command, "-g", "daemon off;"])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not listen:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)

    def url(self, name: str) -> str:
        return f"rtmp://127.0.0.1:{self.port}/live/{name}"

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text() if path.exists() else ""


def push(
    url: str, *, video: bool = True, seconds: float = 600, tone: int = 440, codec: str = "libx264"
):
    """An encoder: ffmpeg's test picture and a tone (or the tone alone), in real time, with
    2 s key frames; ``codec`` "flv" sends FLV's old Sorenson H.263 instead of H.264."""
    sources = []
    if video:
        sources += ["-re", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30"]
    sources += ["-re", "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000"]
    codecs = ["-c:v", codec, "-g", "60", "-pix_fmt", "yuv420p"] if video else []
    if codec == "libx264":
        codecs += ["-preset", "ultrafast", "-tune", "zerolatency"]
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", *sources, *codecs,
         "-c:a", "aac", "-b:a", "64k", "-t", str(seconds), "-f", "flv", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(check, *, seconds: float, what: str):
    """Poll until ``check()`` is truthy; fail naming ``what`` after ``seconds`` (a deadline
    against hanging, not a timing assert)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what} after {seconds} s")


@pytest.fixture
def rtmp(live_server, tmp_path, settings):
    if not NGINX:
        missing("needs nginx (Debian: apt-get install nginx)")
    if not RTMP_MODULE.exists():
        missing("needs nginx's RTMP module (Debian: apt-get install libnginx-mod-rtmp)")
    if not FFMPEG:
        missing("needs ffmpeg (Debian: apt-get install ffmpeg)")
    (tmp_path / "nginx").mkdir()
    server = RtmpServer(tmp_path / "nginx", live_server.url.replace("localhost", "127.0.0.1"))
    private = tmp_path / "private"
    private.mkdir()
    settings.PRIVATE_MEDIA_ROOT = private
    settings.STORAGES = {
        **settings.STORAGES,
        "private_media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private, "base_url": None},
        },
    }
    settings.LIVE_STAGE_RTMP_PULL_URL = f"rtmp://127.0.0.1:{server.port}/live"
    settings.LIVE_STAGE_HLS_ROOT = tmp_path / "hls"
    settings.LIVE_STAGE_RECORDINGS_ROOT = server.records
    settings.LIVE_STAGE_END_GRACE_SECONDS = 1
    server.start()
    encoders: list = []
    server.encoders = encoders
    try:
        yield server
    finally:
        # Recordings nginx finishes from here on arrive while the database is flushed:
        # refused (403) before the import reads or writes anything.
        settings.LIVE_STAGE_RECORDINGS_ROOT = tmp_path / "no-more-recordings"
        for encoder in encoders:
            if encoder.poll() is None:
                encoder.kill()
            encoder.wait()
            if encoder.stderr is not None:
                encoder.stderr.close()
        _settle()
        for session_id in list(supervisor._running):
            supervisor.transcoder_stop(session_id)
        server.stop()
        # The encoders' last on_publish_done started grace timers (stage_end_if_gone and the
        # recordings' import): they finish before the database is flushed, not during it.
        for thread in threading.enumerate():
            if isinstance(thread, threading.Timer):
                thread.join(timeout=30)


def _settle(seconds: float = 15) -> None:
    """Until nginx has told the server that every killed encoder is gone (or ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not StageFeed.objects.filter(publishing_since__isnull=False).exists():
            return
        time.sleep(0.2)


@pytest.fixture
def live_session():
    agency = factories.AgencyFactory()
    session = factories.SessionFactory()
    session.agencies.add(agency)
    organiser = factories.RoleFactory(seminar=session.seminar).user
    stage_set_source(session=session, user=organiser, source=Stage.Source.LIVE)
    return session, organiser

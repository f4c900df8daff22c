"""Media library fixtures: a real moto S3 server process, storages pointed at it or at a
temporary folder, and short test media made by ffmpeg."""

import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
import requests

from config import security
from tests import factories
from tests.browser import launch, require_chromium
from tests.conftest import _service_missing

ACCESS_KEY = "openips-test"
SECRET_KEY = "openips-test-secret"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's S3 server as a separate process on a free port, stopped at the end."""
    binary = Path(sys.executable).with_name("moto_server")
    if not binary.exists():
        _service_missing("moto_server is not installed (pip install 'moto[server]')")
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def s3_options(endpoint: str, bucket: str) -> dict:
    """The same django-storages options settings.py builds for STORAGE_BACKEND=s3."""
    return {
        "bucket_name": bucket,
        "region_name": REGION,
        "endpoint_url": endpoint,
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 3600,
        "file_overwrite": True,
        "addressing_style": "path",
        "signature_version": "s3v4",
    }


@pytest.fixture
def s3_client(moto_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def s3_storage(settings, moto_endpoint, s3_client, tmp_path):
    """Private media on a fresh bucket of the moto server."""
    bucket = f"openips-test-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "private_media": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(moto_endpoint, bucket),
        },
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # As settings.py does for S3_ENDPOINT_URL: the browser may fetch from and upload to it.
    settings.SECURE_CSP = security.content_security_policy(
        site_url=settings.SITE_URL,
        storage_origins=security.storage_origins(
            backend="s3", endpoint_url=moto_endpoint, region=REGION
        ),
    )
    return bucket


@pytest.fixture
def local_storage(settings, tmp_path):
    """Private media in a temporary folder (never under MEDIA_ROOT)."""
    root = tmp_path / "private"
    root.mkdir()
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private_media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


def _ffmpeg() -> str:
    binary = shutil.which("ffmpeg")
    if binary is None:
        _service_missing("needs ffmpeg (Debian: apt-get install ffmpeg)")
    return binary


def make_video(target: Path, *, seconds: int, size: str = "320x180", extra: tuple = ()) -> Path:
    """A test pattern with a 440 Hz tone, H.264 + AAC in MP4."""
    subprocess.run(
        [
            _ffmpeg(),
            *("-nostdin", "-y", "-v", "error"),
            *("-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}"),
            *("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-b:a", "64k", "-shortest", *extra, str(target)),
        ],
        check=True,
    )
    return target


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def sample_mp4(media_dir) -> Path:
    return make_video(media_dir / "talk.mp4", seconds=12)


@pytest.fixture(scope="session")
def hd_mp4(media_dir) -> Path:
    """Large enough for every rung of the ladder (renditions are never enlarged)."""
    return make_video(media_dir / "hd.mp4", seconds=12, size="1280x720")


def make_clip(target: Path, source: str, *extra: str) -> Path:
    """A silent clip from a lavfi ``source``, H.264 in MP4, made in well under a second."""
    subprocess.run(
        [
            _ffmpeg(),
            *("-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", source),
            *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra),
            str(target),
        ],
        check=True,
    )
    return target


@pytest.fixture(scope="session")
def premiere_mp4(media_dir) -> Path:
    """Long enough that a late joiner is still inside the premiere when checked."""
    return make_video(media_dir / "premiere.mp4", seconds=24)


@pytest.fixture(scope="session")
def long_mp4(media_dir) -> Path:
    """Long enough that processing is still running when a test kills its worker: progress is
    stored at most every 2 s (HEARTBEAT_SECONDS) and the first report says 0 %, so the job
    must outlast that. 40 s of 320 x 180 took under 2 s to transcode on a quiet machine, and
    the job ended "ready" before any progress was seen; four minutes take about ten."""
    return make_video(media_dir / "long.mp4", seconds=240)


VTT = (
    "WEBVTT\n\n"
    "00:00:00.500 --> 00:00:04.000\nWelcome to the UNICEF supply session.\n\n"
    "00:00:04.500 --> 00:00:09.000\nHow to register on the UN Global Marketplace.\n"
)


def make_pdf(target: Path) -> Path:
    """A one-page PDF written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with target.open("wb") as handle:
        writer.write(handle)
    return target


@pytest.fixture
def session_with_agency(seminar, agency):
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.add(agency)
    return session


@pytest.fixture
def other_agency_session(seminar):
    """A session of the same seminar presented by another agency."""
    other = factories.AgencyFactory()
    session = factories.SessionFactory(seminar=seminar)
    session.agencies.add(other)
    return session


@pytest.fixture
def presenter_client(client, presenter):
    client.force_login(presenter)
    return client


@pytest.fixture
def chromium_path():
    return require_chromium()


@contextmanager
def browser_page():
    """A chromium page. Playwright's sync API runs an event loop in this thread, so every
    database access of a test happens before this is entered or after it is left."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser.new_page()
        finally:
            browser.close()

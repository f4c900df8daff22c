"""Private media storage: one API over local files and any S3-compatible bucket.

Everything here works by storage key. Files never pass through the application's memory as
a whole: uploads go straight to disk or to S3, reads are ranged or streamed.
Signed URLs are S3 presigned GETs, or for local storage Django-signed tokens checked by
``views.signed_file``; private media is never under MEDIA_URL.
"""

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import Storage, storages
from django.urls import reverse

from seminars.downloads import content_disposition

STORAGE_ALIAS = "private_media"
_TOKEN_SALT = "media_library.signed-file"
CHUNK = 1024 * 1024


class SignatureError(Exception):
    """A signed token that is forged, tampered with or expired."""


def private_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def is_s3() -> bool:
    return settings.STORAGES[STORAGE_ALIAS]["BACKEND"].endswith("S3Storage")


def s3_client():
    """The boto3 client of the private storage (same endpoint, keys and signature)."""
    return private_storage().connection.meta.client


def s3_bucket() -> str:
    return private_storage().bucket_name


def local_path(key: str) -> Path:
    return Path(private_storage().path(key))


def url_expiry() -> int:
    return settings.S3_URL_EXPIRY


def signed_url(
    key: str, *, expires_in: int | None = None, download_as: str = "", proxied: bool = False
) -> str:
    """A short-lived URL for one private object.

    ``proxied``: always a same-origin URL served by the app (small files such as captions,
    which a ``<track>`` element could not load cross-origin without CORS).
    """
    expires_in = expires_in or url_expiry()
    if is_s3() and not proxied:
        params = {"Bucket": s3_bucket(), "Key": key}
        if download_as:
            params["ResponseContentDisposition"] = content_disposition(download_as)
        return s3_client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
    token = signing.dumps(
        {"k": key, "x": int(time.time()) + expires_in, "d": download_as}, salt=_TOKEN_SALT
    )
    return reverse("media_library:signed_file", kwargs={"token": token})


def token_verify(token: str) -> dict:
    """The payload of a signed-file token; SignatureError if forged or expired."""
    try:
        payload = signing.loads(token, salt=_TOKEN_SALT)
    except signing.BadSignature as error:
        raise SignatureError("bad signature") from error
    if int(payload.get("x", 0)) < time.time():
        raise SignatureError("expired")
    return payload


def object_size(key: str) -> int:
    if is_s3():
        return int(s3_client().head_object(Bucket=s3_bucket(), Key=key)["ContentLength"])
    return local_path(key).stat().st_size


def read_range(key: str, start: int, length: int) -> bytes:
    """``length`` bytes from ``start`` (fewer at the end of the object)."""
    if length <= 0:
        return b""
    if is_s3():
        answer = s3_client().get_object(
            Bucket=s3_bucket(), Key=key, Range=f"bytes={start}-{start + length - 1}"
        )
        return answer["Body"].read()
    with local_path(key).open("rb") as handle:
        handle.seek(start)
        return handle.read(length)


def read_small(key: str, *, limit: int) -> bytes:
    """The whole of a small object (playlists, captions); ValueError past ``limit`` bytes."""
    size = object_size(key)
    if size > limit:
        raise ValueError(f"{key} is {size} bytes, more than {limit}")
    return read_range(key, 0, size)


def iter_object(key: str) -> Iterator[bytes]:
    if is_s3():
        body = s3_client().get_object(Bucket=s3_bucket(), Key=key)["Body"]
        yield from body.iter_chunks(CHUNK)
        return
    with local_path(key).open("rb") as handle:
        while block := handle.read(CHUNK):
            yield block


def download_to(key: str, target: Path) -> None:
    """Stream an object to a local file (S3) or copy it (local)."""
    if is_s3():
        s3_client().download_file(s3_bucket(), key, str(target))
    else:
        shutil.copyfile(local_path(key), target)


def input_locator(key: str) -> str:
    """What ffmpeg/ffprobe should open: a path, or a presigned URL they read over HTTP."""
    if is_s3():
        return signed_url(key, expires_in=6 * 3600)
    return str(local_path(key))


def put_file(key: str, source: Path, *, content_type: str, cache_control: str = "") -> None:
    """Write a local file to ``key``, replacing what was there."""
    if is_s3():
        extra = {"ContentType": content_type}
        if cache_control:
            extra["CacheControl"] = cache_control
        s3_client().upload_file(str(source), s3_bucket(), key, ExtraArgs=extra)
        return
    target = local_path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def move_local_file(source: Path, key: str) -> None:
    """Move a finished local upload into storage without copying it (same disk)."""
    target = local_path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)


def delete(key: str) -> None:
    if not key:
        return
    if is_s3():
        s3_client().delete_object(Bucket=s3_bucket(), Key=key)
    else:
        local_path(key).unlink(missing_ok=True)


def delete_prefix(prefix: str) -> None:
    """Remove every object under ``prefix`` (a folder ending in /)."""
    if is_s3():
        client = s3_client()
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=s3_bucket(), Prefix=prefix):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=s3_bucket(), Delete={"Objects": keys})
        return
    shutil.rmtree(local_path(prefix.rstrip("/")), ignore_errors=True)


def upload_temp_dir() -> Path:
    """Where local chunked uploads grow until complete (inside the private root, same disk)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT) / ".uploads"
    root.mkdir(parents=True, exist_ok=True)
    return root

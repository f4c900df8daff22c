"""Drive the upload API the way static/media_library/upload.js does."""

import json
from pathlib import Path

import requests
from django.urls import reverse

from media_library.models import MediaAsset, UploadSession


def start(client, *, session, path: Path, kind="video", language="en", title="Talk", size=None):
    return client.post(
        reverse("media_library:upload_start"),
        data=json.dumps(
            {
                "session": session.pk,
                "kind": kind,
                "language": language,
                "title": title,
                "filename": path.name,
                "size": path.stat().st_size if size is None else size,
            }
        ),
        content_type="application/json",
    )


def send_local_chunk(client, state: dict, data: bytes, offset: int):
    url = reverse("media_library:upload_chunk", kwargs={"pk": state["upload_id"]})
    return client.put(f"{url}?offset={offset}", data=data, content_type="application/octet-stream")


def send_s3_part(client, state: dict, number: int, data: bytes) -> requests.Response:
    answer = client.post(
        reverse("media_library:upload_parts", kwargs={"pk": state["upload_id"]}),
        data=json.dumps({"parts": [number]}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    response = requests.put(answer.json()["urls"][str(number)], data=data, timeout=30)
    assert response.status_code == 200, response.text
    return response


def send_all(client, state: dict, path: Path, *, skip_parts=()) -> None:
    """Send every part or chunk the server does not have yet."""
    data = path.read_bytes()
    size = state["part_size"]
    if state["backend"] == "s3":
        have = {p["PartNumber"] for p in state.get("parts", [])}
        for number in range(1, state["part_count"] + 1):
            if number in have or number in skip_parts:
                continue
            send_s3_part(client, state, number, data[(number - 1) * size : number * size])
        return
    offset = state["received"]
    while offset < len(data):
        answer = send_local_chunk(client, state, data[offset : offset + size], offset)
        assert answer.status_code == 200, answer.content
        offset = answer.json()["received"]


def complete(client, state: dict):
    return client.post(reverse("media_library:upload_complete", kwargs={"pk": state["upload_id"]}))


def upload(client, *, session, path: Path, **kwargs):
    """Start, send everything, complete; returns the complete response."""
    answer = start(client, session=session, path=path, **kwargs)
    assert answer.status_code == 201, answer.content
    state = answer.json()
    send_all(client, state, path)
    return complete(client, state)


def nothing_left(root: Path) -> bool:
    """No file under ``root``, no asset and no upload session: a refusal left nothing."""
    files = [p for p in root.rglob("*") if p.is_file()]
    return files == [] and not MediaAsset.objects.exists() and not UploadSession.objects.exists()

"""The upload API used by static/media_library/upload.js (JSON in, JSON out)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config import edge
from media_library import permissions, selectors
from media_library.models import MediaAsset, UploadSession
from media_library.services import uploads
from media_library.services.validation import MediaRejectedError
from media_library.views._common import error_response, json_body


def _own_upload(request, pk: int) -> UploadSession:
    upload = selectors.upload_or_404(upload_id=pk)
    if not permissions.can_edit_presentation(request.user, upload.asset.presentation):
        raise Http404  # another agency's upload does not exist for this user
    return upload


@login_required
@require_POST
def upload_start(request):
    try:
        data = json_body(request)
        session = selectors.session_with_seminar_or_404(session_id=edge.json_int(data, "session"))
        upload = uploads.upload_start(
            user=request.user,
            session=session,
            kind=edge.json_str(data, "kind"),
            language=edge.json_str(data, "language"),
            title=edge.json_str(data, "title"),
            filename=edge.json_str(data, "filename"),
            size=edge.json_int(data, "size", default=0),
            agency_id=edge.json_int(data, "agency") or None,
        )
    except (ValidationError, PermissionDenied, Http404, edge.BadInput) as error:
        return error_response(error)
    return JsonResponse(uploads.upload_state(upload), status=201)


@login_required
@require_http_methods(["GET", "DELETE"])
def upload_detail(request, pk: int):
    try:
        upload = _own_upload(request, pk)
    except Http404 as error:
        return error_response(error)
    if request.method == "DELETE":
        uploads.upload_abort(upload=upload)
        return JsonResponse({"aborted": True})
    return JsonResponse(uploads.upload_state(upload))


@login_required
@require_POST
def upload_parts(request, pk: int):
    try:
        upload = _own_upload(request, pk)
        numbers = edge.json_int_list(
            json_body(request), "parts", minimum=1, maximum=uploads.MAX_PARTS
        )
        urls = uploads.upload_presign_parts(upload=upload, part_numbers=numbers)
    except (ValidationError, Http404, edge.BadInput) as error:
        return error_response(error)
    return JsonResponse({"urls": {str(k): v for k, v in urls.items()}})


@login_required
@require_http_methods(["PUT", "POST"])
def upload_chunk(request, pk: int):
    """One chunk of a local upload, streamed from the request straight to disk."""
    try:
        upload = _own_upload(request, pk)
        if upload.backend != UploadSession.Backend.LOCAL:
            raise ValidationError(_("This upload goes straight to S3, not in chunks."))
        offset = edge.int_param(request.GET, "offset")
        if offset is None:
            raise edge.BadInput(_("“offset” is required."))
        length = edge.int_param(request.headers, "Content-Length", default=0)
        received = uploads.upload_write_chunk(
            upload=upload, offset=offset, stream=request, length=length
        )
    except uploads.UploadOffsetError as mismatch:
        return JsonResponse(
            {"error": _("Resume from the server's size."), "received": mismatch.received},
            status=409,
        )
    except (ValidationError, Http404, edge.BadInput) as error:
        return error_response(error)
    return JsonResponse({"received": received})


@login_required
@require_POST
def upload_complete(request, pk: int):
    try:
        upload = _own_upload(request, pk)
        asset = uploads.upload_complete(upload=upload)
    except uploads.UploadIncompleteError as incomplete:
        return JsonResponse(
            {
                "error": _("The upload is incomplete: %(received)s of %(expected)s bytes.")
                % {"received": incomplete.received, "expected": incomplete.expected},
                "received": incomplete.received,
            },
            status=409,
        )
    except MediaRejectedError as rejected:
        return JsonResponse({"error": str(rejected), "rejected": True}, status=422)
    except Http404 as error:
        return error_response(error)
    # Slides and captions need no processing: say where they stand (the page's own words
    # for a video, "Processing is queued", are true only of a video).
    message = "" if asset.kind == MediaAsset.Kind.VIDEO else selectors.asset_slot_state(asset)
    return JsonResponse({"asset_id": asset.pk, "status": asset.status, "message": message or ""})

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse


def json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as error:
        raise ValidationError("The request body is not JSON.") from error
    if not isinstance(data, dict):
        raise ValidationError("The request body must be a JSON object.")
    return data


def error_response(error: Exception) -> JsonResponse:
    """A JSON answer whose ``error`` is the message to show the user."""
    if isinstance(error, PermissionDenied):
        return JsonResponse({"error": str(error) or "Forbidden."}, status=403)
    if isinstance(error, Http404):
        return JsonResponse({"error": "Not found."}, status=404)
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            fields = {k: [str(m) for m in v[0].messages] for k, v in error.error_dict.items()}
            messages = [m for items in fields.values() for m in items]
            return JsonResponse({"error": " ".join(messages), "fields": fields}, status=400)
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"error": str(error)}, status=400)

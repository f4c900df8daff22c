"""The one door of the workspace's seminar pages: sign-in, then the organiser check."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError

from organising import permissions


def organiser_view(view):
    """``view(request, seminar, …)`` for the seminar's organisers and superusers only."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        seminar = permissions.organised_seminar(request.user, slug)
        return view(request, seminar, *args, **kwargs)

    return wrapper


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (the rest on top)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)

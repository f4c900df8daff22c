"""The one door of the workspace's seminar pages: sign-in, then the organiser check."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator

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


PAGE_SIZE = 50


@dataclass(frozen=True)
class Pages:
    """One page of a workspace list, the query parameter that pages it and the rest of the
    query string (filters), for ``organising/_pages.html``."""

    page: Page
    param: str
    query: str


def paginate(request, rows, *, param: str = "page", size: int = PAGE_SIZE) -> Pages:
    """Every list of the workspace goes through here: a count and one page, whatever its size."""
    page = Paginator(rows, size).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return Pages(page=page, param=param, query=query.urlencode())

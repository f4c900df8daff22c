"""Input validated at the edge: what arrives in a path, a query string, a form or a JSON body
is parsed here or by a form, and a wrong value is the client's mistake (HTTP 400 with a
message, or 404 for an id in a path), never a server error.

- ``IdConverter`` (``<id:pk>`` in URLconfs): digits only, within the database's 64-bit
  integer range; anything else does not match the route (404).
- ``int_param`` / ``json_int`` / ``json_str``: one value, ASCII digits only (``²`` and other
  Unicode digits are refused), bounded; raise ``BadInput`` (a ``BadRequest``) with a message.
- ``BadInputMiddleware``: a ``BadInput`` or a service's ``ValidationError`` that reaches the
  top of a request becomes HTTP 400 with its message (JSON when the client sent JSON), so a
  rule written once in a service never needs a second copy in the view to avoid a 500.
"""

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# BigAutoField and BigIntegerField: the widest integer column of the project.
DB_INT_MAX = 2**63 - 1
# Control characters end a header line or corrupt it; never let a value carry one there.
CONTROL_CHARACTERS = frozenset(chr(c) for c in [*range(32), 127])


class BadInput(BadRequest):
    """The client sent a value we cannot use; the message says which and why."""


class IdConverter:
    """A primary key in a path: ASCII digits, at most the database's integer range."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > DB_INT_MAX:
            raise ValueError("out of the database's integer range")  # no match: 404
        return number

    def to_url(self, value) -> str:
        return str(value)


class TokenConverter:
    """A token in a path (signed, random or hashed): URL-safe characters only, bounded."""

    regex = "[-A-Za-z0-9_:.=]{1,400}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


def _fits(value) -> bool:
    """False for a number outside the database's integer range (SQLite cannot even bind it)."""
    text = str(value).strip()
    digits = text[1:] if text[:1] in "+-" else text
    return not (digits.isascii() and digits.isdigit() and int(digits) > DB_INT_MAX)


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose out-of-range id is "not one of the choices", not a 500."""

    def to_python(self, value):
        if value not in self.empty_values and not _fits(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose out-of-range ids are refused like unknown ones."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if not _fits(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:40]},
                )
        return super()._check_values(value)


class IdBoundedChangeList(ChangeList):
    """An admin list filtered on a number outside the database's range is an incorrect
    lookup (the admin answers with its "?e=1" page), not a query SQLite cannot bind."""

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        for values in lookup_params.values():
            for value in values if isinstance(values, list) else [values]:
                if not _fits(value):
                    raise IncorrectLookupParameters(_("A number is out of range."))
        return lookup_params


def parse_int(raw, *, name: str, minimum: int = 0, maximum: int = DB_INT_MAX) -> int:
    """``raw`` (text or a JSON number) as an int in [minimum, maximum], or ``BadInput``."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise BadInput(_("“%(name)s” must be a whole number.") % {"name": name})
    if isinstance(raw, str):
        text = raw.strip()
        digits = text[1:] if text[:1] == "-" else text
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 19):
            raise BadInput(_("“%(name)s” must be a whole number.") % {"name": name})
        raw = int(text)
    if not minimum <= raw <= maximum:
        raise BadInput(
            _("“%(name)s” must be between %(minimum)s and %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )
    return raw


def int_param(data, name: str, *, default=None, minimum: int = 0, maximum: int = DB_INT_MAX):
    """One integer from a QueryDict (``request.GET``/``request.POST``), ``default`` when absent
    or empty."""
    raw = data.get(name)
    if raw is None or raw == "":
        return default
    return parse_int(raw, name=name, minimum=minimum, maximum=maximum)


def json_int(data: dict, name: str, *, default=None, minimum: int = 0, maximum: int = DB_INT_MAX):
    """One integer from a decoded JSON object; ``default`` when absent or null."""
    raw = data.get(name)
    if raw is None:
        return default
    return parse_int(raw, name=name, minimum=minimum, maximum=maximum)


def json_str(data: dict, name: str, *, default: str = "") -> str:
    """One string from a decoded JSON object; a list, object or number is refused."""
    raw = data.get(name, default)
    if raw is None:
        return default
    if not isinstance(raw, str):
        raise BadInput(_("“%(name)s” must be text.") % {"name": name})
    if "\x00" in raw:
        raise BadInput(_("“%(name)s” must not contain a NUL character.") % {"name": name})
    return raw


def json_int_list(data: dict, name: str, *, limit: int = 10_000, **bounds) -> list[int]:
    raw = data.get(name, [])
    if not isinstance(raw, list) or len(raw) > limit:
        raise BadInput(_("“%(name)s” must be a list of whole numbers.") % {"name": name})
    return [parse_int(item, name=name, **bounds) for item in raw]


def header_safe(value: str, *, name: str) -> str:
    """``value`` for use in a response header, or ``BadInput`` if it holds a control
    character (a line break would end the header, a NUL corrupts it)."""
    if CONTROL_CHARACTERS.intersection(value):
        raise BadInput(_("“%(name)s” must not contain control characters.") % {"name": name})
    return value


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("The request could not be understood.")


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _nul_in_query(request) -> bool:
    """Every key and every value of a repeated key, not only the last one."""
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class BadInputMiddleware:
    """HTTP 400 with the message for bad input that reached the top of a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A NUL byte is never part of a URL; PostgreSQL refuses it in any text it compares.
        if "\x00" in request.path_info or _nul_in_query(request):
            return self.process_exception(
                request, BadInput(_("The address must not contain a NUL character."))
            )
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BadInput | ValidationError):
            return None
        message = _message(exception)
        if request.path_info.startswith("/api/"):
            # The API's one error shape (RFC 9457), whatever the client accepts.
            from api.problems import bad_request, problem_response

            return problem_response(request, bad_request(message))
        if _wants_json(request):
            return JsonResponse({"error": message}, status=400)
        return render(request, "edge/bad_request.html", {"message": message}, status=400)

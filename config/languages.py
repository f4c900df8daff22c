"""The language bar and ``?lang=``: the six UN languages, each named in itself, in the UN's
order; a link can carry the reader's language, which is then remembered like a choice made
in the bar (Django's language cookie, LANGUAGE_COOKIE_AGE: a year).
"""

from django.conf import settings
from django.utils import translation
from django.utils.encoding import escape_uri_path, iri_to_uri

# How each language names itself on the UN's sites (Django's own names differ: "العربيّة",
# "简体中文", "español"). The order is settings.LANGUAGES', the UN's: ar, zh, en, fr, ru, es.
NAMES_IN_THEMSELVES = {
    "ar": "العربية",
    "zh-hans": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
QUERY_PARAMETER = "lang"


def language_bar(request):
    """Template context: the bar's languages, and the page to come back to without ?lang=."""
    # As request.get_full_path() writes it, less any lang= pair.
    pairs = request.META.get("QUERY_STRING", "").split("&")
    kept = "&".join(p for p in pairs if p and p.split("=", 1)[0] != QUERY_PARAMETER)
    back_to = escape_uri_path(request.path) + (f"?{iri_to_uri(kept)}" if kept else "")
    return {
        "language_bar": [
            {"code": code, "name": NAMES_IN_THEMSELVES[code]} for code, _ in settings.LANGUAGES
        ],
        "language_bar_next": back_to,
    }


def requested_language(value: str) -> str | None:
    """The site's code for ?lang=xx (ar, zh-hans or zh_Hans or zh, ...), None if not offered."""
    code = value.strip().lower().replace("_", "-")
    offered = {code for code, _ in settings.LANGUAGES}
    if code in offered:
        return code
    return "zh-hans" if code in {"zh", "zh-cn", "zh-sg"} and "zh-hans" in offered else None


class QueryLanguageMiddleware:
    """After LocaleMiddleware: a GET with ?lang=xx is served in xx, and xx is remembered.

    An unknown value is ignored rather than refused: the page is still worth reading in the
    language the reader had, and a link shared on social media may carry anything.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.GET.get(QUERY_PARAMETER) if request.method in {"GET", "HEAD"} else None
        language = requested_language(value) if value else None
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

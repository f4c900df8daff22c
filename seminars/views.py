"""Public seminar pages: the list. The agenda page is scheduling's (scheduling/views.py)."""

from django.shortcuts import render
from django.utils.translation import get_language_info

from seminars import selectors
from seminars.models import Seminar


def get_visible_seminar(request, slug: str) -> Seminar:
    return selectors.seminar_visible_or_404(user=request.user, slug=slug)


def language_names(codes: list[str]) -> list[str]:
    """Seminar language codes as names in the viewer's language (the code if unknown)."""
    names = []
    for code in codes:
        try:
            names.append(get_language_info(code)["name_translated"])
        except KeyError:
            names.append(code)
    return names


def seminar_list(request):
    seminars = list(selectors.seminar_list_public())
    for seminar in seminars:
        seminar.language_names = language_names(seminar.languages)
    return render(request, "seminars/seminar_list.html", {"seminars": seminars})

"""The one way the project makes a PDF: an HTML template and a stylesheet through WeasyPrint.

Certificates of attendance (polls/certificates.py) and printable meeting schedules
(meetings/pdf.py) both come through here. The template is rendered in the reader's language
with ``language`` and ``rtl`` in its context (the templates write ``<html lang dir>`` from
them), so Arabic is laid out right to left; WeasyPrint shapes text with Pango and HarfBuzz
and takes every script of the six UN languages from the Noto fonts ``.ci/run`` installs. The
stylesheet is a file beside the template's app, never inline (tests/test_security_headers.py).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_bidi


def render_html(template_name: str, context: dict[str, Any], *, language: str) -> str:
    """The template rendered in ``language``, with ``language`` and ``rtl`` in its context."""
    with translation.override(language):
        return render_to_string(
            template_name, {**context, "language": language, "rtl": get_language_bidi()}
        )


def render_pdf(
    template_name: str, context: dict[str, Any], css_path: Path, *, language: str
) -> bytes:
    """The PDF of the template rendered in ``language`` with the stylesheet at ``css_path``.

    No side effects. Links in the page resolve against ``SITE_URL``.
    """
    # Imported here, not at the top: WeasyPrint loads Pango, which only the PDF paths need.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # no type hints shipped

    html = render_html(template_name, context, language=language)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(
        stylesheets=[CSS(filename=str(css_path))]
    )

"""seminars/pdf.py is the one PDF path: certificates and meeting schedules both come through it."""

import ast
import io
from pathlib import Path

from pypdf import PdfReader

from seminars.pdf import render_html, render_pdf

ROOT = Path(__file__).resolve().parents[2]
STYLESHEET = ROOT / "polls" / "certificate.css"


def _modules_importing_weasyprint() -> list[str]:
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "bench"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if any(name.split(".")[0] == "weasyprint" for name in names):
                found.append(relative)
    return found


def test_only_seminars_pdf_imports_weasyprint():
    assert _modules_importing_weasyprint() == ["seminars/pdf.py"]


def _context() -> dict[str, object]:
    return {
        "certificate": {"full_name": "Amina Diallo", "company": "", "sessions": []},
        "seminar": {"title": "Tents and shelter"},
        "host": {"name": "UNHCR"},
        "url": "https://ips.example/v/1",
        "qr_svg": "",
    }


def test_the_page_is_rendered_in_the_language_given_right_to_left_for_arabic():
    assert '<html lang="ar" dir="rtl">' in render_html(
        "polls/certificate.html", _context(), language="ar"
    )
    html = render_html("polls/certificate.html", _context(), language="fr")
    assert '<html lang="fr" dir="ltr">' in html
    assert "Certificat de participation" in html


def test_render_pdf_gives_the_pages_text_in_the_language_given():
    body = render_pdf("polls/certificate.html", _context(), STYLESHEET, language="fr")
    assert body.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Amina Diallo" in text
    assert "Certificat de participation" in text

"""File names made safe to store and send, and the one Content-Disposition builder."""

import re
from urllib.parse import unquote

import pytest

from seminars.downloads import clean_text_line, content_disposition, safe_filename

# Names a careless user or an attacker can produce, and what must never survive of them.
HOSTILE_NAMES = [
    "Deck\r\nSet-Cookie: sessionid=stolen.pdf",
    "Deck\x00.exe.pdf",
    "Deck\nContent-Type: text/html",
    "../../../etc/passwd",
    "..\\..\\windows\\system32\\cmd.exe",
    "slides\u202efdp.exe",  # right-to-left override: shows as "slidesexe.pdf"
    "invoice\u2066\u2069\u200b\ufeff.pdf",
    "line\u2028break\u2029.pdf",
    "tab\tand\x1b[31mescape.pdf",
    '"quoted" \\back\\ name.pdf',
    "x" * 5000 + ".pdf",
    "é" * 400 + ".pdf",
    "",
    "\x00\x01\x02",
    "...",
    "CON.pdf",
]


def _decoded_name(header: str) -> str:
    """The name a browser takes: ``filename*`` (RFC 8187) when present, else ``filename``."""
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    if extended:
        return unquote(extended.group(1), errors="strict")
    return re.fullmatch(r'(?:attachment|inline); filename="([^"\\]*)"', header).group(1)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_safe_filename_leaves_one_printable_short_component(name):
    safe = safe_filename(name)
    assert safe
    assert len(safe.encode("utf-8")) <= 200
    assert not any(char in safe for char in '/\\\x00\r\n\t"\u202e\u2066\u2069\u200b\ufeff')
    assert all(char.isprintable() for char in safe)
    assert safe not in {".", ".."} and not safe.startswith(".")
    assert safe.upper() != "CON.PDF"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_content_disposition_is_one_ascii_header_line(name):
    header = content_disposition(name)
    assert header.isascii()
    assert all(0x20 <= ord(char) < 0x7F for char in header)
    assert header.startswith("attachment; filename=")
    assert _decoded_name(header) == safe_filename(name)


@pytest.mark.parametrize(
    "name",
    [
        "Deck.pdf",
        "UNICEF supply session (2026).pdf",
        "Présentation — achats.pdf",
        "採購研討會.pdf",
        "حلقة دراسية.pdf",
        "report.tar.gz",
        "Q&A; costs 100% + 'extras'.csv",
    ],
)
def test_ordinary_names_are_kept_as_they_are(name):
    assert safe_filename(name) == name
    assert _decoded_name(content_disposition(name)) == name


def test_plain_ascii_name_gets_the_simple_form_and_others_a_fallback_too():
    assert content_disposition("Deck.pdf") == 'attachment; filename="Deck.pdf"'
    assert content_disposition("a.ics", inline=True) == 'inline; filename="a.ics"'
    header = content_disposition("Présentation.pdf")
    assert header == (
        "attachment; filename=\"Presentation.pdf\"; filename*=UTF-8''Pr%C3%A9sentation.pdf"
    )


def test_shortening_keeps_the_extension():
    safe = safe_filename("a" * 1000 + ".pdf")
    assert safe.endswith(".pdf")
    assert len(safe) == 200


def test_separators_and_bidi_overrides_cannot_disguise_an_extension():
    assert safe_filename("slides\u202efdp.exe") == "slidesfdp.exe"
    assert safe_filename("../../etc/passwd") == "_._etc_passwd"


def test_clean_text_line_turns_breaks_into_spaces_and_keeps_words():
    assert clean_text_line("Supply\r\nchain\x00 talk\u202e", max_length=200) == "Supply chain talk"
    assert clean_text_line("  Achats   publics ", max_length=200) == "Achats publics"
    assert clean_text_line("x" * 300, max_length=200) == "x" * 200

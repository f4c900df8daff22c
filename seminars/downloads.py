"""File names people choose, made safe to store and to send: the one home for both.

A name comes from a browser (``File.name``), a title someone typed, or an admin edit. Any of
them can hold control characters (a CR/LF once broke every download of a deck, because the
title went raw into ``Content-Disposition``), path separators, bidirectional overrides that
make ``slides‮fdp.exe`` look like a PDF, or thousands of characters. ``safe_filename`` removes
all of that; ``content_disposition`` is the only way the project builds that header.
"""

import re
import unicodedata
from urllib.parse import quote

MAX_FILENAME_BYTES = 200  # well under the 255 bytes most file systems allow, in UTF-8
# Characters Windows (and often macOS Finder) refuse in names; ``/`` and ``\`` are separators.
_RESERVED = re.compile(r'[/\\:*?"<>|]')
_WHITESPACE = re.compile(r"\s+")
# Device names Windows will not let a file have, whatever its extension.
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"
}
# Cc: C0/C1 controls (NUL, CR, LF, ESC…). Cf: invisible format characters, among them the
# bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks and zero widths.
# Zl/Zp: line and paragraph separators. Cs/Co/Cn: surrogates, private use, unassigned.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def _clean_characters(text: str) -> str:
    """Controls and separators become spaces (so "a\\nb" reads "a b"), invisibles vanish."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category in {"Cc", "Zl", "Zp"}:
            kept.append(" ")
        elif category not in _DROPPED_CATEGORIES:
            kept.append(char)
    return "".join(kept)


def clean_text_line(text: str, *, max_length: int) -> str:
    """A single line of typed text (a title): no controls or invisibles, spaces collapsed."""
    return _WHITESPACE.sub(" ", _clean_characters(text)).strip()[:max_length].strip()


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


def safe_filename(name: str, *, default: str = "download") -> str:
    """``name`` as a plain file name: one path component, printable, at most 200 bytes.

    The extension is kept when the name must be shortened; an empty result becomes ``default``.
    """
    text = clean_text_line(_RESERVED.sub("_", name), max_length=len(name) + 1)
    text = text.strip(" .")  # no hidden files, no "..", no trailing dot (Windows drops it)
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        stem, dot, extension = text, "", ""
    if stem.split(".")[0].strip().upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    room = MAX_FILENAME_BYTES - len((dot + extension).encode("utf-8"))
    stem = _truncate_utf8(stem, room).rstrip(" .")
    return f"{stem}{dot}{extension}" if stem else default


def _ascii_fallback(name: str) -> str:
    """For clients that ignore ``filename*``: accents dropped, anything else non-ASCII → _."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = "".join(c if 0x20 <= ord(c) < 0x7F else "_" for c in letters)
    return ascii_only.replace('"', "_").replace("\\", "_").strip() or "download"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A ``Content-Disposition`` value for ``filename`` (RFC 6266, with RFC 8187 ``filename*``).

    The name goes through ``safe_filename`` first, so nothing a user typed can end the header
    or add another. A plain ASCII name is sent as ``filename="…"`` alone; any other name also
    gets ``filename*=UTF-8''…`` (percent-encoded), which every current browser prefers.
    """
    name = safe_filename(filename)
    disposition = "inline" if inline else "attachment"
    fallback = _ascii_fallback(name)
    if fallback == name:
        return f'{disposition}; filename="{name}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"

"""Active content in a PDF: what a reader would run, launch or unpack instead of showing.

Slides are downloaded and opened in whatever reader an attendee has; Acrobat runs JavaScript,
follows launch actions and opens attached files. A deck needs none of that, so a PDF holding
any of it is refused with what was found, and the presenter exports it again. Refused rather
than stripped: removing objects rewrites the presenter's file behind their back (a stripped
form or a broken link is a surprise found in front of an audience), and a rewrite by pypdf
can itself lose fonts or structure. Refusing keeps the file byte for byte what was reviewed.

The walk starts at the trailer and follows every reference, as a reader would, so an action
hidden in an outline, an annotation, a form field or a ``/Next`` chain is found; pypdf decodes
``#xx`` escapes in names, so ``/J#53`` is ``/JS``.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

# More objects than any slide deck has; past it, the file is refused rather than walked.
MAX_OBJECTS = 500_000


class PdfTooComplexError(Exception):
    pass


def _findings() -> dict[str, str]:
    """What each marker is, in words a presenter can act on."""
    javascript = _("JavaScript")
    embedded = _("embedded files")
    return {
        "/JS": javascript,
        "/JavaScript": javascript,
        "/Launch": _("a launch action (opens a program or file)"),
        "/AA": _("automatic actions (run when a page or field is opened or closed)"),
        "/EmbeddedFiles": embedded,
        "/EmbeddedFile": embedded,
        "/EF": embedded,
        "/FileAttachment": embedded,
        "/GoToE": embedded,
        "/RichMedia": _("rich media (Flash or 3D content)"),
        "/RichMediaExecute": _("rich media (Flash or 3D content)"),
        "/XFA": _("an XFA form"),
        "/ImportData": _("a form data import action"),
        "/SubmitForm": _("a form submission action"),
        "/Rendition": _("a multimedia rendition action"),
    }


# Keys whose mere presence is active content, and names that are when they are a type.
_MARKER_KEYS = {"/JS", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
_TYPE_KEYS = ("/S", "/Type", "/Subtype")


def _children(node: PdfObject | None) -> Iterator[PdfObject]:
    if isinstance(node, DictionaryObject):
        yield from node.values()
    elif isinstance(node, ArrayObject):
        yield from node


def _markers(node: DictionaryObject, findings: dict[str, str]) -> Iterator[str]:
    for key in node.keys():
        if key in _MARKER_KEYS or key == "/JavaScript":
            yield "/RichMedia" if key == "/RichMediaContent" else key
    for key in _TYPE_KEYS:
        value = node.get(key)
        if isinstance(value, str) and value in findings:
            yield value


def active_content(reader: PdfReader) -> list[str]:
    """Descriptions of the active content found (empty for a plain document), in order."""
    findings = _findings()
    found: dict[str, None] = {}  # an ordered set: each description once
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer]
    visited = 0
    while stack:
        # An indirect reference may resolve to nothing (a dangling one): it has no children.
        node: PdfObject | None = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfTooComplexError(visited)
        if isinstance(node, DictionaryObject):
            for marker in _markers(node, findings):
                found[findings[marker]] = None
        stack.extend(_children(node))
    return list(found)

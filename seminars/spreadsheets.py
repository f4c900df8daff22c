"""The one cell writer of every CSV and XLSX export in the project.

Every export (attendees, leads, questions, reach, and any later one) hands its rows of plain
values to ``iter_csv``/``csv_bytes`` or ``write_xlsx``/``xlsx_bytes``; nothing else in the
project opens a ``csv.writer`` or an openpyxl ``Workbook`` for an export (a test checks).
What a cell becomes, in this order:

1. **Text is cleaned first**: control characters are removed (C0 except tab, line feed and
   carriage return, which are ordinary text; DEL; C1), as are U+FFFE and U+FFFF, which XML
   cannot hold; a lone surrogate becomes U+FFFD. Everything else (accents, Arabic, Chinese,
   emoji, right-to-left marks) is kept as it is.
2. **Formula-like text** is text that a spreadsheet would evaluate: it starts with tab, CR
   or LF, or its first character after leading spaces is ``=``, ``+``, ``-`` or ``@``, or a
   compatibility form of one (the full-width ``＝``, the small ``﹢`` …: NFKC maps them to the
   ASCII sign). A plain number ("-12.5", an E.164 phone number "+254712345678") is not a
   formula: a spreadsheet reads it as a number and runs nothing, so it is left unchanged.
3. **CSV** has no cell types, so formula-like text gets an apostrophe in front, which
   spreadsheets show as text (OWASP "CSV injection"). Other text is written unchanged.
4. **XLSX** has types: every text is written as a string cell (never a formula, an error
   code or a number), so no apostrophe is needed and none is shown. Formula-like text also
   carries the ``quotePrefix`` style, Excel's own invisible apostrophe, so that editing the
   cell keeps it text. Text over 32,767 characters (the XLSX limit) is cut and ends with "…".

Numbers (int, float, Decimal) and booleans stay numbers; a float that is not finite, which
XLSX cannot hold, becomes text; None is an empty cell; anything else (lazy translations,
dates, countries) is written as its text.

Both writers stream: ``iter_csv`` yields about 64 KiB at a time and ``write_xlsx`` uses
openpyxl's write-only mode, so memory stays flat whatever the number of rows.
"""

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, WriteOnlyCell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_TEXT = 32767
CSV_CHUNK_BYTES = 65536

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_FORMULA_SIGNS = frozenset("=+-@")
_LINE_STARTS = ("\t", "\r", "\n")
# openpyxl would store these strings as a formula ("=…") or an error cell ("#N/A"…).
_NOT_PLAIN_STRING = tuple(ERROR_CODES)
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def clean_text(text: str) -> str:
    """``text`` without the characters no spreadsheet cell should hold (see step 1)."""
    if _UNCLEAN.search(text) is None:  # nearly every cell: one scan, no copy
        return text
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` (already cleaned) as a formula."""
    if not text or text[0].isalnum():  # the usual case; no letter or digit maps to a sign
        return False
    if text.startswith(_LINE_STARTS):
        return True
    stripped = text.lstrip()
    if not stripped:
        return False
    first = unicodedata.normalize("NFKC", stripped[0])[:1]
    return first in _FORMULA_SIGNS and not _PLAIN_NUMBER.fullmatch(text)


def _finite(value: float | Decimal) -> bool:
    try:
        return math.isfinite(value)
    except (ValueError, TypeError):  # a signalling Decimal NaN refuses conversion
        return False


def _number_or_text(value: object) -> object:
    """A number or bool as it is, None as None, anything else as cleaned text."""
    if type(value) is str:
        return clean_text(value)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, (float, Decimal)) and _finite(value):
        return value
    return clean_text(str(value))


def csv_cell(value: object) -> object:
    """The value to hand to ``csv.writer`` for one cell."""
    value = _number_or_text(value)
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def xlsx_cell(value: object, sheet) -> object:
    """The value (or write-only cell) to append to an openpyxl write-only ``sheet``."""
    value = _number_or_text(value)
    if not isinstance(value, str):
        return value
    if len(value) > XLSX_MAX_TEXT:
        value = value[: XLSX_MAX_TEXT - 1] + "…"
    formula_like = is_formula_like(value)
    if not formula_like and not value.startswith("=") and value not in _NOT_PLAIN_STRING:
        return value  # openpyxl stores any other str as a string cell
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # text, whatever openpyxl inferred from its first character
    if formula_like:
        cell.quotePrefix = True
    return cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def iter_csv(rows: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """CSV as UTF-8 bytes with a BOM (so Excel detects the encoding), about 64 KiB a chunk."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    buffer: list[str] = []
    size = 0
    for row in rows:
        line = writer.writerow([csv_cell(value) for value in row])
        buffer.append(line)
        size += len(line)
        if size > CSV_CHUNK_BYTES:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    yield "".join(buffer).encode()


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """The whole CSV at once, for small exports."""
    return b"".join(iter_csv(rows))


def sheet_title(title: str) -> str:
    """A worksheet name XLSX accepts: at most 31 characters, none of []:*?/\\."""
    return _SHEET_TITLE_BAD.sub("", clean_text(str(title))).strip()[:31] or "Sheet"


def write_xlsx(rows: Iterable[Iterable[object]], target: str | IO[bytes], *, title: str) -> int:
    """Write a one-sheet workbook (openpyxl write-only mode) to a path or binary file;
    returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(value, sheet) for value in row])
        count += 1
    workbook.save(target)
    return count


def xlsx_bytes(rows: Iterable[Iterable[object]], *, title: str) -> bytes:
    """The whole workbook at once, for small exports."""
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, title=title)
    return buffer.getvalue()

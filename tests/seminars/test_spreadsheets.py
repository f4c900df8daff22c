"""The one cell writer (seminars/spreadsheets.py): the corpus in both formats, values XLSX
cannot hold, and a check that no other module writes an export on its own."""

import ast
import io
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext_lazy

from seminars import spreadsheets
from tests.injection import (
    AT_NAMES,
    INJECTIONS,
    ORDINARY,
    assert_csv_safe,
    assert_xlsx_safe,
    csv_cells,
    csv_expected,
    xlsx_expected,
    xlsx_sheet,
)

ROOT = Path(__file__).resolve().parents[2]


def test_csv_quotes_every_injection_and_leaves_ordinary_values_alone():
    rows = csv_cells(spreadsheets.csv_bytes([INJECTIONS, ORDINARY, AT_NAMES]))
    assert_csv_safe(rows)
    assert rows[0] == [csv_expected(v) for v in INJECTIONS]
    assert rows[1] == ORDINARY
    assert rows[2] == ["'@acme", "'@Kofi Mensah"]


def test_xlsx_writes_every_text_as_text_without_a_visible_apostrophe():
    sheet = xlsx_sheet(spreadsheets.xlsx_bytes([INJECTIONS, ORDINARY, AT_NAMES], title="T"))
    assert_xlsx_safe(sheet)
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == [xlsx_expected(v) for v in INJECTIONS]
    assert values[1][: len(ORDINARY)] == ORDINARY
    assert values[2][: len(AT_NAMES)] == AT_NAMES
    injected = next(sheet.iter_rows())
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in injected)
    phone = next(sheet.iter_rows(min_row=2))[0]
    assert phone.data_type == "s" and not phone.quotePrefix


def test_numbers_stay_numbers_and_other_values_become_text():
    row = [-5, 0, 3.25, Decimal("-1.5"), True, None, gettext_lazy("Name"), "#N/A", "=", "-7"]
    sheet = xlsx_sheet(spreadsheets.xlsx_bytes([row], title="T"))
    cells = next(sheet.iter_rows(max_col=len(row)))
    assert [c.value for c in cells] == [-5, 0, 3.25, -1.5, True, None, "Name", "#N/A", "=", "-7"]
    assert [c.data_type for c in cells] == ["n", "n", "n", "n", "b", "n", "s", "s", "s", "s"]
    assert csv_cells(spreadsheets.csv_bytes([row]))[0] == [
        "-5",
        "0",
        "3.25",
        "-1.5",
        "True",
        "",
        "Name",
        "#N/A",
        "'=",
        "-7",
    ]


def test_values_xlsx_cannot_hold_are_replaced_never_an_error():
    long = "=" + "x" * 40_000
    row = [long, float("nan"), float("-inf"), "bad \ud800 surrogate", "\ufffe\uffffok"]
    sheet = xlsx_sheet(spreadsheets.xlsx_bytes([row], title="A/B:C*D?[E]" * 7))
    assert sheet.title == "ABCDE" * 6 + "A"
    cells = next(sheet.iter_rows())
    assert len(cells[0].value) == spreadsheets.XLSX_MAX_TEXT
    assert cells[0].value.endswith("…") and cells[0].data_type == "s"
    assert [c.value for c in cells[1:]] == ["nan", "-inf", "bad \ufffd surrogate", "ok"]
    # CSV can hold any length: only the cleaning applies.
    assert csv_cells(spreadsheets.csv_bytes([row]))[0] == [
        "'" + long,
        "nan",
        "'-inf",  # not a plain number: quoted like any text starting with "-"
        "bad \ufffd surrogate",
        "ok",
    ]


def test_csv_streams_in_chunks():
    rows = ([f"row {i}", "x" * 100] for i in range(2000))
    chunks = list(spreadsheets.iter_csv(rows))
    assert len(chunks) > 3
    assert all(len(chunk) < 2 * spreadsheets.CSV_CHUNK_BYTES for chunk in chunks)


def test_write_xlsx_counts_rows_and_accepts_a_file():
    blank = io.BytesIO()
    assert spreadsheets.write_xlsx(iter([["a"], ["b"]]), blank, title="T") == 2
    assert [c.value for c in xlsx_sheet(blank.getvalue())["A"]] == ["a", "b"]


def _writers_outside_the_cell_writer() -> list[str]:
    """Modules that open a csv.writer or import openpyxl, other than seminars/spreadsheets.py."""
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "bench"} or "migrations" in relative:
            continue
        if relative == "seminars/spreadsheets.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                found.append(f"{relative}: from {node.module} import")
            if isinstance(node, ast.Import) and any(a.name == "openpyxl" for a in node.names):
                found.append(f"{relative}: import openpyxl")
            if isinstance(node, ast.Attribute) and node.attr in {"writer", "DictWriter"}:
                if isinstance(node.value, ast.Name) and node.value.id == "csv":
                    found.append(f"{relative}: csv.{node.attr}")
    return found


def test_every_export_goes_through_the_one_cell_writer():
    assert _writers_outside_the_cell_writer() == []

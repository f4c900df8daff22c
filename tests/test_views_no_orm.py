"""Views of every app hold no queries: they parse input, call a service or a selector, and
render (HOUSE_STYLE 1-2). Read from the source's syntax tree: no
``.objects``, no QuerySet method, no ``get_object_or_404`` in any view module.

``.get()`` and ``.update()`` are left out (dicts have them: ``request.POST.get``), and so are
``.values()`` without arguments (a dict's) and ``.count(x)`` with one (a list's or a str's), so
a query through a related manager's ``.get()`` would slip by; every other QuerySet method is
caught."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every app's view modules: ``views.py``, ``views_*.py`` and the modules of a ``views/``
# package.
VIEW_MODULES = sorted(
    path
    for pattern in ("*/views.py", "*/views_*.py", "*/views/*.py")
    for path in ROOT.glob(pattern)
    if path.relative_to(ROOT).parts[0] not in {"tests", ".venv", "bench", "tools"}
)
QUERYSET_METHODS = {
    "aggregate",
    "all",
    "annotate",
    "bulk_create",
    "bulk_update",
    "count",
    "create",
    "defer",
    "delete",
    "distinct",
    "exclude",
    "exists",
    "filter",
    "first",
    "get_or_create",
    "in_bulk",
    "iterator",
    "last",
    "none",
    "only",
    "order_by",
    "prefetch_related",
    "raw",
    "select_for_update",
    "select_related",
    "update_or_create",
    "values",
    "values_list",
}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _is_queryset_call(method: str, call: ast.Call) -> bool:
    has_arguments = bool(call.args or call.keywords)
    if method == "values":
        return has_arguments
    if method == "count":
        return not has_arguments
    return method in QUERYSET_METHODS


def orm_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{node.lineno}: .objects")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _is_queryset_call(func.attr, node):
                found.append(f"{node.lineno}: .{func.attr}()")
            elif isinstance(func, ast.Name) and func.id in SHORTCUTS:
                found.append(f"{node.lineno}: {func.id}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "django.db.models":
            found.append(f"{node.lineno}: imports django.db.models")
    return found


def test_view_modules_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in VIEW_MODULES}
    assert {
        "registration/views/staff.py",
        "registration/views/vendor.py",
        "media_library/views/pages.py",
        "live/views/stage.py",
        "organising/views/agenda.py",
        "polls/views_certificates.py",
        "meetings/views/officer.py",
        "api/views.py",
        "scheduling/views.py",
    } <= names


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_views_do_not_query_the_database_directly(path):
    assert orm_uses(ast.parse(path.read_text())) == []


def test_the_check_catches_each_kind_of_query():
    source = (
        "from django.db.models import Count\n"
        "a = Registration.objects\n"
        "b = seminar.sessions.filter(kind='talk')\n"
        "c = get_object_or_404(Session, pk=1)\n"
        "d = request.POST.get('next')\n"
        "e = queryset.values('pk') or errors.values() or queryset.count() or name.count('x')\n"
    )
    assert orm_uses(ast.parse(source)) == [
        "1: imports django.db.models",
        "2: .objects",
        "3: .filter()",
        "4: get_object_or_404()",
        "6: .values()",
        "6: .count()",
    ]

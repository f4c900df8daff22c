"""The transport's internals stay inside live/transport/: no other module imports Twisted,
autobahn or Daphne, or a private name of Channels, and the domain (live/ outside transport/)
imports only the transport's interface (live/transport/__init__.py)."""

import ast
import subprocess
from pathlib import Path

import live.transport

ROOT = Path(__file__).resolve().parents[2]
SERVER_PACKAGES = ("twisted", "autobahn", "daphne")


def _modules() -> list[Path]:
    """The project's Python files (git's view: not .venv, not bench's frozen copies)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).exists()]


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def _inside(path: Path, folder: str) -> bool:
    return path.relative_to(ROOT).as_posix().startswith(folder)


def test_only_the_transport_imports_twisted_autobahn_daphne_or_private_channels_names():
    offenders = []
    for path in _modules():
        if _inside(path, "live/transport/") or _inside(path, "tests/"):
            continue
        for module, names, line in _imports(path):
            top = module.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line}"
            if top in SERVER_PACKAGES:
                offenders.append(f"{where} imports {module}")
            if top == "channels" and (
                any(part.startswith("_") for part in module.split("."))
                or any(name.startswith("_") for name in names)
            ):
                offenders.append(f"{where} imports a private name of {module}: {names}")
    assert offenders == []


def test_the_domain_imports_only_the_transports_interface():
    interface = set(live.transport.__all__)
    offenders = []
    for path in _modules():
        if not _inside(path, "live/") or _inside(path, "live/transport/"):
            continue
        for module, names, line in _imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if module.startswith("live.transport."):
                offenders.append(f"{where} imports {module}")
            elif module == "live.transport":
                offenders += [f"{where} imports {n}" for n in names if n not in interface]
    assert offenders == []


def test_the_checks_above_see_a_violation(tmp_path):
    """The scanner itself: a module importing a submodule and a Twisted name is caught."""
    path = tmp_path / "bad.py"
    path.write_text("from live.transport.hub import Hub\nfrom twisted.internet import tcp\n")
    assert [module for module, _names, _line in _imports(path)] == [
        "live.transport.hub",
        "twisted.internet",
    ]

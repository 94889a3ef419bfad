"""The architecture holds: Qt only in ``app/ui``; the domain core imports no SQL and nothing of ours;
imports point one way (domain < wording < store < reports < casework < demo < bench, CLI, UI)
with no cycles, counting imports made inside functions (ARCHITECTURE.md draws the picture)."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*, exclude: str | None = None) -> list[Path]:
    return [
        p for p in APP.rglob("*.py") if not (exclude and exclude in p.relative_to(APP).parts[:1])
    ]


def test_no_qt_below_the_ui_layer() -> None:
    offenders = [
        f"{path.relative_to(APP.parent)} imports {name}"
        for path in _modules(exclude="ui")
        for name in _imports(path)
        if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
    ]
    assert offenders == []


def test_domain_imports_no_database_code_and_nothing_above_it() -> None:
    forbidden_roots = {"sqlalchemy", "sqlmodel", "alembic", "psycopg", "sqlite3", "PySide6"}
    offenders = []
    for path in (APP / "domain").rglob("*.py"):
        for name in _imports(path):
            root = name.split(".")[0]
            if root in forbidden_roots or (
                name.startswith("app.") and not name.startswith("app.domain")
            ):
                offenders.append(f"{path.relative_to(APP.parent)} imports {name}")
    assert offenders == []


def test_the_layer_test_would_catch_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(sample)


# --- the import graph: one direction, no cycles ----------------------------------------------------
#
# Every import counts, also one made inside a function or under ``if TYPE_CHECKING``: a
# function-level import is still a dependency, it only hides it. ``from app.cli import audit``
# is an edge to ``app.cli.audit``; relative imports are resolved.

#: The layers below the callers, lowest first: a module imports its own layer or lower ones.
#: ``wording`` holds the words meant for people (labels, explanations): it reads the domain's
#: codes and ``app.i18n`` only, so every layer above may show them.
LAYERS = ("domain", "wording", "store", "reports", "casework", "demo")
#: The callers on top: each may import every layer above, none of them imports another caller
#: except as listed in ``CALLER_IMPORTS``, and no layer imports them.
CALLERS = ("bench", "cli", "ui")
#: ``app.i18n``, ``app.paths``, ``app.version``, the logging and crash set-up and the Alembic
#: environment serve every layer: they may import the domain and the store, nothing above.
BASE_MAY_IMPORT = {"domain", "store"}

#: Caller → caller imports that are part of the design.
CALLER_IMPORTS = {
    ("app.launch", "app.cli"): "the launch (`minplan`, `python -m app`) runs the command",
    ("app.cli.gui", "app.ui.main_window"): "the window's modules load while a helper reads",
    ("app.cli.gui", "app.ui.application"): "the window's start: `minplan` without a command",
    ("app.cli.gui", "app.ui.recovery"): "the window's start offers to restore a damaged database",
    ("app.cli.gui", "app.ui.pyside_scan"): "the window's start loads Qt before its modules",
    ("app.cli.gui", "app.ui.orm_loader"): (
        "the everyday start: the database read for the first screen makes its engine after the "
        "ORM has loaded behind the window"
    ),
    ("app.cli.bench", "app.bench.defaults"): "`minplan bench`: its defaults, for --help",
    ("app.cli.bench", "app.bench.report"): "`minplan bench`: the table it prints",
    ("app.cli.bench", "app.bench.runner"): "`minplan bench`: the run",
    ("app.ui.bench_gui", "app.bench.memory"): "the GUI half of the bench measures its memory",
    ("app.ui.ready_probe", "app.bench.memory"): "the bench's cold-start probe reports memory",
}

#: Imports against the direction of the layers that remain, each with its reason. This list
#: only shrinks: an entry that no longer occurs fails the test too.
UPWARD_IMPORTS: dict[tuple[str, str], str] = {}

#: Import cycles that remain (strongly connected modules), each with its reason. Only shrinks;
#: none is left.
CYCLES: dict[frozenset[str], str] = {}

#: The window and the commands call use cases instead of building queries on the tables.
MODEL_IMPORTS: dict[tuple[str, str], str] = {}


def module_files(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every module of the package at ``root``."""
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports (anywhere in the file)."""
    files = module_files(root)

    def known(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = module.split(".")
                    if path.name != "__init__.py":
                        package = package[:-1]
                    package = package[: len(package) - node.level + 1]
                    base = ".".join([*package, base] if base else package)
                names = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base
                    for alias in node.names
                ]
            else:
                continue
            targets.update(t for t in map(known, names) if t and t != module)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.add(frozenset(group))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in (*LAYERS, *CALLERS) else None


def wrong_way(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Imports against the direction: a layer importing a higher one or a caller, a caller
    importing another caller, a base module importing above the store."""
    rank = {name: i for i, name in enumerate(LAYERS)} | dict.fromkeys(CALLERS, len(LAYERS))
    found = set()
    for module, targets in graph.items():
        here = _layer(module)
        for target in targets:
            there = _layer(target)
            if there is None:
                continue
            if here is None:
                if there not in BASE_MAY_IMPORT:
                    found.add((module, target))
            elif rank[there] > rank[here] or (there in CALLERS and there != here):
                found.add((module, target))
    return found


GRAPH = import_graph(APP)


def test_no_import_cycles_but_the_listed_ones() -> None:
    found = cycles(GRAPH)
    assert sorted(map(sorted, found - CYCLES.keys())) == [], "new import cycles"
    assert sorted(map(sorted, CYCLES.keys() - found)) == [], "gone: remove them from CYCLES"


def test_imports_point_one_way() -> None:
    found = wrong_way(GRAPH)
    allowed = CALLER_IMPORTS.keys() | UPWARD_IMPORTS.keys()
    assert sorted(found - allowed) == [], "imports against the layers"
    assert sorted(UPWARD_IMPORTS.keys() - found) == [], "gone: remove them from UPWARD_IMPORTS"
    assert sorted(CALLER_IMPORTS.keys() - found) == [], "gone: remove them from CALLER_IMPORTS"


def test_reports_import_no_casework_but_the_listed_imports() -> None:
    found = {
        (module, target)
        for module, targets in GRAPH.items()
        if module.startswith("app.reports")
        for target in targets
        if target.startswith("app.casework")
    }
    assert found == {edge for edge in UPWARD_IMPORTS if edge[0].startswith("app.reports")}


def test_no_layer_imports_the_window_or_the_commands() -> None:
    found = {
        (module, target)
        for module, targets in GRAPH.items()
        if not module.startswith(("app.ui", "app.cli")) and module != "app.launch"
        for target in targets
        if target.startswith(("app.ui", "app.cli"))
    }
    assert found == set()


def test_the_window_and_the_commands_build_no_queries_but_the_listed_ones() -> None:
    found = {
        (module, target)
        for module, targets in GRAPH.items()
        if module.startswith(("app.ui", "app.cli"))
        for target in targets
        if target == "app.store.models"
    }
    assert sorted(found - MODEL_IMPORTS.keys()) == [], "new queries outside the use cases"
    assert sorted(MODEL_IMPORTS.keys() - found) == [], "gone: remove them from MODEL_IMPORTS"


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path: Path) -> None:
    package = tmp_path / "app"
    (package / "casework").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "casework" / "__init__.py").write_text("", encoding="utf-8")
    (package / "casework" / "a.py").write_text(
        "def f():\n    from app.casework import b\n", encoding="utf-8"
    )
    (package / "casework" / "b.py").write_text(
        "def g():\n    from . import a\n    from app.ui import x\n", encoding="utf-8"
    )
    (package / "ui").mkdir()
    (package / "ui" / "__init__.py").write_text("", encoding="utf-8")
    (package / "ui" / "x.py").write_text("import app.casework.a\n", encoding="utf-8")
    graph = import_graph(package)
    assert graph["app.casework.a"] == {"app.casework.b"}
    assert graph["app.casework.b"] == {"app.casework.a", "app.ui.x"}
    assert cycles(graph) == {frozenset({"app.casework.a", "app.casework.b", "app.ui.x"})}
    assert wrong_way(graph) == {("app.casework.b", "app.ui.x")}


# --- expected errors are shown in one place --------------------------------------------------------
#
# The window's pages run their use cases through ``app.ui.operations`` (``read``, ``now``,
# ``write``), which hands a refusal (a ``MinPlanError``) to the main window's one handler. A
# handler of ``MinPlanError`` anywhere else in ``app/ui`` is listed here with its reason, by
# module and function. Only shrinks: an entry that no longer occurs fails the test too.

#: (module, function) → why it catches the refusal itself.
LOCAL_CATCHES = {
    ("app.ui.operations", "Operations.read"): "the runner: the one place that catches",
    ("app.ui.operations", "Operations.now"): "the runner: the one place that catches",
    ("app.ui.form", "FormDialog.try_save"): "a dialog that keeps the user's input",
    ("app.ui.casework.plan_tab", "PlanTab.save"): "the plan form keeps the user's input",
    ("app.ui.admin.org_settings_panel", "OrgSettingsPanel.save"): "the form keeps the input",
    ("app.ui.casework.conversation_dialogs", "MoveDialog._store"): (
        "a dialog's save: puts the refusal at the field the user sees and raises it on"
    ),
    ("app.ui.admin.org_settings_panel", "rotation_text"): (
        "an aside about the backups, left out when the folder cannot be read"
    ),
    ("app.ui.citizens.search_log", "SearchLog._write"): (
        "its own thread writes the searches in order; hands the refusal on to the one place"
    ),
    ("app.ui.printing", "_BatchWorker.run"): "its own thread: handed to its progress dialog",
    ("app.ui.background_backup", "_Copy.run"): "unattended: told in the status bar",
    ("app.ui.background_backup", "BackgroundBackup._start"): "unattended: asked again next start",
    ("app.ui.recovery", "offer_restore"): "before the main window (and its one place) exists",
    ("app.ui.application", "sign_in"): "before the main window (and its one place) exists",
    ("app.ui.application", "_reporting.run"): (
        "a start step run once the ORM has loaded behind the shown window (the access log's "
        "start): its refusal is shown in the window's one place, show_problem"
    ),
}


def local_catches(root: Path) -> list[tuple[str, str]]:
    """(module, enclosing function) of every ``except`` naming ``MinPlanError``, once each."""
    found = []
    for module, path in sorted(module_files(root).items()):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

        def visit(node: ast.AST, scope: tuple[str, ...]) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ExceptHandler) and child.type is not None:
                    names = {
                        n.id if isinstance(n, ast.Name) else n.attr
                        for n in ast.walk(child.type)
                        if isinstance(n, ast.Name | ast.Attribute)
                    }
                    if "MinPlanError" in names:
                        found.append((module, ".".join(scope)))  # noqa: B023 (used at once)
                inner = (
                    (*scope, child.name)
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                    else scope
                )
                visit(child, inner)

        visit(tree, ())
    return found


def test_expected_errors_are_shown_in_one_place_but_the_listed_catches() -> None:
    found = [edge for edge in local_catches(APP) if edge[0].startswith("app.ui")]
    assert sorted(set(found) - LOCAL_CATCHES.keys()) == [], "a page catches MinPlanError itself"
    assert sorted(LOCAL_CATCHES.keys() - set(found)) == [], "gone: remove them from LOCAL_CATCHES"


def test_the_catch_test_sees_a_handler_in_a_method(tmp_path: Path) -> None:
    package = tmp_path / "app" / "ui"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "page.py").write_text(
        "class Page:\n"
        "    def refresh(self):\n"
        "        try:\n"
        "            pass\n"
        "        except (errors.MinPlanError, OSError):\n"
        "            pass\n"
        "        except ValueError:\n"
        "            pass\n",
        encoding="utf-8",
    )
    assert local_catches(tmp_path / "app") == [("app.ui.page", "Page.refresh")]

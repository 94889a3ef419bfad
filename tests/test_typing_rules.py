"""The type checker's rules hold: every ``# type: ignore`` names its error code, and in the layers
mypy checks strictly (the core: domain, wording, store, reports, casework; the top-level modules
and the migrations) it also says why, in a comment after it. ``[tool.mypy]`` keeps the core
strict and relaxes only the outer layers (UI, CLI, demo, bench) to mypy's default settings."""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

#: The outer layers, checked with mypy's default settings (see pyproject.toml).
RELAXED = ("ui", "cli", "demo", "bench")
#: The core layers, checked strictly (the top-level modules and the migrations are too).
CORE = ("domain", "wording", "store", "reports", "casework")

_IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")
#: A reason: a further comment after the ignore that is not only a linter's ``noqa``.
_REASON = re.compile(r"^\s+#\s*(?!noqa\b)\S")


def _ignores(source: str) -> list[tuple[int, str | None, str]]:
    """(line, codes or None, what follows) of each ``type: ignore`` comment (not in strings)."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and (match := _IGNORE.search(token.string)):
            found.append((token.start[0], match["codes"], match["rest"]))
    return found


def _problems(path: Path, *, reason_needed: bool) -> list[str]:
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    problems = []
    for line, codes, rest in _ignores(path.read_text(encoding="utf-8")):
        if codes is None or not codes.strip("[] "):
            problems.append(f"{where}:{line}: a type: ignore without its error code")
        elif reason_needed and not _REASON.match(rest):
            problems.append(f"{where}:{line}: a type: ignore without a reason after it")
    return problems


def _strict(path: Path) -> bool:
    return path.relative_to(APP).parts[0] not in RELAXED


def test_every_ignore_names_its_code_and_in_the_strict_layers_its_reason() -> None:
    problems = [
        problem
        for path in sorted(APP.rglob("*.py"))
        for problem in _problems(path, reason_needed=_strict(path))
    ]
    assert problems == []


def test_the_rule_catches_a_bare_ignore_and_one_without_a_reason(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a = f()  # type: ignore\n"
        "b = g()  # type: ignore[arg-type]\n"
        "c = h()  # type: ignore[arg-type]  # noqa: E501\n"
        "d = k()  # type: ignore[arg-type]  # the library's stubs are wrong\n"
        "e = '# type: ignore'\n",
        encoding="utf-8",
    )
    assert [line for line, _codes, _rest in _ignores(sample.read_text())] == [1, 2, 3, 4]
    assert [p.split(":")[1] for p in _problems(sample, reason_needed=True)] == ["1", "2", "3"]
    assert [p.split(":")[1] for p in _problems(sample, reason_needed=False)] == ["1"]


def test_mypy_checks_all_of_app_strictly_but_the_outer_layers() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["files"] == ["app"]
    assert config["strict"] is True and config["warn_unused_ignores"] is True
    relaxed: set[str] = set()
    for override in config.get("overrides", []):
        modules = override["module"]
        modules = [modules] if isinstance(modules, str) else modules
        assert not override.get("ignore_errors"), f"errors ignored in {modules}"
        relaxed.update(modules)
    assert relaxed == {f"app.{layer}.*" for layer in RELAXED}
    assert not {f"app.{layer}.*" for layer in CORE} & relaxed

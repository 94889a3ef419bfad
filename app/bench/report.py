"""The benchmark's printed table (translated) and its JSON file (English labels, plain numbers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app import i18n
from app.bench.duck import INSTALL_HINT
from app.bench.machine import one_line
from app.i18n import _

BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "x":
        return f"{i18n.format_number(value, 2)}×"
    digits = {"s": 2, "MB": 0}.get(unit, 1 if value < 10 else 0)
    shown = i18n.format_number(value, digits) if digits else i18n.format_number(round(value))
    return f"{shown} {unit}"


def _target_text(target: dict[str, Any] | None) -> str:
    if target is None:
        return ""
    if target["unit"] == "x":
        return f"≤ {i18n.format_number(round(target['limit']))}×"
    limit = target["limit"]
    shown = i18n.format_number(limit, 1) if limit < 10 else i18n.format_number(round(limit))
    return f"< {shown} {target['unit']}"


def _mark(passed: bool | None) -> str:
    return "" if passed is None else (_("met") if passed else _("MISSED"))


def table(result: dict[str, Any]) -> str:
    lines = [
        _("Min Plan benchmark, {when}").format(when=result["measured_at"]),
        _("Machine: {machine}").format(machine=one_line(result["machine"])),
    ]
    load = result["machine"].get("load_average_at_start")
    if load:
        lines.append(
            _(
                "Load average at the start: {load} (other work on the machine makes figures noisy)"
            ).format(load=" ".join(i18n.format_number(x, 2) for x in load))
        )
    end = result["machine"].get("load_average_at_end")
    if end:
        lines.append(
            _("Load average at the end: {load}").format(
                load=" ".join(i18n.format_number(x, 2) for x in end)
            )
        )
    for run in result["runs"]:
        lines.append("")
        heading = _("{backend}, {n} citizens").format(
            backend=BACKENDS.get(run["backend"], run["backend"]),
            n=i18n.format_number(run["citizens"]),
        )
        origin = (
            _("from the cache")
            if run["from_cache"]
            else _("generated in {seconds}").format(seconds=format_value(run["generated_s"], "s"))
        )
        lines.append(f"{heading} ({origin})")
        if run["backend"] == "postgresql":
            lines.append(
                _(
                    "  The desk's figures (start, list, search, worklist, one caseload) acted as "
                    "{initials}'s login, under the server's row-level security; the rest as the "
                    "database's owner."
                ).format(initials=run["acting_as"])
                if run.get("acting_as")
                else _(
                    "  Every figure as the database's owner, to whom row-level security does not "
                    "apply: a caseworker's login may be slower (see the log)."
                )
            )
        rows = [(_("What"), _("Measured"), _("Floor"), _("Ratio"), _("Target"), "")]
        floors: dict[str, list[str]] = {}
        for figure in run["figures"]:
            if figure["id"] == "generate":
                continue
            label = _(_label_msgid(figure["id"])).format(
                **{k: _count(v) for k, v in figure["params"].items()}
            )
            value = format_value(figure["value"], figure["unit"])
            if figure["note"]:
                value = (
                    f"{value} ({_(figure['note'])})"
                    if figure["value"] is not None
                    else _(figure["note"])
                )
            floor = ratio = ""
            if figure.get("floor") is not None:
                floor = format_value(figure["floor"], figure["unit"])
                ratio = format_value(figure.get("ratio"), "x")
                floors.setdefault(figure["floor_is"], []).append(label)
            target = _target_text(figure["target"])
            if figure.get("ratio_target") is not None:
                ratio_text = f"≤ {i18n.format_number(figure['ratio_target'], 0)}×"
                target = f"{target}, {ratio_text}" if target else ratio_text
            rows.append((label, value, floor, ratio, target, _mark(figure["pass"])))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            lines.append(
                f"  {row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  "
                f"{row[3]:>{widths[3]}}  {row[4]:<{widths[4]}}  {row[5]}".rstrip()
            )
        if floors:
            lines.append(
                "  " + _("Floors (the same work done bare, measured in this run, interleaved):")
            )
            for what, labels in floors.items():
                lines.append(f"    {labels[0]}: {_(what)}")
        lines += _fte_lines(run.get("duckdb"))
    summary = result["summary"]
    lines.append("")
    lines.append(
        _("{met} of {total} targets met.").format(met=summary["met"], total=summary["targets"])
    )
    return "\n".join(lines)


def _count(value: Any) -> Any:
    return i18n.format_number(value) if isinstance(value, int) else value


def _label_msgid(figure_id: str) -> str:
    from app.bench.figures import LABELS

    return LABELS[figure_id]


def _fte_lines(duck: dict[str, Any] | None) -> list[str]:
    if not duck:
        return []
    if duck["status"] == "missing":
        return [
            "  "
            + _(
                "DuckDB comparison skipped: DuckDB is not installed. Install it with: {command}"
            ).format(command=INSTALL_HINT)
        ]
    if duck["status"] == "not_sqlite":
        return ["  " + _("DuckDB comparison: only on SQLite (DuckDB reads the SQLite file).")]
    if duck["status"] == "failed":
        return [
            "  " + _("DuckDB comparison failed: {error}").format(error=duck["detail"].get("error"))
        ]
    lines = []
    if duck["mode"] == "python_copy":
        lines.append(
            "  "
            + _(
                "DuckDB's sqlite extension could not be loaded; the spells were read through Python into DuckDB instead."
            )
        )
    difference = duck["max_difference"]
    lines.append(
        "  "
        + (
            _(
                "Full-time persons agree with DuckDB for all {n} target groups (largest difference {d:.1e})."
            )
            if duck["agree"]
            else _(
                "Full-time persons DISAGREE with DuckDB (largest difference {d:.1e}, allowed {t:.0e})."
            )
        ).format(n=len(duck["groups"]), d=difference, t=duck["tolerance"])
    )
    return lines


def write_json(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)

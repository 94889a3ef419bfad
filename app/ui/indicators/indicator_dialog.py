"""Dialogs for one indicator of a goal plan: its label, the measure (from the documented list),
the measure's parameters with pickers (target groups, offer kinds, age band, …) and its target;
and the smaller dialog that sets only a target (for a shipped plan's indicator).

Both validate as the user types with the same domain checks the use case applies on saving.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app import i18n
from app.domain.codes import OFFER_KINDS, TARGET_GROUPS
from app.domain.errors import ValidationError
from app.domain.goalplan import (
    COMPARE,
    FIDELITY,
    PARAMS,
    Indicator,
    Target,
    check_fidelity,
    check_indicator_label,
    check_target,
    years_from,
)
from app.i18n import N_, _
from app.reports.goalplans import IndicatorResult
from app.reports.measure_catalog import MEASURES, clean_params
from app.ui import colours
from app.ui.fields import CodeCombo, NumberEdit, TextEdit
from app.ui.form import Form, FormDialog
from app.ui.indicators.pickers import CodeChecklist, OptionalIntEdit

TARGET_KINDS: Mapping[str, str] = {
    "none": N_("No target"),
    "min": N_("At least"),
    "max": N_("At most"),
    "range": N_("Between"),
    "up": N_("Rises"),
    "down": N_("Falls"),
}
#: Form fields a problem of the domain checks belongs to.
_FIELD_OF = {"direction": "target_kind", "params": "measure", "target": "minimum"}


# --- the target part, shared by both dialogs -----------------------------------------------------
def add_target_fields(form: Form) -> None:
    form.add("target_kind", _("&Target:"), CodeCombo(TARGET_KINDS))
    form.add("minimum", _("Lower limit:"), NumberEdit(field="minimum"))
    form.add("maximum", _("Upper limit:"), NumberEdit(field="maximum"))
    form.add("compare", _("Compared with:"), CodeCombo(COMPARE))
    form.add(
        "years",
        _("For the &years:"),
        TextEdit(),
        hint=_("The years the target belongs to, e.g. 2024 or 2024, 2025; empty: every year"),
    )
    form.editor("target_kind").changed.connect(lambda: show_target_rows(form))


def set_row_visible(form: Form, name: str, visible: bool) -> None:
    form.layout().setRowVisible(form.editor(name).parentWidget(), visible)


def show_target_rows(form: Form, unit: str | None = None) -> None:
    kind = form.editor("target_kind").value() or "none"
    set_row_visible(form, "minimum", kind in ("min", "range"))
    set_row_visible(form, "maximum", kind in ("max", "range"))
    set_row_visible(form, "compare", kind in ("up", "down"))
    set_row_visible(form, "years", kind != "none")
    if unit is not None:
        suffix = {"share": " (%)", "fte": " " + _("(full-time persons)")}.get(unit, "")
        for name, caption in (("minimum", _("Lower limit")), ("maximum", _("Upper limit"))):
            label = form.layout().labelForField(form.editor(name).parentWidget())
            if isinstance(label, QLabel):
                label.setText(f"{caption}{suffix}:")


def target_of(values: Mapping[str, Any]) -> Target | None:
    """The target the fields describe; ``ValidationError`` when a limit is missing."""
    kind = values.get("target_kind") or "none"
    if kind == "none":
        return None
    low = values.get("minimum") if kind in ("min", "range") else None
    high = values.get("maximum") if kind in ("max", "range") else None
    if kind in ("min", "range") and low is None:
        raise ValidationError("Write the limit as a number", field="minimum")
    if kind in ("max", "range") and high is None:
        raise ValidationError("Write the limit as a number", field="maximum")
    direction = kind if kind in ("up", "down") else None
    return Target(
        low,
        high,
        direction,
        (values.get("compare") or "last-year") if direction else None,
        years_from(values.get("years")),
    )


def target_values(target: Target | None) -> dict[str, Any]:
    if target is None:
        return {
            "target_kind": "none",
            "minimum": None,
            "maximum": None,
            "compare": "last-year",
            "years": "",
        }
    if target.direction:
        kind = target.direction
    elif target.minimum is not None and target.maximum is not None:
        kind = "range"
    else:
        kind = "min" if target.minimum is not None else "max"
    return {
        "target_kind": kind,
        "minimum": target.minimum,
        "maximum": target.maximum,
        "compare": target.compare or "last-year",
        "years": ", ".join(str(year) for year in target.years),
    }


def _at_field(error: ValidationError) -> dict[str, ValidationError]:
    field = error.field or "label"
    return {_FIELD_OF.get(field, field): error}


def params_text(measure: str, params: Mapping[str, Any]) -> str:
    """The parameters in words: "Dagpenge, Sygedagpenge · 18–29 år"."""
    from app.reports.goalplan_help import params_words

    return params_words(measure, params) or _("all")


# --- one indicator -------------------------------------------------------------------------------
class IndicatorDialog(FormDialog):
    """Make or change one indicator; ``result_value`` is the ``Indicator`` (saved with the plan)."""

    def __init__(self, indicator: Indicator | None = None, parent: QWidget | None = None) -> None:
        super().__init__(
            _("Change indicator") if indicator else _("New indicator"), self._make, parent
        )
        self.original = indicator
        self._auto_label = ""
        form = self.form
        form.add("label", _("&Label:"), TextEdit())
        form.add(
            "measure",
            _("&Measure:"),
            CodeCombo({name: m.title for name, m in MEASURES.items()}),
        )
        self.definition = QLabel(self)
        self.definition.setWordWrap(True)
        colours.tint(self.definition, "muted")
        self.definition.setMinimumWidth(420)
        form.add_widget("", self.definition)
        form.add(
            "groups",
            _("Target &groups:"),
            CodeChecklist(TARGET_GROUPS),
            hint=_("None ticked: every target group"),
        )
        form.add(
            "kinds",
            _("Offer &kinds:"),
            CodeChecklist(OFFER_KINDS),
            hint=_("None ticked: every kind"),
        )
        form.add("min_age", _("Age &from:"), OptionalIntEdit(minimum=0, maximum=120))
        form.add("max_age", _("Age &to:"), OptionalIntEdit(minimum=0, maximum=120))
        self.age_note = QLabel(_("Age on the last day of the period; – means no limit"), self)
        colours.tint(self.age_note, "muted")
        form.add_widget("", self.age_note)
        form.add(
            "min_employees",
            _("Companies with at least:"),
            OptionalIntEdit(minimum=1, maximum=100_000),
            hint=_("employees"),
        )
        form.add(
            "min_hours",
            _("Work counted:"),
            CodeCombo(PARAMS["min_hours"].choices or {}),
        )
        form.add(
            "counts_too",
            _("Counted beside the offers:"),
            CodeCombo(PARAMS["counts_too"].choices or {}),
        )
        form.add("local_only", _("Companies:"), CodeCombo(PARAMS["local_only"].choices or {}))
        form.add("window_weeks", _("Weeks looked back:"), OptionalIntEdit(minimum=1, maximum=520))
        form.add(
            "min_share", _("At least this share (%):"), OptionalIntEdit(minimum=1, maximum=100)
        )
        add_target_fields(form)
        form.add("fidelity", _("&Computed:"), CodeCombo(FIDELITY))
        form.add(
            "note",
            _("N&ote:"),
            TextEdit(),
            hint=_(
                "Shown beside the figure: how the plan's words are read, what is approximated, or why the goal cannot be computed"
            ),
        )
        form.set_validator(self._problems)
        form.editor("measure").changed.connect(self._measure_changed)
        form.editor("target_kind").changed.connect(self.fit)
        form.editor("fidelity").changed.connect(lambda: self._measure_changed(initial=True))
        blank = {"min_hours": 0, "counts_too": 0, "local_only": 0, "fidelity": "faithful"}
        if indicator is not None:
            values: dict[str, Any] = {
                "label": indicator.label,
                "measure": indicator.measure or next(iter(MEASURES)),
                **blank,
                **indicator.params,
                **target_values(indicator.target),
                "fidelity": indicator.fidelity,
                "note": indicator.note_in(i18n.current_language()),
            }
            form.set_values(values)
        else:
            first = next(iter(MEASURES.values()))
            form.set_values({"label": _(first.title), **blank, **target_values(None)})
        self._auto_label = "" if indicator else form.editor("label").text()
        self.setMinimumWidth(640)
        self._measure_changed(initial=True)

    def _measure_changed(self, initial: bool = False) -> None:
        name = self.form.editor("measure").value()
        found = MEASURES[name]
        computable = self.form.editor("fidelity").value() != "not_computable"
        self.definition.setText(_(found.definition) if computable else "")
        set_row_visible(self.form, "measure", computable)
        self.form.layout().setRowVisible(self.definition, computable)
        for param in PARAMS:
            set_row_visible(self.form, param, computable and param in found.params)
        self.form.layout().setRowVisible(self.age_note, computable and "min_age" in found.params)
        set_row_visible(self.form, "target_kind", computable)
        groups: CodeChecklist = self.form.editor("groups")
        allowed = set(found.group_choices or groups.codes())
        for i in range(groups.count()):
            item = groups.item(i)
            hidden = item.data(Qt.ItemDataRole.UserRole) not in allowed
            item.setHidden(hidden)
            if hidden:
                groups.tick(item.data(Qt.ItemDataRole.UserRole), False)
        for name_, editor in (("min_age", "min_age"), ("max_age", "max_age")):
            default = found.defaults.get(name_)
            self.form.editor(editor).setSpecialValueText(
                "–" if default is None else _("– ({n})").format(n=default)
            )
        show_target_rows(self.form, found.unit)
        if not computable:
            for row in ("minimum", "maximum", "compare", "years"):
                set_row_visible(self.form, row, False)
        self.fit()
        label = self.form.editor("label")
        if not initial and label.text().strip() in ("", self._auto_label):
            self._auto_label = _(found.title)
            label.setText(self._auto_label)

    def fit(self) -> None:
        """Grow or shrink to the rows the chosen measure and target show."""
        self.form.layout().activate()
        self.layout().activate()
        self.resize(max(self.width(), 660), self.layout().sizeHint().height())

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.fit()

    def indicator_of(self, values: Mapping[str, Any]) -> Indicator:
        """The indicator the fields describe (parameters of the chosen measure only), checked."""
        name = values.get("measure") or "fte"
        found = MEASURES[name]
        check_indicator_label(values.get("label") or "")
        fidelity = values.get("fidelity") or "faithful"
        note = (values.get("note") or "").strip()
        check_fidelity(fidelity, note)
        keep = (self.original.id if self.original else "", (values.get("label") or "").strip())
        notes = {"note": note, "note_en": ""}
        if self.original is not None and note == self.original.note_in(i18n.current_language()):
            notes = {"note": self.original.note, "note_en": self.original.note_en}  # unchanged
        if fidelity == "not_computable":
            return Indicator(
                *keep, "", {}, None, fidelity=fidelity, note=notes["note"], note_en=notes["note_en"]
            )
        params = clean_params(name, {key: values.get(key) for key in found.params})
        target = target_of(values)
        check_target(target, found.unit)
        unchanged = (
            self.original is not None
            and self.original.measure == name
            and self.original.target == target
        )
        return Indicator(
            *keep,
            name,
            params,
            target,
            fidelity=fidelity,
            **notes,
            # targets the plan names for other years stay while the measure and target do
            more_targets=self.original.more_targets if unchanged and self.original else (),
        )

    def _problems(self, values: Mapping[str, Any]) -> dict[str, ValidationError]:
        try:
            self.indicator_of(values)
        except ValidationError as error:
            return _at_field(error)
        return {}

    def _make(self, values: dict[str, Any]) -> Indicator:
        return self.indicator_of(values)


# --- only a target -------------------------------------------------------------------------------
class TargetDialog(FormDialog):
    """Set the target of one indicator of the plan shown (team leads); saved at once, audited."""

    result: IndicatorResult  # type: ignore[assignment]  # shadows QDialog.result(), which nothing here calls

    def __init__(self, ctx, plan_id: str, result, parent: QWidget | None = None) -> None:
        super().__init__(_("Set target"), self._save_target, parent)
        self.ctx, self.plan_id, self.result = ctx, plan_id, result
        caption = QLabel(result.indicator.label, self)
        caption.setWordWrap(True)
        self.form.add_widget(_("Indicator:"), caption)
        add_target_fields(self.form)
        self.form.set_values(target_values(result.indicator.target))
        show_target_rows(self.form, result.unit)
        self.form.set_validator(self._problems)
        self.focus_field = "target_kind"
        self.resize(520, self.sizeHint().height())

    def _problems(self, values: Mapping[str, Any]) -> dict[str, ValidationError]:
        try:
            check_target(target_of(values), self.result.unit)
        except ValidationError as error:
            return _at_field(error)
        return {}

    def _save_target(self, values: dict[str, Any]):
        from app.casework.goals.goal_targets import set_target

        target = target_of(values) or Target()
        return set_target(
            self.ctx.db,
            self.ctx.actor,
            self.plan_id,
            self.result.indicator.id,
            {**target.as_dict(), "unit": self.result.unit},
        )

"""Checking a whole bundle against the domain rules and against what the database already holds.

Every row is checked before anything is written, and every problem is reported (not just the
first), so a caseworker can fix the spreadsheet in one go. The rules are the use cases' rules
(``app.domain``), applied row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.casework.bundle.reader import Problem, Row
from app.casework.citizens.journal import MAX_NOTE_LENGTH
from app.domain import validation as v
from app.domain.citizens import clean_citizen
from app.domain.codes import N_
from app.domain.conversations import check_outcome
from app.domain.dates import Period, check_period
from app.domain.errors import MinPlanError, ValidationError
from app.domain.identifiers import format_cpr
from app.domain.offers import check_offer
from app.domain.plan import check_milestone, clean_plan_fields
from app.domain.spells import check_spell_facts


@dataclass
class Existing:
    """What the database holds that bundle rows may refer to or collide with (keys → ids)."""

    caseworkers: dict[str, int] = field(default_factory=dict)
    companies: dict[str, int] = field(default_factory=dict)
    citizens: dict[str, int] = field(default_factory=dict)
    spells: dict[str, list[Period]] = field(default_factory=lambda: defaultdict(list))
    plans: set[str] = field(default_factory=set)


def _as_is(value: str) -> str:
    return value


class Checker:
    """Collects problems while rows stream past, file by file in dependency order: ``check``
    each row of a file, then ``finish`` the file. What later files refer to (initials, CVR and
    CPR numbers, each citizen's spells) is kept; the rows themselves are not."""

    def __init__(
        self,
        existing: Existing,
        problems: list[Problem],
        today: date,
        refused: set[str] | None = None,
    ) -> None:
        #: Files refused as a whole: references into them are not checked (that would only
        #: repeat the file's own problem once per referring row).
        self.refused: set[str] = refused if refused is not None else set()
        self.existing = existing
        self.problems = problems
        self.today = today
        self.initials: set[str] = set(existing.caseworkers)
        self.cvrs: set[str] = set(existing.companies)
        self.cprs: set[str] = set(existing.citizens)
        self._first_line: dict[str, dict[str, int]] = defaultdict(dict)
        self._spell_periods: dict[str, list[tuple[Period, Row]]] = defaultdict(list)
        self._plan_lines: dict[str, int] = {}
        self._rules: dict[str, Callable[[Row], None]] = {}
        #: A conversation's outcome rule's verdict (None or its error) by what it looks at.
        self._outcomes: dict[tuple[bool, Any, Any], MinPlanError | None] = {}

    def problem(self, row: Row, error: MinPlanError) -> None:
        """Name the column too when the rule says which one (``field``) and the file has it."""
        field = getattr(error, "field", None)
        column = field if field in row.values else None
        self.problems.append(Problem(row.file, row.line, error, column))

    def _key(
        self,
        name: str,
        row: Row,
        column: str,
        known: set[str],
        existing: dict[str, int],
        twice: str,
        exists: str,
        *,
        show: Callable[[str], str] = _as_is,
    ) -> None:
        key = row.values.get(column)
        if key is None:
            return
        seen = self._first_line[name]
        if key in seen:
            self.problem(row, ValidationError(twice, key=show(key), other=seen[key]))
        elif key in existing:
            self.problem(row, ValidationError(exists, key=show(key)))
        seen.setdefault(key, row.line)
        known.add(key)

    # --- references --------------------------------------------------------------------
    def _ref(
        self,
        row: Row,
        column: str,
        target: str,
        known: set[str],
        message: str,
        show: Callable[[str], str] = _as_is,
    ) -> None:
        value = row.values.get(column)
        if value is not None and value not in known and target not in self.refused:
            self.problem(row, ValidationError(message, key=show(value)))

    def citizen_ref(self, row: Row) -> None:
        if row.values.get("cpr") in self.cprs:  # (the usual case, without a further call)
            return
        self._ref(
            row,
            "cpr",
            "citizens.csv",
            self.cprs,
            N_("No citizen with CPR number {key} in the bundle or the database"),
            format_cpr,
        )

    def company_ref(self, row: Row, column: str) -> None:
        self._ref(
            row,
            column,
            "companies.csv",
            self.cvrs,
            N_("No company with CVR number {key} in the bundle or the database"),
        )

    def caseworker_ref(self, row: Row) -> None:
        initials = row.values.get("caseworker")
        if initials is None or initials in self.initials:  # (the usual cases)
            return
        self._ref(
            row,
            "caseworker",
            "caseworkers.csv",
            self.initials,
            N_("No caseworker with initials {key} in the bundle or the database"),
        )

    def rule(self, row: Row, check: Callable[[], Any]) -> None:
        try:
            check()
        except MinPlanError as error:
            self.problem(row, error)

    # --- the files -----------------------------------------------------------------------
    def check(self, name: str, row: Row) -> None:
        """One row of the file ``name`` (``citizens.csv``)."""
        if name == "caseworkers.csv":
            self._key(
                name, row, "initials", self.initials, self.existing.caseworkers,
                N_("Initials {key} appear twice in the bundle (also line {other})"),
                N_("A caseworker with initials {key} already exists in the database"),
            )  # fmt: skip
        elif name == "companies.csv":
            self._key(
                name, row, "cvr", self.cvrs, self.existing.companies,
                N_("CVR number {key} appears twice in the bundle (also line {other})"),
                N_("A company with CVR number {key} already exists in the database"),
            )  # fmt: skip
        elif name == "citizens.csv":
            self._key(
                name, row, "cpr", self.cprs, self.existing.citizens,
                N_("CPR number {key} appears twice in the bundle (also line {other})"),
                N_("A citizen with CPR number {key} already exists in the database"),
                show=format_cpr,
            )  # fmt: skip
        if not row.complete:  # its unreadable cells were reported already
            return
        check_row = self._rules.get(name)  # (found once per file, not once per row)
        if check_row is None:
            check_row = self._rules[name] = getattr(self, "_" + name.removesuffix(".csv"))
        check_row(row)

    def finish(self, name: str) -> None:
        """After the last row of ``name``: the checks that need all of its rows."""
        if name == "spells.csv":
            self._overlaps()

    def _caseworkers(self, row: Row) -> None:
        self.rule(row, lambda: _contact(row.values))

    def _companies(self, row: Row) -> None:
        self.rule(row, lambda: _company(row.values))

    def _citizens(self, row: Row) -> None:
        self.caseworker_ref(row)
        self.rule(row, lambda: clean_row("citizens.csv", row.values, self.today))

    def _milestones(self, row: Row) -> None:
        self.citizen_ref(row)
        status = row.values.get("status") or "planned"
        # The bundle has no drop-reason column; a dropped milestone is accepted without one.
        self.rule(
            row,
            lambda: check_milestone(
                row.values["title"], status, row.values.get("completed_on"), "imported"
            ),
        )

    def _offers(self, row: Row) -> None:
        self.citizen_ref(row)
        self.company_ref(row, "company_cvr")
        values = {**row.values, "start_date": row.values.get("start")}
        self.rule(row, lambda: check_offer(values))

    def _conversations(self, row: Row) -> None:
        self.citizen_ref(row)
        self.caseworker_ref(row)
        values = row.values
        # The rule looks at three things that recur on most of a bundle's conversations.
        key = (values.get("scheduled_at") is None, values.get("status"), values.get("held_on"))
        try:
            error = self._outcomes[key]
        except KeyError:
            error = None
            try:
                self._conversation(values)
            except MinPlanError as found:
                error = found
            self._outcomes[key] = error
        if error is not None:
            self.problem(row, error)

    def _employment(self, row: Row) -> None:
        self.citizen_ref(row)
        self.company_ref(row, "company_cvr")
        self.rule(row, lambda: _employment(row.values))

    def _company_contacts(self, row: Row) -> None:
        self.company_ref(row, "cvr")
        self.caseworker_ref(row)

    def _recruitment_orders(self, row: Row) -> None:
        self.company_ref(row, "cvr")
        self.rule(row, lambda: _order(row.values))

    def _journal(self, row: Row) -> None:
        self.citizen_ref(row)
        self.caseworker_ref(row)
        if len(row.values["text"]) > MAX_NOTE_LENGTH:
            self.problem(
                row,
                ValidationError(
                    "The note is too long (at most {max} characters)", max=MAX_NOTE_LENGTH
                ),
            )

    def _plans(self, row: Row) -> None:
        self.citizen_ref(row)
        cpr = row.values["cpr"]
        seen = self._plan_lines
        if cpr in seen:
            self.problem(
                row,
                ValidationError(
                    "The citizen {cpr} has two plans in the bundle (also line {other})",
                    cpr=format_cpr(cpr),
                    other=seen[cpr],
                ),
            )
        elif cpr in self.existing.plans:
            self.problem(
                row,
                ValidationError(
                    "The citizen {cpr} already has a plan in the database", cpr=format_cpr(cpr)
                ),
            )
        seen.setdefault(cpr, row.line)
        texts = {k: v for k, v in row.values.items() if k not in ("cpr", "updated_on", "agreed_on")}
        self.rule(row, lambda: clean_plan_fields(texts))

    def _spells(self, row: Row) -> None:
        self.citizen_ref(row)
        values = row.values
        try:
            check_period(values["start"], values.get("end"))
            check_spell_facts(
                {
                    **{k: v for k, v in values.items() if k not in ("start", "end")},
                    "start_date": values["start"],
                    "end_date": values.get("end"),
                }
            )
        except MinPlanError as error:
            self.problem(row, error)
            return
        # Only what the overlap check needs: the period and where the row is, not its values.
        where = Row(row.file, row.line, {})
        self._spell_periods[values["cpr"]].append(
            (Period(values["start"], values.get("end")), where)
        )

    def _overlaps(self) -> None:
        for cpr, spells in self._spell_periods.items():
            spells.sort(key=lambda item: (item[0].start, item[1].line))
            taken = list(self.existing.spells.get(cpr, []))
            for period, row in spells:
                clash = next((other for other in taken if other.overlaps(period)), None)
                if clash is not None:
                    self.problem(
                        row,
                        ValidationError(
                            "The spell {start} – {end} overlaps another spell of the same citizen ({other_start} – {other_end})",
                            start=period.start.isoformat(),
                            end=period.end.isoformat() if period.end else "…",
                            other_start=clash.start.isoformat(),
                            other_end=clash.end.isoformat() if clash.end else "…",
                        ),
                    )
                taken.append(period)
        self._spell_periods.clear()

    def _conversation(self, values: dict[str, Any]) -> None:
        if values.get("scheduled_at") is None and values.get("held_on") is None:
            raise ValidationError("Give scheduled_at or held_on")
        check_outcome(values.get("status") or "planned", values.get("held_on"), self.today)


def clean_row(name: str, values: dict[str, Any], today: date) -> None:
    """Normalise ``values`` in place the way the use cases do (a citizen's fields); the same
    step runs when the rows are checked and when they are written."""
    if name == "citizens.csv":
        fields = {k: v for k, v in values.items() if k != "caseworker"}
        values.update(clean_citizen(fields, today=today))


def _contact(values: dict[str, Any]) -> None:
    v.email(values.get("email"), values)
    v.phone(values.get("phone"), values)


def _company(values: dict[str, Any]) -> None:
    v.postal_code(values.get("postal_code"), values)
    if values.get("employees") is not None and values["employees"] < 0:
        raise ValidationError("The number of employees cannot be negative")


def _employment(values: dict[str, Any]) -> None:
    check_period(values["start"], values.get("end"))
    if values.get("completed") is not None and values["kind"] != "education":
        raise ValidationError("Only education is finished or dropped")
    hours = values.get("hours_per_week")
    if hours is not None and not 0 < hours <= 60:
        raise ValidationError("Hours per week must be more than 0 and at most {max}", max=60)


def _order(values: dict[str, Any]) -> None:
    if values.get("positions") is not None and values["positions"] < 1:
        raise ValidationError("An order has at least one position")
    status = values.get("status") or "open"
    if status == "open" and values.get("closed_on"):
        raise ValidationError("An open order has no closing date")
    check_period(values["received_on"], values.get("closed_on"))

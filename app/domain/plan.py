"""Min Plan's content (LAB § 41 stk. 2) and what changed between two versions of it.

A snapshot is the plan's fields plus its milestones; ``diff`` lists the changes in the order a
citizen reads the plan, so "what changed since your last plan" can be printed and shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.codes import N_, check_code
from app.domain.errors import ValidationError

#: The plan's fields in the order of LAB § 41 stk. 2, with their labels.
PLAN_FIELDS: Mapping[str, str] = {
    "job_goal": N_("Job goal"),
    "education_goal": N_("Education goal"),
    "own_words": N_("In the citizen's own words"),
    "job_search": N_("Job search agreements"),
    "stabilising": N_("Stabilising activities"),
    "other_efforts": N_("Other agreed efforts"),
    "status_followup": N_("Status and follow-up"),
}
MAX_FIELD_LENGTH = 5000


def clean_plan_fields(values: Mapping[str, Any]) -> dict[str, str | None]:
    """Trimmed plan texts (empty = None); unknown fields and overlong texts are refused."""
    cleaned: dict[str, str | None] = {}
    for key, value in values.items():
        if key not in PLAN_FIELDS:
            raise ValidationError("Unknown plan field {field!r}", field=key)
        text = (str(value).strip() if value is not None else "") or None
        if text is not None and len(text) > MAX_FIELD_LENGTH:
            raise ValidationError(
                "The text is too long (at most {max} characters)", field=key, max=MAX_FIELD_LENGTH
            )
        cleaned[key] = text
    return cleaned


def check_milestone(
    title: str | None, status: str, completed_on: date | None, drop_reason: str | None
) -> None:
    """A milestone has a title; done needs a completion date; dropped needs a reason."""
    if not (title or "").strip():
        raise ValidationError("A milestone needs a title", field="title")
    check_code("milestone_status", status)
    if status == "done" and completed_on is None:
        raise ValidationError("Give the date the milestone was reached", field="completed_on")
    if status != "done" and completed_on is not None:
        raise ValidationError(
            "Only a milestone that is done has a completion date", field="completed_on"
        )
    if status == "dropped" and not (drop_reason or "").strip():
        raise ValidationError("Give a reason for dropping the milestone", field="drop_reason")


@dataclass(frozen=True)
class MilestoneState:
    key: int
    title: str
    due: date | None
    status: str
    completed_on: date | None = None
    drop_reason: str | None = None


@dataclass(frozen=True)
class PlanSnapshot:
    fields: Mapping[str, str | None]
    milestones: Sequence[MilestoneState] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": {k: self.fields.get(k) for k in PLAN_FIELDS},
            "milestones": [
                {
                    "key": m.key,
                    "title": m.title,
                    "due": m.due.isoformat() if m.due else None,
                    "status": m.status,
                    "completed_on": m.completed_on.isoformat() if m.completed_on else None,
                    "drop_reason": m.drop_reason,
                }
                for m in self.milestones
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanSnapshot:
        def _d(value: str | None) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            fields={k: data.get("fields", {}).get(k) for k in PLAN_FIELDS},
            milestones=tuple(
                MilestoneState(
                    m["key"],
                    m["title"],
                    _d(m.get("due")),
                    m["status"],
                    _d(m.get("completed_on")),
                    m.get("drop_reason"),
                )
                for m in data.get("milestones", [])
            ),
        )


@dataclass(frozen=True)
class PlanChange:
    """One change between two versions: kind is field / milestone_added / milestone_removed /
    milestone_status / milestone_changed; ``subject`` is a field code or a milestone title."""

    kind: str
    subject: str
    before: Any = None
    after: Any = None


def diff(old: PlanSnapshot | None, new: PlanSnapshot) -> list[PlanChange]:
    """What changed from ``old`` to ``new`` (everything non-empty is new when ``old`` is None)."""
    changes: list[PlanChange] = []
    old_fields = old.fields if old else {}
    for key in PLAN_FIELDS:
        before, after = old_fields.get(key), new.fields.get(key)
        if before != after:
            changes.append(PlanChange("field", key, before, after))
    old_ms = {m.key: m for m in (old.milestones if old else ())}
    new_ms = {m.key: m for m in new.milestones}
    for m in new.milestones:
        previous = old_ms.get(m.key)
        if previous is None:
            changes.append(PlanChange("milestone_added", m.title, None, m.status))
        elif previous.status != m.status:
            changes.append(PlanChange("milestone_status", m.title, previous.status, m.status))
        elif (previous.title, previous.due) != (m.title, m.due):
            changes.append(PlanChange("milestone_changed", m.title, previous.title, m.title))
    for m in old.milestones if old else ():
        if m.key not in new_ms:
            changes.append(PlanChange("milestone_removed", m.title, m.status, None))
    return changes


def check_agreed_on(day: date | None, today: date) -> date | None:
    """The day the plan was agreed with the citizen: not in the future, not before 2000."""
    if day is not None and day > today:
        raise ValidationError("The plan cannot be agreed on a day in the future", field="agreed_on")
    if day is not None and day.year < 2000:
        raise ValidationError("Give a date from 2000 on", field="agreed_on")
    return day


# --- what LAB § 41 stk. 2 asks of a plan --------------------------------------------------------------
#: The goals a plan must hold for each target group (LAB § 41 stk. 2 nr. 1–2, lov 548/2019 text):
#: a jobmål for § 6 nr. 1–3, 9 (ledighedsydelse) and 10; a job- og uddannelsesmål for nr. 4–8 and
#: 11–13 (and for dagpenge recipients with an uddannelsespålæg, which Min Plan does not record).
GOALS_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "dagpenge": ("job_goal",),
    "kontanthjaelp_jobparat": ("job_goal",),
    "kontanthjaelp_aktivitetsparat": ("job_goal",),
    "ledighedsydelse": ("job_goal",),
    "revalidering": ("job_goal",),
    "uddannelseshjaelp_uddannelsesparat": ("job_goal", "education_goal"),
    "uddannelseshjaelp_aktivitetsparat": ("job_goal", "education_goal"),
    "sygedagpenge": ("job_goal", "education_goal"),
    "jobafklaring": ("job_goal", "education_goal"),
    "ressourceforloeb": ("job_goal", "education_goal"),
    "foertidspension": ("job_goal", "education_goal"),
    "selvforsoergende": ("job_goal", "education_goal"),
}


@dataclass(frozen=True)
class PlanGap:
    """Something the plan lacks before it is handed to the citizen; ``where`` names the field (or
    "milestones", "agreed_on") to fix it in."""

    where: str
    message: str  # an English msgid with {placeholders}
    params: Mapping[str, Any] = field(default_factory=dict)


def plan_gaps(
    fields: Mapping[str, str | None],
    agreed_on: date | None,
    target_group: str | None,
    milestones: Sequence[MilestoneState],
    today: date,
    *,
    sick_category: str | None = None,
) -> list[PlanGap]:
    """What a caseworker should fix or confirm before printing: a goal LAB § 41 stk. 2 asks for
    and the plan lacks, a plan not yet agreed with the citizen, steps whose date has passed
    without being reached (they would be printed as if still current). Sick people in a job in a
    short § 13 f case need no Min Plan (sygedagpengeloven § 13 f, from 2025): no goal is asked."""
    gaps = []
    goals = () if sick_category == "13f" else GOALS_REQUIRED.get(target_group or "", ())
    for key in goals:
        if not (fields.get(key) or "").strip():
            message = (
                N_("LAB § 41 asks for a job goal for this benefit")
                if key == "job_goal"
                else N_(
                    "LAB § 41 asks for an education goal too for this benefit (job- og uddannelsesmål)"
                )
            )
            gaps.append(PlanGap(key, message))
    if agreed_on is None:
        gaps.append(PlanGap("agreed_on", N_("The plan has not been agreed with the citizen yet")))
    for m in milestones:
        if m.due is not None and m.due < today and m.status in ("planned", "in_progress"):
            gaps.append(
                PlanGap(
                    "milestones",
                    N_("The step \u201c{title}\u201d was due on {due} and is not reached"),
                    {"title": m.title, "due": m.due},
                )
            )
    return gaps

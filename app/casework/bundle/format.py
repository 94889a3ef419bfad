"""The CSV bundle's public format: file names, columns and how each cell is read.

This is a contract other tools rely on (packaging/BUNDLE.md): file names, column names and codes
never change. Text limits mirror the database columns, so an over-long cell is named with its
file and line instead of failing the whole transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.casework.bundle.cells import (
    Reader,
    read_bool,
    read_code,
    read_cpr,
    read_cvr,
    read_date,
    read_datetime,
    read_float,
    read_initials,
    read_int,
    read_text,
    text,
)


@dataclass(frozen=True)
class Column:
    name: str
    read: Reader
    required: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, read: Reader = read_text, required: bool = False) -> Column:
    return Column(name, read, required)


#: Every file of the bundle, in the order they are read (referenced files first).
FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "caseworkers.csv",
        (
            _c("initials", read_initials, True),
            _c("name", text(200), True),
            _c("team", text(100)),
            _c("role", read_code("role")),
            _c("email", text(200)),
            _c("phone", text(40)),
        ),
    ),
    FileSpec(
        "companies.csv",
        (
            _c("cvr", read_cvr, True),
            _c("name", text(300), True),
            _c("address", text(300)),
            _c("postal_code", text(10)),
            _c("city", text(100)),
            _c("employees", read_int),
            _c("local", read_bool),
        ),
    ),
    FileSpec(
        "citizens.csv",
        (
            _c("cpr", read_cpr, True),
            _c("first_name", text(200), True),
            _c("last_name", text(200), True),
            _c("address", text(300)),
            _c("postal_code", text(10)),
            _c("city", text(100)),
            _c("phone", text(40)),
            _c("email", text(200)),
            _c("language", read_code("language")),
            _c("caseworker", read_initials),
            _c("refugee_or_reunified", read_bool),
            _c("refugee_year", read_int),
            _c("disability", read_bool),
            _c("digital_post_exempt", read_bool),
        ),
    ),
    FileSpec(
        "spells.csv",
        (
            _c("cpr", read_cpr, True),
            _c("target_group", read_code("target_group"), True),
            _c("start", read_date, True),
            _c("end", read_date),
            _c("end_reason", text(200)),
            _c("visited_to_jobcenter", read_bool),
            _c("early_followup_requested_on", read_date),
            _c("exempt_75", read_bool),
            _c("exempt_75_reason", text(500)),
            _c("agreed_contact_days", read_int),
            _c("first_request_on", read_date),
            _c("absence_start_on", read_date),
            _c("sick_category", text(4)),
            _c("new_dagpengeperiode_on", read_date),
            _c("ledighed_hours", read_float),
            _c("ledighed_on", read_date),
            _c("part_time_insured", read_bool),
            _c("offer_exempt_from", read_date),
            _c("offer_exempt_to", read_date),
            _c("work_duty", read_bool),
        ),
    ),
    FileSpec(
        "plans.csv",
        (
            _c("cpr", read_cpr, True),
            _c("job_goal"),
            _c("education_goal"),
            _c("own_words"),
            _c("job_search"),
            _c("stabilising"),
            _c("other_efforts"),
            _c("updated_on", read_date),
            _c("agreed_on", read_date),
        ),
    ),
    FileSpec(
        "milestones.csv",
        (
            _c("cpr", read_cpr, True),
            _c("title", text(500), True),
            _c("due", read_date),
            _c("status", read_code("milestone_status")),
            _c("completed_on", read_date),
        ),
    ),
    FileSpec(
        "offers.csv",
        (
            _c("cpr", read_cpr, True),
            _c("kind", read_code("offer_kind"), True),
            _c("company_cvr", read_cvr),
            _c("title", text(300)),
            _c("offered_on", read_date),
            _c("start", read_date),
            _c("planned_end", read_date),
            _c("actual_end", read_date),
            _c("hours_per_week", read_float),
            _c("status", read_code("offer_status")),
        ),
    ),
    FileSpec(
        "conversations.csv",
        (
            _c("cpr", read_cpr, True),
            _c("kind", read_code("conversation_kind")),
            _c("scheduled_at", read_datetime),
            _c("held_on", read_date),
            _c("status", read_code("conversation_status")),
            _c("channel", read_code("channel")),
            _c("held_by", read_code("held_by")),
            _c("with_a_kasse", read_bool),
            _c("caseworker", read_initials),
            _c("note"),
        ),
    ),
    FileSpec(
        "employment.csv",
        (
            _c("cpr", read_cpr, True),
            _c("kind", read_code("employment_kind"), True),
            _c("company_cvr", read_cvr),
            _c("start", read_date, True),
            _c("end", read_date),
            _c("hours_per_week", read_float),
            _c("completed", read_bool),
        ),
    ),
    FileSpec(
        "company_contacts.csv",
        (
            _c("cvr", read_cvr, True),
            _c("date", read_date, True),
            _c("kind", read_code("company_contact_kind"), True),
            _c("caseworker", read_initials),
            _c("led_to_offer", read_bool),
        ),
    ),
    FileSpec(
        "recruitment_orders.csv",
        (
            _c("cvr", read_cvr, True),
            _c("received_on", read_date, True),
            _c("title", text(300), True),
            _c("positions", read_int),
            _c("status", read_code("recruitment_order_status")),
            _c("closed_on", read_date),
        ),
    ),
    FileSpec(
        "journal.csv",
        (
            _c("cpr", read_cpr, True),
            _c("written_on", read_date, True),
            _c("caseworker", read_initials),
            _c("text", required=True),
        ),
    ),
)
FILE_NAMES = tuple(spec.name for spec in FILES)
SPECS = {spec.name: spec for spec in FILES}

#: Paid hours (småjob) are kept per month; the bundle's column is per week (a weekly average).
WEEKS_PER_MONTH = 52 / 12

"""Human labels of record fields, for messages such as the conflict dialog and the access log."""

from __future__ import annotations

from app.domain.plan import PLAN_FIELDS
from app.i18n import N_, _

FIELD_LABELS = {
    "cpr": N_("CPR number"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "address": N_("Address"),
    "postal_code": N_("Postal code"),
    "city": N_("City"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "language": N_("Language"),
    "caseworker_id": N_("Caseworker"),
    "refugee_or_reunified": N_("Refugee or family-reunified"),
    "refugee_year": N_("Year of residence permit"),
    "disability": N_("Disability"),
    "digital_post_exempt": N_("Exempt from digital post"),
    **PLAN_FIELDS,  # the plan's fields, with the labels the plan shows them under
    "title": N_("Title"),
    "due": N_("Due"),
    "status": N_("Status"),
    "completed_on": N_("Reached on"),
    "drop_reason": N_("Reason"),
    "kind": N_("Kind"),
    "company_id": N_("Company"),
    "offered_on": N_("Offered on"),
    "start_date": N_("Start"),
    "planned_end": N_("Planned end"),
    "actual_end": N_("Ended"),
    "end_date": N_("End"),
    "hours_per_week": N_("Hours per week"),
    "hours_per_month": N_("Hours per month"),
    "held_on": N_("Held on"),
    "note": N_("Note"),
    "text": N_("Text"),
    "scheduled_at": N_("Time"),
    "target_group": N_("Benefit"),
    # Further fields that changes in the access log name.
    "channel": N_("Channel"),
    "held_by": N_("Held by"),
    "with_a_kasse": N_("With the a-kasse"),
    "location": N_("Place"),
    "end_reason": N_("End reason"),
    "agreed_contact_days": N_("Agreed contact"),
    "visited_to_jobcenter": N_("Referred to the jobcenter"),
    "exempt_75": N_("Exempt from the 75 % rule"),
    "exempt_75_reason": N_("Reason for the exemption"),
    "early_followup_requested_on": N_("Early follow-up requested on"),
    "completed": N_("Completed"),
    "received_on": N_("Received on"),
    "closed_on": N_("Closed"),
    "positions": N_("Positions"),
    "contacted_on": N_("Date"),
    "cvr": N_("CVR number"),
    "name": N_("Name"),
    "employees": N_("Employees"),
    "until": N_("Put aside until"),
    "rule_id": N_("Rule"),
    "value": N_("Value"),
    "minimum": N_("At least"),
    "maximum": N_("At most"),
    "direction": N_("Direction"),
    "index": N_("Place in the list"),
    "from": N_("From"),
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name

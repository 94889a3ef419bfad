"""Human labels of record fields, for messages such as the conflict dialog and the access log."""

from __future__ import annotations

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
    "job_goal": N_("Job goal"),
    "education_goal": N_("Education goal"),
    "own_words": N_("In the citizen's own words"),
    "job_search": N_("Job search agreements"),
    "stabilising": N_("Stabilising activities"),
    "other_efforts": N_("Other agreed efforts"),
    "status_followup": N_("Status and follow-up"),
    "title": N_("Title"),
    "due": N_("Due"),
    "status": N_("Status"),
    "completed_on": N_("Completed on"),
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
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name

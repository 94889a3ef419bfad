"""The printed plan's fixed texts, written for citizens in plain words (Danish LIX ≤ 40).

English msgids; the Danish catalog holds the citizen-facing Danish. Codes are never printed raw:
every offer kind, status and channel has a plain name here.
"""

from __future__ import annotations

from app.domain.codes import N_

TEXTS = {
    "title": N_("Your plan"),
    "for": N_("Plan for {name}, born {date}"),
    "intro": N_(
        "This is your plan. It says what you want to reach and what we have agreed. "
        "Read it. Call us if something is wrong or if you want to change it."
    ),
    "made": N_("Made on {date}"),
    "agreed": N_("Agreed with you on {date}"),
    "changed": N_("What has changed since your last plan"),
    "first": N_("First plan"),
    "first_text": N_("This is your first plan."),
    "nothing": N_("Nothing has changed."),
    "goal": N_("Your goal"),
    "job_goal": N_("Job: {text}"),
    "education_goal": N_("Education: {text}"),
    "own_words": N_("In your own words"),
    "steps": N_("Your steps on the way"),
    "offers": N_("Your offers"),
    "finished": N_("What you have done in the last year"),
    "finished_done": N_("finished on {date}"),
    "finished_cancelled": N_("stopped on {date}"),
    "led_to_job": N_("It led to a job."),
    "led_to_education": N_("It led to an education."),
    "job_search": N_("How you look for a job"),
    "stabilising": N_("What helps you in everyday life"),
    "other_efforts": N_("Other things we have agreed"),
    "status_followup": N_("How it is going"),
    "meetings": N_("Your next meetings"),
    "caseworker": N_("Your caseworker"),
    "phone": N_("Phone: {phone}"),
    "email": N_("E-mail: {email}"),
    "page": N_("page {page} of {pages}"),
    "footer": N_("{municipality} · Your plan, made on {date}"),
    "at_company": N_("at {company}"),
    "from_to": N_("from {start} to {end}"),
    "from": N_("from {start}"),
    "hours": N_("{hours} hours a week"),
    "meeting_at": N_("{date} at {time}"),
    "new_step": N_("New step: {title}"),
    "step_removed": N_("Step removed: {title}"),
    "step_status": N_("{title}: now {status}"),
    "step_changed": N_("Step changed: {title}"),
    "field_changed": N_("{field} is changed"),
    "by": N_("by {date}"),
    # a step past its date, not reached: overdue, said plainly (never "not started" alone)
    "overdue_step": N_("overdue: it was to be done by {date}"),
    "done_on": N_("done on {date}"),
}

OFFER_NAMES = {
    "virksomhedspraktik": N_("Work placement at a workplace"),
    "loentilskud_privat": N_("Job with wage subsidy at a private company"),
    "loentilskud_offentlig": N_("Job with wage subsidy at a public workplace"),
    "oevrig_vejledning_opkvalificering": N_("Course or guidance"),
    "ordinaer_uddannelse": N_("Education"),
    "jobrettet_uddannelse": N_("Course aimed at a job"),
    "voksenlaerling": N_("Apprenticeship as an adult"),
    "nytteindsats": N_("Community work (nytteindsats)"),
    "mentor": N_("A mentor who helps you"),
    "ips": N_("Help to find a job with support (IPS)"),
    "andet": N_("Other help"),
}

STEP_STATUS = {
    "planned": N_("not started"),
    "in_progress": N_("started"),
    "done": N_("done"),
    "dropped": N_("stopped"),
}

MEETING_PLACE = {
    "in_person": N_("at the jobcenter"),
    "phone": N_("by phone"),
    "video": N_("by video"),
}

FIELD_NAMES = {
    "job_goal": N_("Your job goal"),
    "education_goal": N_("Your education goal"),
    "own_words": N_("Your own words"),
    "job_search": N_("How you look for a job"),
    "stabilising": N_("What helps you in everyday life"),
    "other_efforts": N_("Other things we have agreed"),
    "status_followup": N_("How it is going"),
}


def all_texts() -> list[str]:
    """Every fixed text (for the readability test)."""
    return [
        *TEXTS.values(),
        *OFFER_NAMES.values(),
        *STEP_STATUS.values(),
        *MEETING_PLACE.values(),
        *FIELD_NAMES.values(),
    ]

"""The stable codes of Min Plan's vocabulary and their human labels.

Codes are part of the documented CSV exchange format and other tools use them: never rename one.
Labels are English gettext msgids (marked with ``N_``) that the UI translates; Danish legal terms of
art (ydelse names, "jobparat") keep their Danish names in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

V = TypeVar("V")


def N_(message: str) -> str:
    """Mark a string for gettext extraction without translating it here (the core has no locale)."""
    return message


def _frozen(pairs: dict[str, V]) -> Mapping[str, V]:
    return MappingProxyType(pairs)


TARGET_GROUPS: Mapping[str, str] = _frozen(
    {
        "dagpenge": N_("Dagpenge"),
        "kontanthjaelp_jobparat": N_("Kontanthjælp, jobparat"),
        "kontanthjaelp_aktivitetsparat": N_("Kontanthjælp, aktivitetsparat"),
        "uddannelseshjaelp_uddannelsesparat": N_("Uddannelseshjælp, uddannelsesparat"),
        "uddannelseshjaelp_aktivitetsparat": N_("Uddannelseshjælp, aktivitetsparat"),
        "sygedagpenge": N_("Sygedagpenge"),
        "jobafklaring": N_("Jobafklaringsforløb"),
        "ressourceforloeb": N_("Ressourceforløb"),
        "ledighedsydelse": N_("Ledighedsydelse"),
        "fleksjob": N_("Fleksjob"),
        "revalidering": N_("Revalidering"),
        "foertidspension": N_("Førtidspension"),
        "integration": N_("Selvforsørgelses- og hjemrejseydelse/overgangsydelse"),
        "selvforsoergende": N_("Selvforsørgende ledig"),
    }
)

OFFER_KINDS: Mapping[str, str] = _frozen(
    {
        "virksomhedspraktik": N_("Virksomhedspraktik"),
        "loentilskud_privat": N_("Løntilskud, private employer"),
        "loentilskud_offentlig": N_("Løntilskud, public employer"),
        "oevrig_vejledning_opkvalificering": N_("Other guidance and upskilling (ØVO)"),
        "ordinaer_uddannelse": N_("Ordinary education"),
        "jobrettet_uddannelse": N_("6 weeks' job-targeted education"),
        "voksenlaerling": N_("Adult apprentice"),
        "nytteindsats": N_("Nytteindsats"),
        "mentor": N_("Mentor"),
        "ips": N_("IPS (individual placement and support)"),
        "andet": N_("Other offer"),
    }
)

#: Offer kinds counted as "virksomhedsrettede tilbud" (company-based offers).
COMPANY_BASED_OFFER_KINDS: frozenset[str] = frozenset(
    {"virksomhedspraktik", "loentilskud_privat", "loentilskud_offentlig"}
)

OFFER_STATUSES: Mapping[str, str] = _frozen(
    {
        "planned": N_("Planned"),
        "active": N_("Active"),
        "completed": N_("Completed"),
        "cancelled": N_("Cancelled"),
    }
)

CONVERSATION_KINDS: Mapping[str, str] = _frozen(
    {
        "jobsamtale": N_("Jobsamtale"),
        "opfoelgning": N_("Opfølgningssamtale"),
        "afklaring": N_("Afklaringssamtale"),
        "andet": N_("Other conversation"),
    }
)

#: Sygedagpenge visitation categories (sygedagpengeloven § 12; kategori 3 until 1 Jan 2025; § 13 f
#: short cases of people in a job from 1 Jan 2025).
SICK_CATEGORIES: Mapping[str, str] = _frozen(
    {
        "1": N_("Kategori 1 (back within 8 weeks)"),
        "2": N_("Kategori 2"),
        "3": N_("Kategori 3 (until 2025)"),
        "13f": N_("§ 13 f (in a job, short course)"),
    }
)

CONVERSATION_STATUSES: Mapping[str, str] = _frozen(
    {
        "planned": N_("Booked"),
        "held": N_("Held"),
        "cancelled": N_("Cancelled"),
        "no_show": N_("No-show"),
    }
)

CHANNELS: Mapping[str, str] = _frozen(
    {
        "in_person": N_("In person"),
        "phone": N_("Phone"),
        "video": N_("Video"),
    }
)

HELD_BY: Mapping[str, str] = _frozen(
    {
        "jobcenter": N_("Jobcenter"),
        "a_kasse": N_("A-kasse"),
    }
)

EMPLOYMENT_KINDS: Mapping[str, str] = _frozen(
    {
        "ordinary_job": N_("Ordinary job"),
        "paid_hours": N_("Paid hours (småjob)"),
        "flexjob": N_("Fleksjob"),
        "education": N_("Education"),
    }
)

MILESTONE_STATUSES: Mapping[str, str] = _frozen(
    {
        "planned": N_("Planned"),
        "in_progress": N_("In progress"),
        "done": N_("Reached"),
        "dropped": N_("Dropped"),
    }
)

COMPANY_CONTACT_KINDS: Mapping[str, str] = _frozen(
    {
        "visit": N_("Visit"),
        "call": N_("Call"),
        "meeting": N_("Meeting"),
        "email": N_("E-mail"),
    }
)

RECRUITMENT_ORDER_STATUSES: Mapping[str, str] = _frozen(
    {
        "open": N_("Open"),
        "filled_ordinary": N_("Filled by ordinary hire"),
        "filled_flexjob": N_("Filled by fleksjob"),
        "unfilled": N_("Not filled"),
        "cancelled": N_("Cancelled"),
    }
)

ROLES: Mapping[str, str] = _frozen(
    {
        "caseworker": N_("Caseworker"),
        "teamlead": N_("Team lead"),
        "admin": N_("Administrator"),
    }
)

LANGUAGES: Mapping[str, str] = _frozen({"da": N_("Danish"), "en": N_("English")})

#: Every vocabulary by the name used in error messages and documentation.
VOCABULARIES: Mapping[str, Mapping[str, str]] = _frozen(
    {
        "target_group": TARGET_GROUPS,
        "offer_kind": OFFER_KINDS,
        "offer_status": OFFER_STATUSES,
        "conversation_kind": CONVERSATION_KINDS,
        "conversation_status": CONVERSATION_STATUSES,
        "sick_category": SICK_CATEGORIES,
        "channel": CHANNELS,
        "held_by": HELD_BY,
        "employment_kind": EMPLOYMENT_KINDS,
        "milestone_status": MILESTONE_STATUSES,
        "company_contact_kind": COMPANY_CONTACT_KINDS,
        "recruitment_order_status": RECRUITMENT_ORDER_STATUSES,
        "role": ROLES,
        "language": LANGUAGES,
    }
)


#: What each vocabulary is called in messages ("Unknown target group 'x'").
VOCABULARY_NAMES: Mapping[str, str] = _frozen(
    {
        "target_group": N_("target group"),
        "offer_kind": N_("offer kind"),
        "offer_status": N_("offer status"),
        "conversation_kind": N_("conversation kind"),
        "conversation_status": N_("conversation status"),
        "sick_category": N_("sick-leave category"),
        "channel": N_("channel"),
        "held_by": N_("held by"),
        "employment_kind": N_("employment kind"),
        "milestone_status": N_("milestone status"),
        "company_contact_kind": N_("contact kind"),
        "recruitment_order_status": N_("recruitment order status"),
        "role": N_("role"),
        "language": N_("language"),
    }
)


def check_code(vocabulary: str, code: str | None) -> str:
    """Return ``code`` if it belongs to the vocabulary, else raise a ``ValidationError``."""
    from app.domain.errors import Term, ValidationError

    codes = VOCABULARIES[vocabulary]
    if code is None or code not in codes:
        raise ValidationError(
            "Unknown {vocabulary} {code!r}; allowed: {allowed}",
            field=vocabulary,
            vocabulary=Term(VOCABULARY_NAMES[vocabulary]),
            code=code,
            allowed=", ".join(codes),
        )
    return code

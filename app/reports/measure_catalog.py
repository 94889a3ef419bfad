"""The catalogue of indicator measures: each one's name, unit, label, definition ("what is
counted"), function and the parameters it takes, and the checked way to run one.

The functions themselves, one SQL aggregate each, are in ``app.reports.measures``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.codes import N_
from app.domain.errors import ValidationError
from app.domain.goalplan import check_params
from app.domain.periods import ReportPeriod
from app.reports.measures import (
    RULE_75_GROUPS,
    RULE_75_OFFER_GROUPS,
    Measure,
    MeasureResult,
    companies_contacted_share,
    company_contacts_to_offer,
    company_contacts_unique,
    conversations_on_time_share,
    flexjob_hours_increased_share,
    fte,
    ledighedsydelse_share_of_flex,
    mean_days_on_support,
    offers_on_time_share,
    offers_started,
    persons,
    persons_paid_hours,
    recruitment_orders_matched_share,
    refugee_self_support_share,
    conversations_by_six_months_share,
    offer_by_six_months_share,
    share_75_offers,
    share_75_rule,
    smajob_persons,
    upskilling_started,
    virksomhedsrettede_share,
    youth_education_dropout,
)
from app.store.engine import Database

_GROUPS_AGE = ("groups", "min_age", "max_age")

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "fte",
            "fte",
            N_("Full-time persons"),
            N_(
                "Full-time persons: days on the benefit in the period divided by the days in the period, summed over persons"
            ),
            fte,
            _GROUPS_AGE,
            additive=True,
        ),
        Measure(
            "persons",
            "persons",
            N_("Persons on a benefit"),
            N_("Citizens with at least one day on the benefit in the period"),
            persons,
            _GROUPS_AGE,
        ),
        Measure(
            "offers_started",
            "count",
            N_("Offers started"),
            N_(
                "Offers that started in the period (cancelled ones not counted), by kind and by the citizen's target group on the start day"
            ),
            offers_started,
            ("kinds", *_GROUPS_AGE),
            additive=True,
        ),
        Measure(
            "virksomhedsrettede_share",
            "share",
            N_("Share in company-based offers"),
            N_(
                "Share of the group's citizens who started a company-based offer (virksomhedspraktik or løntilskud) in the period"
            ),
            virksomhedsrettede_share,
            _GROUPS_AGE,
        ),
        Measure(
            "upskilling_started",
            "count",
            N_("Upskilling started"),
            N_(
                "Ordinary education, job-oriented education or adult apprenticeships started by recipients of dagpenge, kontanthjælp, uddannelseshjælp or ledighedsydelse (ministermål 2)"
            ),
            upskilling_started,
            _GROUPS_AGE,
            additive=True,
        ),
        Measure(
            "refugee_self_support_share",
            "share",
            N_("Refugees self-supporting"),
            N_(
                "Share of refugees and family-reunified aged 18–66 in unsubsidised work: any paid hours in the period, or in the 190-hour variant at least 190 hours in the period's last month and the two before (ministermål 3)"
            ),
            refugee_self_support_share,
            (*_GROUPS_AGE, "min_hours"),
            {"min_age": 18, "max_age": 66},
        ),
        Measure(
            "persons_paid_hours",
            "persons",
            N_("Persons with paid hours"),
            N_("Citizens with ordinary paid hours (småjob or ordinary job) in the period"),
            persons_paid_hours,
            _GROUPS_AGE,
        ),
        Measure(
            "smajob_persons",
            "persons",
            N_("Persons in småjob"),
            N_(
                "Citizens with paid hours per month within the småjob band (the organisation settings for fewest and most hours)"
            ),
            smajob_persons,
            _GROUPS_AGE,
        ),
        Measure(
            "recruitment_orders_matched_share",
            "share",
            N_("Recruitment orders filled"),
            N_(
                "Share of recruitment orders received in the period that were filled by an ordinary hire or a fleksjob"
            ),
            recruitment_orders_matched_share,
        ),
        Measure(
            "conversations_on_time_share",
            "share",
            N_("Conversations on time"),
            N_(
                "Share of the conversation requirements due in the period that were met in time (ministermål 1)"
            ),
            conversations_on_time_share,
            ("groups",),
        ),
        Measure(
            "offers_on_time_share",
            "share",
            N_("Offers on time (ret og pligt)"),
            N_("Share of the ret og pligt offers due in the period that started in time"),
            offers_on_time_share,
            ("groups",),
        ),
        Measure(
            "share_75_rule",
            "share",
            N_("The 75 % rule, conversations"),
            N_(
                "The 75 % rule (from 1 Jul 2026): share of the citizens whose conversations under the rule fell due in the period and were all held in time; exempted citizens count as not served unless their conversations were held, the first conversation and the a-kasse's conversations are left out"
            ),
            share_75_rule,
            ("groups",),
            group_choices=RULE_75_GROUPS,
        ),
        Measure(
            "share_75_offers",
            "share",
            N_("The 75 % rule, offers"),
            N_(
                "The 75 % rule for offers (from 1 Jul 2026): share of the citizens whose offer fell due in the period and started in time; exempted citizens count as not served unless they started an offer"
            ),
            share_75_offers,
            ("groups",),
            group_choices=RULE_75_OFFER_GROUPS,
        ),
        Measure(
            "conversations_by_six_months_share",
            "share",
            N_("At least 4 conversations at 6 months"),
            N_(
                "STAR's follow-up: share of the citizens reaching 6 months on the benefit in the period who had at least 4 conversations by then (seniority counted as the deadlines count it)"
            ),
            conversations_by_six_months_share,
            ("groups",),
        ),
        Measure(
            "offer_by_six_months_share",
            "share",
            N_("An offer started by 6 months"),
            N_(
                "STAR's follow-up: share of the citizens reaching 6 months on the benefit in the period who had started an offer by then"
            ),
            offer_by_six_months_share,
            ("groups",),
        ),
        Measure(
            "flexjob_hours_increased_share",
            "share",
            N_("Fleksjob with more hours"),
            N_("Share of the citizens in fleksjob whose hours went up in the period"),
            flexjob_hours_increased_share,
        ),
        Measure(
            "ledighedsydelse_share_of_flex",
            "share",
            N_("Ledighedsydelse among the fleksjob-visiterede"),
            N_("Share of the fleksjob-visiterede on ledighedsydelse (full-time persons)"),
            ledighedsydelse_share_of_flex,
        ),
        Measure(
            "youth_education_dropout",
            "share",
            N_("Young people dropping out of education"),
            N_(
                "Share of young people under 30 whose education ended in the period who dropped out within 12 months"
            ),
            youth_education_dropout,
            ("min_age", "max_age"),
            {"max_age": 29},
        ),
        Measure(
            "company_contacts_unique",
            "count",
            N_("Companies contacted"),
            N_("Companies contacted in the period"),
            company_contacts_unique,
        ),
        Measure(
            "company_contacts_to_offer",
            "count",
            N_("Company contacts leading to an offer"),
            N_("Companies whose contact in the period led to an offer"),
            company_contacts_to_offer,
        ),
        Measure(
            "companies_contacted_share",
            "share",
            N_("Share of companies contacted"),
            N_(
                "Share of the companies with at least the given number of employees contacted in the period"
            ),
            companies_contacted_share,
            ("min_employees",),
            {"min_employees": 3},
        ),
        Measure(
            "mean_days_on_support",
            "days",
            N_("Mean days on support"),
            N_("Mean length in days of the spells that ended in the period"),
            mean_days_on_support,
            _GROUPS_AGE,
        ),
    )
}


def measure(name: str) -> Measure:
    found = MEASURES.get(name)
    if found is None:
        raise ValidationError(
            "Unknown measure {name!r}; the measures are: {names}",
            field="measure",
            name=name,
            names=", ".join(MEASURES),
        )
    return found


def clean_params(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The measure's parameters checked (``ValidationError`` for an unknown one or a bad value)."""
    found = measure(name)
    return check_params(name, found.params, params, group_choices=found.group_choices)


def run_measure(db: Database, name: str, period: ReportPeriod, **params: Any) -> MeasureResult:
    """One measure for a period; ``params`` are checked, and the result names every parameter
    in effect (defaults included, e.g. the småjob band read from the settings)."""
    found = measure(name)
    effective = {**found.defaults, **clean_params(name, params)}
    result = found.compute(db, period, **effective)
    return MeasureResult(result.value, result.persons, found.unit, {**effective, **result.params})

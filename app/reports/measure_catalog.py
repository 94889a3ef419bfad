"""The catalogue of indicator measures: each one's name, unit, label, definition ("what is
counted"), function and the parameters it takes, and the checked way to run one.

The functions themselves, one SQL aggregate each, are in ``app.reports.measures`` and its
siblings by subject (``measures_deadlines``, ``_paid_work``, ``_companies``, ``_refugees``,
``_support``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.codes import N_
from app.domain.deadlines import RuleBook
from app.domain.errors import ValidationError
from app.domain.goalplan import check_params
from app.domain.periods import ReportPeriod
from app.reports.measures import (
    SUPPORT_GROUPS,
    Measure,
    MeasureResult,
    disability_employed,
    education_started,
    flexjob_hours_increased_share,
    fte,
    in_offer_share,
    job_or_education_started,
    ledighedsydelse_share_of_flex,
    mean_days_on_support,
    offers_started,
    persons,
    persons_in_offer,
    persons_paid_hours,
    upskilling_started,
    virksomhedsrettede_share,
    youth_education_dropout,
)
from app.reports.measures_companies import (
    companies_contacted_share,
    company_contacts_to_offer,
    company_contacts_unique,
    company_coverage_share,
    recruitment_orders_matched_share,
)
from app.reports.measures_deadlines import (
    RULE_75_GROUPS,
    RULE_75_OFFER_GROUPS,
    assessments_on_time_share,
    conversations_by_six_months_share,
    conversations_on_time_share,
    offer_by_six_months_share,
    offers_on_time_share,
    share_75_offers,
    share_75_rule,
)
from app.reports.measures_paid_work import paid_hours_share, smajob_persons, smajob_year_persons
from app.reports.measures_refugees import refugee_self_support_share
from app.reports.measures_support import (
    fte_population_share,
    long_term_on_support,
    support_duration,
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
                "Full-time persons: days on the benefit in the period divided by the days in the period, summed over persons (no group chosen: every benefit, never selvforsørgende ledige)"
            ),
            fte,
            _GROUPS_AGE,
            additive=True,
        ),
        Measure(
            "persons",
            "persons",
            N_("Persons on a benefit"),
            N_(
                "Citizens with at least one day on the benefit in the period (no group chosen: every benefit, never selvforsørgende ledige)"
            ),
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
                "Share of the group's citizens who started a company-based offer (virksomhedspraktik or løntilskud) in the period — and, where chosen, paid hours or other work started"
            ),
            virksomhedsrettede_share,
            (*_GROUPS_AGE, "counts_too"),
        ),
        Measure(
            "persons_in_offer",
            "persons",
            N_("People in an offer"),
            N_(
                "Citizens in an offer of the kinds (company-based when none are chosen) on at least one day of the period while in the group: people in an offer, not offers started"
            ),
            persons_in_offer,
            ("kinds", *_GROUPS_AGE),
        ),
        Measure(
            "in_offer_share",
            "share",
            N_("Share in an offer (activation rate)"),
            N_(
                "Of the group's citizens in the period, the share in an offer of the kinds (company-based when none are chosen) on a day they were in the group — and, where chosen, with paid hours or other work in the period"
            ),
            in_offer_share,
            ("kinds", *_GROUPS_AGE, "counts_too"),
        ),
        Measure(
            "upskilling_started",
            "persons",
            N_("Upskilling started"),
            N_(
                "Persons on dagpenge, kontanthjælp, uddannelseshjælp or ledighedsydelse who started ordinary education, 6 weeks' job-targeted education or an adult apprenticeship in the period, as an offer or from the benefit (ministermål 2, Jobindsats MM17)"
            ),
            upskilling_started,
            _GROUPS_AGE,
        ),
        Measure(
            "education_started",
            "persons",
            N_("Ordinary education started"),
            N_(
                "Persons on a benefit in the groups (dagpenge, kontanthjælp, uddannelseshjælp, ledighedsydelse when none are chosen) who started an ordinary education in the period, on their own or as an offer (on the benefit that day or the day before)"
            ),
            education_started,
            _GROUPS_AGE,
        ),
        Measure(
            "job_or_education_started",
            "persons",
            N_("Into job or education"),
            N_(
                "Persons who started an ordinary job or an education in the period from a benefit in the groups (every benefit but fleksjob and førtidspension when none are chosen; on it that day or the day before)"
            ),
            job_or_education_started,
            _GROUPS_AGE,
        ),
        Measure(
            "refugee_self_support_share",
            "share",
            N_("Refugees self-supporting"),
            N_(
                "Ministermål 3 (Jobindsats MM13), a monthly status: of the citizens flagged as refugees or family-reunified (first permit from 2004) aged 18–66, the share in unsubsidised work in the month — any paid hours, or in the 190-hour variant at least 190 hours in the month and the two before; a longer period is the average of its months"
            ),
            refugee_self_support_share,
            (*_GROUPS_AGE, "min_hours"),
            {"min_age": 18, "max_age": 66},
            pooled=True,
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
            "paid_hours_share",
            "share",
            N_("Share with paid hours"),
            N_(
                "Of the group's citizens in the period, the share with ordinary paid hours (paid hours or an ordinary job) on a day they were on the benefit"
            ),
            paid_hours_share,
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
            "smajob_year_persons",
            "persons",
            N_("Persons in småjob this year"),
            N_(
                "Citizens with paid hours within the småjob band on a day they were in the groups (aktivitetsparate of every age and ressourceforløb when none are chosen), from 1 January up to the period's last day: the year so far"
            ),
            smajob_year_persons,
            _GROUPS_AGE,
        ),
        Measure(
            "recruitment_orders_matched_share",
            "share",
            N_("Recruitment orders filled"),
            N_(
                "Of the recruitment orders received in the period whose outcome is known, the share filled by an ordinary hire or a fleksjob (cancelled and still open orders left out; where chosen, only orders from local companies)"
            ),
            recruitment_orders_matched_share,
            ("local_only",),
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
            "assessments_on_time_share",
            "share",
            N_("2-year afklaring on time"),
            N_(
                "Share of the 2-year afklaringer of aktivitetsparate on kontanthjælp (LAB § 36 a, from 1 July 2025) due in the period that were held in time"
            ),
            assessments_on_time_share,
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
            N_(
                "Share of the citizens in fleksjob whose weekly hours went up in the same job in the period (a new fleksjob at another employer is not counted as more hours)"
            ),
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
                "Start cohort: of the young people under 30 who started an education in the same period a year earlier, the share who dropped out within 12 months and had not returned to or finished an education by then"
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
            "company_coverage_share",
            "share",
            N_("Company contact coverage"),
            N_(
                "The kommune's companies with at least the settings' number of employees contacted in the period, as a share of the number of such companies in the kommune (an organisation setting, from the CVR register), not only those registered here"
            ),
            company_coverage_share,
        ),
        Measure(
            "mean_days_on_support",
            "days",
            N_("Mean days on support"),
            N_("Mean length in days of the spells that ended in the period"),
            mean_days_on_support,
            _GROUPS_AGE,
        ),
        Measure(
            "support_duration",
            "days",
            N_("Total time on support"),
            N_(
                "For the citizens whose spell in the groups (jobafklaring and ressourceforløb when none are chosen) ended in the period, the mean days on public support — any benefit — in the unbroken run that spell belongs to (breaks of up to 28 days bridged)"
            ),
            support_duration,
            _GROUPS_AGE,
        ),
        Measure(
            "long_term_on_support",
            "persons",
            N_("Long-term on support"),
            N_(
                "Citizens in the groups on the period's last day who were in them at least the given share of the weeks looked back (the unemployed, 80 % of 52 weeks, when none are chosen: STAR's long-term unemployed)"
            ),
            long_term_on_support,
            (*_GROUPS_AGE, "window_weeks", "min_share"),
        ),
        Measure(
            "fte_population_share",
            "share",
            N_("On support, share of the population"),
            N_(
                "Full-time persons aged 16–66 on public support (never selvforsørgende ledige) as a share of the population aged 16–66 of the year (an organisation setting, from Danmarks Statistik; Jobindsats MM14)"
            ),
            fte_population_share,
            ("groups",),
            group_choices=SUPPORT_GROUPS,
        ),
        Measure(
            "disability_employed",
            "persons",
            N_("Persons with a disability in work"),
            N_(
                "Citizens flagged with a disability who had an ordinary job, paid hours or a fleksjob on at least one day of the period (ministermål 4)"
            ),
            disability_employed,
            ("min_age", "max_age"),
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


def run_measure(
    db: Database, name: str, period: ReportPeriod, *, rules: RuleBook | None = None, **params: Any
) -> MeasureResult:
    """One measure for a period; ``params`` are checked, and the result names every parameter
    in effect (defaults included, e.g. the småjob band read from the settings).

    The deadline measures read the kept requirements as they are, and the 75 % measures count by
    ``rules``: the caller brings the one up to date with the other first
    (``app.casework.goals.goal_evaluation.measure_rules``)."""
    found = measure(name)
    effective = {**found.defaults, **clean_params(name, params)}
    result = found.compute(db, period, rules=rules, **effective)
    return MeasureResult(
        result.value,
        result.persons,
        found.unit,
        {**effective, **result.params},
        result.numerator,
    )

"""Measures of the company side: recruitment orders matched, company contacts, and the share
of local companies the jobcenter reaches (local = the kommune's postal codes, a setting).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, distinct, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from app.domain.periods import ReportPeriod
from app.reports.measures import MeasureResult, _scalar
from app.store.engine import Database
from app.store.models import (
    Company,
    CompanyContact,
    RecruitmentOrder,
)

#: A recruitment order's outcome known: filled (by an ordinary hire or a fleksjob) or not filled.
ORDER_DECIDED = ("filled_ordinary", "filled_flexjob", "unfilled")


def local_company(db: Database) -> ColumnElement[Any]:
    """A company counts as the kommune's own when it is marked local or its postal code is one
    of the kommune's (the organisation setting ``local_postal_codes``)."""
    from app.store import settings as org_settings

    codes = list(org_settings.get(db, "local_postal_codes"))
    local = col(Company.local).is_(True)
    return or_(local, col(Company.postal_code).in_(codes)) if codes else local


def recruitment_orders_matched_share(
    db: Database, period: ReportPeriod, *, local_only: int = 0, **_: Any
) -> MeasureResult:
    """Of the recruitment orders received in the period whose outcome is known, the share
    filled by an ordinary hire or a fleksjob. Cancelled orders and orders still open are left
    out of the denominator; with ``local_only`` only orders from local companies count."""
    filled = func.sum(
        case((col(RecruitmentOrder.status).in_(("filled_ordinary", "filled_flexjob")), 1), else_=0)
    )
    query = select(func.count(col(RecruitmentOrder.id)), func.coalesce(filled, 0)).where(
        col(RecruitmentOrder.received_on) >= period.start,
        col(RecruitmentOrder.received_on) <= period.end,
        col(RecruitmentOrder.status).in_(ORDER_DECIDED),
    )
    if local_only:
        query = query.where(
            col(RecruitmentOrder.company_id).in_(select(col(Company.id)).where(local_company(db)))
        )
    total, matched = _scalar(db, query)
    return MeasureResult(round(100 * matched / total, 1) if total else None, int(total), "share")


def company_contacts_unique(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    (count,) = _scalar(
        db,
        select(func.count(distinct(col(CompanyContact.company_id)))).where(
            col(CompanyContact.contacted_on) >= period.start,
            col(CompanyContact.contacted_on) <= period.end,
        ),
    )
    return MeasureResult(float(count), int(count), "count")


def company_contacts_to_offer(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    (count,) = _scalar(
        db,
        select(func.count(distinct(col(CompanyContact.company_id)))).where(
            col(CompanyContact.contacted_on) >= period.start,
            col(CompanyContact.contacted_on) <= period.end,
            col(CompanyContact.led_to_offer),
        ),
    )
    return MeasureResult(float(count), int(count), "count")


def companies_contacted_share(
    db: Database, period: ReportPeriod, *, min_employees: int = 3, **_: Any
) -> MeasureResult:
    """Share of registered companies with at least ``min_employees`` employees contacted in the period."""
    contacted = (
        select(col(CompanyContact.id))
        .where(
            col(CompanyContact.company_id) == col(Company.id),
            col(CompanyContact.contacted_on) >= period.start,
            col(CompanyContact.contacted_on) <= period.end,
        )
        .exists()
    )
    total, reached = _scalar(
        db,
        select(
            func.count(col(Company.id)), func.coalesce(func.sum(case((contacted, 1), else_=0)), 0)
        ).where(col(Company.employees) >= min_employees),
    )
    return MeasureResult(round(100 * reached / total, 1) if total else None, int(total), "share")


def company_coverage_share(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Company contact coverage: the kommune's companies with at least the organisation's size
    threshold (``company_size_threshold`` employees) contacted in the period, as a share of the
    number of such companies in the kommune (``companies_above_size``, from the CVR register or
    Danmarks Statistik) — not only of those registered in Min Plan. Unknown (None) until that
    number is set."""
    from app.store import settings as org_settings

    size = int(org_settings.get(db, "company_size_threshold"))
    in_kommune = int(org_settings.get(db, "companies_above_size"))
    (reached,) = _scalar(
        db,
        select(func.count(distinct(col(CompanyContact.company_id)))).where(
            col(CompanyContact.contacted_on) >= period.start,
            col(CompanyContact.contacted_on) <= period.end,
            col(CompanyContact.company_id).in_(
                select(col(Company.id)).where(col(Company.employees) >= size, local_company(db))
            ),
        ),
    )
    params = {"min_employees": size, "companies": in_kommune}
    if not in_kommune:
        return MeasureResult(None, 0, "share", params)
    reached = min(int(reached), in_kommune)
    return MeasureResult(round(100 * reached / in_kommune, 1), in_kommune, "share", params)

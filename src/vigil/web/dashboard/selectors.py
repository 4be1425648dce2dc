"""Harm against volume, for the dashboard, from the records the reader may read."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from vigil.web.alerts.selectors import performance_by_year
from vigil.web.records import access


def harm_and_volume(
    *, user: AbstractBaseUser, first_year: int | None = None, last_year: int | None = None
) -> dict[str, Any]:
    """`performance_by_year`'s figures over the records this user may read, within the years."""

    def readable(record_ids: set[str]) -> set[str]:
        return access.visible_source_ids(user, record_ids)

    figures = performance_by_year(visible=readable)

    def within(year: int) -> bool:
        return (first_year is None or year >= first_year) and (
            last_year is None or year <= last_year
        )

    all_years = [y["year"] for y in figures["years"]]
    return {
        **figures,
        "rows": [r for r in figures["rows"] if within(r["year"])],
        "years": [y for y in figures["years"] if within(y["year"])],
        "all_years": all_years,
    }

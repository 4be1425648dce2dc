"""GOV.UK pagination for pages that hold more than one paginated list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest


@dataclass(frozen=True, slots=True)
class Pager:
    """Links for one list's pagination, each keeping the rest of the query."""

    page: Page[Any]
    previous_url: str
    next_url: str
    items: list[tuple[int | str, str, bool]]  # (number or ellipsis, url, current)
    fragment: str


def pager(request: HttpRequest, page: Page[Any], *, param: str, fragment: str = "") -> Pager:
    """The pagination of `page`, whose number is the query parameter `param`."""

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}{'#' + fragment if fragment else ''}"

    items: list[tuple[int | str, str, bool]] = [
        (number, url(number) if isinstance(number, int) else "", number == page.number)
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Pager(
        page=page,
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
        items=items,
        fragment=fragment,
    )

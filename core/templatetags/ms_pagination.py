"""``page|page_links``: the page numbers components/pagination.html draws (first, last, current ± 2) and ``None``
where an ellipsis stands, computed without walking every page of a long list."""

from django import template
from django.core.paginator import Page

register = template.Library()

AROUND = 2


@register.filter
def page_links(page: Page) -> list[int | None]:
    last, current = page.paginator.num_pages, page.number
    candidates = {1, 2, last - 1, last, *range(current - AROUND, current + AROUND + 1)}
    links: list[int | None] = []
    for number in sorted(n for n in candidates if 1 <= n <= last):
        if number in (1, last) or abs(number - current) <= AROUND:
            links.append(number)
        elif number in (2, last - 1):
            links.append(None)
    return links

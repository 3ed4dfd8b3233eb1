"""components/pagination.html draws first, last, current ± 2 and ellipses (core.templatetags.ms_pagination)."""

import pytest
from django.core.paginator import Paginator

from core.templatetags.ms_pagination import page_links


@pytest.mark.parametrize(
    "pages, current, expected",
    [
        (1, 1, [1]),
        (5, 3, [1, 2, 3, 4, 5]),
        (400, 1, [1, 2, 3, None, 400]),
        (400, 200, [1, None, 198, 199, 200, 201, 202, None, 400]),
        (400, 400, [1, None, 398, 399, 400]),
        (7, 4, [1, 2, 3, 4, 5, 6, 7]),
        (8, 4, [1, 2, 3, 4, 5, 6, None, 8]),
    ],
)
def test_page_links(pages, current, expected):
    page = Paginator(range(pages * 10), 10).page(current)
    assert page_links(page) == expected
